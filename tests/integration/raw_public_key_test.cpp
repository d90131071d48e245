// RFC 7250 raw public keys between a qtls client and a qtls server, in
// memory: the server presents its key's SubjectPublicKeyInfo to a client
// that accepts one, the X.509 chain to one that does not, and a client
// trusts a raw key only when its verifier knows it.
#include <gtest/gtest.h>

#include <tuple>

#include "support/engine_harness.h"
#include "support/test_pki.h"

namespace qtls::test {
namespace {

Bytes spki_of(KeyType type) { return certificate_public_key(test_pki().leaf(type)->chain.front()).value(); }

// The test PKI's leaf with its SPKI attached, so it can go either way.
std::shared_ptr<const CertifiedKey> dual_key(KeyType type) {
    auto k = std::make_shared<CertifiedKey>(*test_pki().leaf(type));
    k->raw_public_key = spki_of(type);
    return k;
}

// The same key with no certificate at all.
std::shared_ptr<const CertifiedKey> raw_only_key(KeyType type) {
    auto k = std::make_shared<CertifiedKey>();
    k->key = test_pki().leaf(type)->key;
    k->raw_public_key = spki_of(type);
    return k;
}

struct RpkPair {
    std::shared_ptr<ClientConfig> client = std::make_shared<ClientConfig>();
    std::shared_ptr<ServerConfig> server = std::make_shared<ServerConfig>();
    std::unique_ptr<Engine> client_engine;
    std::unique_ptr<Engine> server_engine;

    RpkPair(std::shared_ptr<const CertifiedKey> key, const Bytes& trusted) {
        server->cert_resolver = single_cert_resolver(std::move(key));
        client->server_certificate_types = {CertificateType::raw_public_key};
        client->server_raw_public_key_verifier = pinned_raw_public_keys({trusted}).value();
    }
    PumpResult run() {
        auto c = Engine::client(client, ClientOptions{"localhost", Transport::tcp, {}});
        auto s = Engine::server(server, ServerOptions{});
        EXPECT_TRUE(c.ok() && s.ok());
        if (!c.ok() || !s.ok()) return {};
        client_engine = std::move(c).value();
        server_engine = std::move(s).value();
        return pump(*client_engine, *server_engine);
    }
};

class RawPublicKeyHandshake : public ::testing::TestWithParam<std::tuple<KeyType, bool>> {};

// Both key types the brief names, with the server holding a certificate too
// (dual) or nothing but the raw key.
TEST_P(RawPublicKeyHandshake, ServerAuthenticatesWithItsKey) {
    // Plain variables, not a structured binding: clang 14 cannot capture those in a lambda.
    const KeyType type = std::get<0>(GetParam());
    const bool dual = std::get<1>(GetParam());
    auto key = dual ? dual_key(type) : raw_only_key(type);
    RpkPair p(key, spki_of(type));
    auto r = p.run();
    ASSERT_TRUE(r.ok) << (r.client.alert ? r.client.alert->reason : r.server.alert ? r.server.alert->reason : "");
    const Negotiated& c = p.client_engine->negotiated();
    EXPECT_EQ(c.server_certificate_type, CertificateType::raw_public_key);
    EXPECT_EQ(p.server_engine->negotiated().server_certificate_type, CertificateType::raw_public_key);
    EXPECT_EQ(c.peer_raw_public_key, spki_of(type));
    EXPECT_TRUE(c.peer_certificates.empty());
    ASSERT_TRUE(c.peer_signature_scheme.has_value());
    if (type == KeyType::ed25519) EXPECT_EQ(*c.peer_signature_scheme, SignatureScheme::ed25519);
    else EXPECT_EQ(*c.peer_signature_scheme, SignatureScheme::ecdsa_secp256r1_sha256);
}

INSTANTIATE_TEST_SUITE_P(rfc7250, RawPublicKeyHandshake,
                         ::testing::Combine(::testing::Values(KeyType::ecdsa_p256, KeyType::ed25519),
                                            ::testing::Bool()),
                         [](const auto& i) {
                             return std::string(key_type_name(std::get<0>(i.param))) +
                                    (std::get<1>(i.param) ? "_dual" : "_raw_only");
                         });

TEST(RawPublicKey, MismatchedKeyIsBadCertificate) {
    RpkPair p(dual_key(KeyType::ecdsa_p256), spki_of(KeyType::ed25519));
    auto r = p.run();
    EXPECT_FALSE(r.ok);
    ASSERT_TRUE(r.client.alert.has_value());
    EXPECT_EQ(r.client.alert->alert, Alert::bad_certificate);
}

// A client that does not offer raw public keys gets the X.509 chain.
TEST(RawPublicKey, ClientNotOfferingGetsTheCertificate) {
    auto client = std::make_shared<ClientConfig>();
    client->verifier = test_pki().verifier();
    auto server = std::make_shared<ServerConfig>();
    server->cert_resolver = single_cert_resolver(dual_key(KeyType::ecdsa_p256));
    auto c = Engine::client(client, ClientOptions{"localhost", Transport::tcp, {}}).value();
    auto s = Engine::server(server, ServerOptions{}).value();
    auto r = pump(*c, *s);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(c->negotiated().server_certificate_type, CertificateType::x509);
    EXPECT_EQ(c->negotiated().peer_certificates.size(), 1u);
    EXPECT_TRUE(c->negotiated().peer_raw_public_key.empty());
}

// A client that prefers raw keys but also takes X.509 falls back to the
// chain (verified as usual) when the server has no raw key.
TEST(RawPublicKey, FallsBackToX509WhenServerHasNoRawKey) {
    RpkPair p(test_pki().leaf(KeyType::ecdsa_p256), spki_of(KeyType::ecdsa_p256));
    p.client->server_certificate_types = {CertificateType::raw_public_key, CertificateType::x509};
    p.client->verifier = test_pki().verifier();
    auto r = p.run();
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(p.client_engine->negotiated().server_certificate_type, CertificateType::x509);
    EXPECT_EQ(p.client_engine->negotiated().peer_certificates.size(), 1u);
}

// RFC 7250 §4.2: a raw-keys-only client and a certificate-only server have
// no type in common.
TEST(RawPublicKey, NoCommonTypeIsUnsupportedCertificate) {
    RpkPair p(test_pki().leaf(KeyType::ecdsa_p256), spki_of(KeyType::ecdsa_p256));
    auto r = p.run();
    EXPECT_FALSE(r.ok);
    ASSERT_TRUE(r.server.alert.has_value());
    EXPECT_EQ(r.server.alert->alert, Alert::unsupported_certificate);
}

// A server holding only a raw key cannot serve a client that does not offer it.
TEST(RawPublicKey, RawOnlyServerRefusesX509Client) {
    auto client = std::make_shared<ClientConfig>();
    client->verifier = test_pki().verifier();
    auto server = std::make_shared<ServerConfig>();
    auto k = std::make_shared<CertifiedKey>();
    k->key = test_pki().leaf(KeyType::ecdsa_p256)->key;
    k->raw_public_key = spki_of(KeyType::ecdsa_p256);
    server->cert_resolver = single_cert_resolver(k);
    auto c = Engine::client(client, ClientOptions{"localhost", Transport::tcp, {}}).value();
    auto s = Engine::server(server, ServerOptions{}).value();
    auto r = pump(*c, *s);
    EXPECT_FALSE(r.ok);
    ASSERT_TRUE(r.server.alert.has_value());
    EXPECT_EQ(r.server.alert->alert, Alert::handshake_failure);
}

// A raw key whose CertificateVerify was made by another key fails the
// signature check (the SPKI itself is the verification key, RFC 8446 §4.4.3).
TEST(RawPublicKey, SignatureByAnotherKeyIsDecryptError) {
    auto k = std::make_shared<CertifiedKey>();
    k->key = test_pki().leaf(KeyType::ecdsa_p256)->key;
    // Another P-256 key (the client certificate's): trusted, but not the signer's.
    const Bytes other = certificate_public_key(test_pki().client()->chain.front()).value();
    k->raw_public_key = other;
    RpkPair p(k, other);
    auto r = p.run();
    EXPECT_FALSE(r.ok);
    ASSERT_TRUE(r.client.alert.has_value());
    EXPECT_EQ(r.client.alert->alert, Alert::decrypt_error);
}

// ---- client authentication with raw public keys (client_certificate_type) ----

// A server asking for client certificates and accepting `types` from
// clients, with the client's raw key pinned.
struct ClientRpkPair : RpkPair {
    ClientRpkPair(std::shared_ptr<const CertifiedKey> client_key, std::vector<CertificateType> types,
                  const Bytes& trusted_client_key)
        : RpkPair(dual_key(KeyType::ecdsa_p256), spki_of(KeyType::ecdsa_p256)) {
        client->client_certificate = std::move(client_key);
        server->client_auth = ClientAuth::required;
        server->client_certificate_types = std::move(types);
        server->client_raw_public_key_verifier = pinned_raw_public_keys({trusted_client_key}).value();
        server->client_verifier = test_pki().verifier();
    }
};

TEST(RawPublicKeyClientAuth, ClientAuthenticatesWithItsKey) {
    ClientRpkPair p(raw_only_key(KeyType::ed25519), {CertificateType::raw_public_key}, spki_of(KeyType::ed25519));
    auto r = p.run();
    ASSERT_TRUE(r.ok) << (r.client.alert ? r.client.alert->reason : r.server.alert ? r.server.alert->reason : "");
    const Negotiated& s = p.server_engine->negotiated();
    EXPECT_EQ(s.client_certificate_type, CertificateType::raw_public_key);
    EXPECT_EQ(p.client_engine->negotiated().client_certificate_type, CertificateType::raw_public_key);
    EXPECT_TRUE(s.client_authenticated);
    EXPECT_EQ(s.peer_raw_public_key, spki_of(KeyType::ed25519));
    EXPECT_TRUE(s.peer_certificates.empty());
}

TEST(RawPublicKeyClientAuth, UnknownClientKeyIsBadCertificate) {
    ClientRpkPair p(raw_only_key(KeyType::ed25519), {CertificateType::raw_public_key}, spki_of(KeyType::ecdsa_p256));
    auto r = p.run();
    EXPECT_FALSE(r.ok);
    ASSERT_TRUE(r.server.alert.has_value());
    EXPECT_EQ(r.server.alert->alert, Alert::bad_certificate);
}

TEST(RawPublicKeyClientAuth, ServerPreferringX509GetsTheChain) {
    ClientRpkPair p(dual_key(KeyType::ecdsa_p256), {CertificateType::x509, CertificateType::raw_public_key},
                    spki_of(KeyType::ecdsa_p256));
    auto r = p.run();
    ASSERT_TRUE(r.ok) << (r.client.alert ? r.client.alert->reason : r.server.alert ? r.server.alert->reason : "");
    const Negotiated& s = p.server_engine->negotiated();
    EXPECT_EQ(s.client_certificate_type, CertificateType::x509);
    EXPECT_EQ(s.peer_certificates.size(), 1u);
    EXPECT_TRUE(s.client_authenticated);
}

TEST(RawPublicKeyClientAuth, NoTypeInCommonIsUnsupportedCertificate) {
    // The client can present only a raw key; the server takes only X.509.
    ClientRpkPair p(raw_only_key(KeyType::ecdsa_p256), {CertificateType::x509}, spki_of(KeyType::ecdsa_p256));
    auto r = p.run();
    EXPECT_FALSE(r.ok);
    ASSERT_TRUE(r.server.alert.has_value());
    EXPECT_EQ(r.server.alert->alert, Alert::unsupported_certificate);
}

TEST(RawPublicKeyClientAuth, RawKeysWithoutAVerifierAreAConfigError) {
    ServerConfig config;
    config.cert_resolver = single_cert_resolver(test_pki().leaf(KeyType::ecdsa_p256));
    config.client_auth = ClientAuth::required;
    config.client_certificate_types = {CertificateType::raw_public_key};
    EXPECT_FALSE(validate(config).ok());
    config.client_raw_public_key_verifier = pinned_raw_public_keys({spki_of(KeyType::ecdsa_p256)}).value();
    EXPECT_TRUE(validate(config).ok());  // no X.509 verifier needed for raw keys only
}

}  // namespace
}  // namespace qtls::test
