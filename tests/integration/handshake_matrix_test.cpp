// In-memory client<->server handshakes across every cipher suite, group and
// certificate type, each also delivered byte-at-a-time; plus the negotiated
// features (HRR, ALPN, SNI, client authentication, KeyUpdate, exporters).
#include <gtest/gtest.h>

#include <tuple>

#include "support/engine_harness.h"
#include "support/test_pki.h"

namespace qtls::test {
namespace {

struct Pair {
    std::shared_ptr<ClientConfig> client = std::make_shared<ClientConfig>();
    std::shared_ptr<ServerConfig> server = std::make_shared<ServerConfig>();
    ClientOptions client_options{"localhost", Transport::tcp, {}};
    ServerOptions server_options{};

    explicit Pair(KeyType cert = KeyType::ecdsa_p256) {
        client->verifier = test_pki().verifier();
        server->cert_resolver = single_cert_resolver(test_pki().leaf(cert));
    }
    PumpResult run(std::size_t chunk = 0) {
        auto c = Engine::client(client, client_options);
        auto s = Engine::server(server, server_options);
        EXPECT_TRUE(c.ok() && s.ok());
        if (!c.ok() || !s.ok()) return {};
        client_engine = std::move(c).value();
        server_engine = std::move(s).value();
        return pump(*client_engine, *server_engine, chunk);
    }
    std::unique_ptr<Engine> client_engine;
    std::unique_ptr<Engine> server_engine;
};

// Both sides agree on every secret of every epoch, in both directions.
void expect_matching_secrets(const PumpResult& r) {
    for (Epoch e : {Epoch::handshake, Epoch::application}) {
        const auto* cw = r.client.secret(e, Direction::write);
        const auto* sr = r.server.secret(e, Direction::read);
        const auto* sw = r.server.secret(e, Direction::write);
        const auto* cr = r.client.secret(e, Direction::read);
        ASSERT_TRUE(cw && sr && sw && cr);
        EXPECT_TRUE(constant_time_equal(cw->secret.view(), sr->secret.view()));
        EXPECT_TRUE(constant_time_equal(sw->secret.view(), cr->secret.view()));
        EXPECT_FALSE(constant_time_equal(cw->secret.view(), sw->secret.view()));
    }
}

using MatrixParam = std::tuple<CipherSuite, NamedGroup, KeyType, std::size_t>;

class HandshakeMatrix : public ::testing::TestWithParam<MatrixParam> {};

TEST_P(HandshakeMatrix, CompletesWithMatchingSecrets) {
    auto [suite, group, cert, chunk] = GetParam();
    Pair p(cert);
    p.client->cipher_suites = {suite};
    p.client->key_share_groups = {group};
    p.server->groups = {group};
    auto r = p.run(chunk);
    ASSERT_TRUE(r.ok) << (r.client.alert ? r.client.alert->reason : "")
                      << (r.server.alert ? r.server.alert->reason : "");
    expect_matching_secrets(r);
    const auto& n = p.client_engine->negotiated();
    EXPECT_EQ(n.suite, suite);
    EXPECT_EQ(n.group, group);
    EXPECT_FALSE(n.hello_retry);
    EXPECT_EQ(n.peer_signature_scheme, p.server_engine->negotiated().own_signature_scheme);
    EXPECT_EQ(p.server_engine->negotiated().server_name, "localhost");
}

std::string matrix_name(const ::testing::TestParamInfo<MatrixParam>& info) {
    auto [suite, group, cert, chunk] = info.param;
    std::string n = std::string(to_string(suite)) + "_" + std::string(to_string(group)) + "_" +
                    std::string(key_type_name(cert)) + (chunk == 1 ? "_bytewise" : "");
    for (auto& c : n)
        if (!isalnum(static_cast<unsigned char>(c))) c = '_';
    return n;
}

INSTANTIATE_TEST_SUITE_P(
    All, HandshakeMatrix,
    ::testing::Combine(::testing::Values(CipherSuite::aes_128_gcm_sha256, CipherSuite::aes_256_gcm_sha384,
                                         CipherSuite::chacha20_poly1305_sha256),
                       ::testing::Values(NamedGroup::x25519, NamedGroup::secp256r1, NamedGroup::secp384r1),
                       ::testing::Values(KeyType::ecdsa_p256, KeyType::ecdsa_p384, KeyType::rsa_2048,
                                         KeyType::rsa_pss_2048, KeyType::ed25519),
                       ::testing::Values(std::size_t{0}, std::size_t{1})),
    matrix_name);

TEST(Handshake, Rsa4096Certificate) {
    Pair p(KeyType::rsa_4096);
    auto r = p.run();
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(p.client_engine->negotiated().peer_signature_scheme, SignatureScheme::rsa_pss_rsae_sha256);
}

TEST(Handshake, HelloRetryRequestForGroupMismatch) {
    Pair p;
    p.client->key_share_groups = {NamedGroup::x25519};
    p.server->groups = {NamedGroup::secp384r1};
    auto r = p.run();
    ASSERT_TRUE(r.ok);
    EXPECT_TRUE(p.client_engine->negotiated().hello_retry);
    EXPECT_EQ(p.client_engine->negotiated().group, NamedGroup::secp384r1);
    expect_matching_secrets(r);
}

TEST(Handshake, HelloRetryRequestWithCookieBytewise) {
    Pair p;
    p.server->force_hello_retry = true;
    p.server->hello_retry_cookie = true;
    auto r = p.run(1);
    ASSERT_TRUE(r.ok);
    EXPECT_TRUE(p.server_engine->negotiated().hello_retry);
    EXPECT_EQ(p.client_engine->negotiated().group, NamedGroup::secp256r1);
    expect_matching_secrets(r);
}

TEST(Handshake, NoCommonGroupFails) {
    Pair p;
    p.client->groups = {NamedGroup::x25519};
    p.client->key_share_groups = {NamedGroup::x25519};
    p.server->groups = {NamedGroup::secp384r1};
    auto r = p.run();
    EXPECT_FALSE(r.ok);
    ASSERT_TRUE(r.server.alert);
    EXPECT_EQ(r.server.alert->alert, Alert::handshake_failure);
}

TEST(Handshake, NoCommonSuiteFails) {
    Pair p;
    p.client->cipher_suites = {CipherSuite::aes_128_gcm_sha256};
    p.server->cipher_suites = {CipherSuite::chacha20_poly1305_sha256};
    auto r = p.run();
    ASSERT_TRUE(r.server.alert);
    EXPECT_EQ(r.server.alert->alert, Alert::handshake_failure);
}

TEST(Handshake, AlpnServerPreferenceWins) {
    Pair p;
    p.client->alpn = {"http/1.1", "h2"};
    p.server->alpn = {"h2", "http/1.1"};
    auto r = p.run();
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(p.client_engine->negotiated().alpn, "h2");
    EXPECT_EQ(p.server_engine->negotiated().alpn, "h2");
}

TEST(Handshake, AlpnWithoutOverlapIsNoApplicationProtocol) {
    Pair p;
    p.client->alpn = {"h2"};
    p.server->alpn = {"imap"};
    auto r = p.run();
    ASSERT_TRUE(r.server.alert);
    EXPECT_EQ(r.server.alert->alert, Alert::no_application_protocol);
}

TEST(Handshake, SniSelectsTheCertificate) {
    auto resolver = std::make_shared<SniCertResolver>();
    auto other = test_pki().issue_custom(KeyType::ed25519, "DNS:other.example", "other.example");
    ASSERT_TRUE(resolver->add(test_pki().leaf(KeyType::ecdsa_p256)).ok());
    ASSERT_TRUE(resolver->add(other.certified).ok());
    for (std::string name : {"other.example", "localhost"}) {
        Pair p;
        p.server->cert_resolver = resolver;
        p.client->verifier = std::make_shared<AcceptAnyCertificate>();
        p.client_options.server_name = name;
        auto r = p.run();
        ASSERT_TRUE(r.ok) << name;
        auto expected = name == "other.example" ? SignatureScheme::ed25519 : SignatureScheme::ecdsa_secp256r1_sha256;
        EXPECT_EQ(p.client_engine->negotiated().peer_signature_scheme, expected) << name;
    }
}

TEST(Handshake, IpLiteralSendsNoSniButIsVerified) {
    Pair p;
    p.client_options.server_name = "127.0.0.1";
    auto r = p.run();
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(p.server_engine->negotiated().server_name, "");
}

TEST(Handshake, WrongHostNameIsBadCertificate) {
    Pair p;
    p.client_options.server_name = "not-the-host.example";
    auto r = p.run();
    ASSERT_TRUE(r.client.alert);
    EXPECT_EQ(r.client.alert->alert, Alert::bad_certificate);
}

TEST(Handshake, UntrustedCaIsUnknownCa) {
    Pair p;
    p.server->cert_resolver = single_cert_resolver(test_pki().untrusted());
    auto r = p.run();
    ASSERT_TRUE(r.client.alert);
    EXPECT_EQ(r.client.alert->alert, Alert::unknown_ca);
}

TEST(Handshake, ExpiredCertificate) {
    Pair p;
    p.server->cert_resolver = single_cert_resolver(test_pki().expired());
    auto r = p.run();
    ASSERT_TRUE(r.client.alert);
    EXPECT_EQ(r.client.alert->alert, Alert::certificate_expired);
}

TEST(Handshake, ClientAuthentication) {
    Pair p;
    p.server->client_auth = ClientAuth::required;
    p.server->client_verifier = test_pki().verifier(true);
    p.client->client_certificate = test_pki().client();
    auto r = p.run(1);
    ASSERT_TRUE(r.ok) << (r.server.alert ? r.server.alert->reason : "");
    EXPECT_TRUE(p.server_engine->negotiated().client_authenticated);
    EXPECT_EQ(p.server_engine->negotiated().peer_certificates.size(), 1u);
    expect_matching_secrets(r);
}

TEST(Handshake, ClientAuthRequiredButNoCertificate) {
    Pair p;
    p.server->client_auth = ClientAuth::required;
    p.server->client_verifier = test_pki().verifier(true);
    auto r = p.run();
    ASSERT_TRUE(r.server.alert);
    EXPECT_EQ(r.server.alert->alert, Alert::certificate_required);
}

TEST(Handshake, ClientAuthOptionalWithoutCertificate) {
    Pair p;
    p.server->client_auth = ClientAuth::optional;
    p.server->client_verifier = test_pki().verifier(true);
    auto r = p.run();
    ASSERT_TRUE(r.ok);
    EXPECT_FALSE(p.server_engine->negotiated().client_authenticated);
}

TEST(Handshake, SignatureSchemeFollowsClientPreference) {
    Pair p(KeyType::rsa_2048);
    p.client->signature_schemes = {SignatureScheme::rsa_pss_rsae_sha384, SignatureScheme::rsa_pss_rsae_sha256};
    auto r = p.run();
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(p.client_engine->negotiated().peer_signature_scheme, SignatureScheme::rsa_pss_rsae_sha384);
}

TEST(Handshake, NoSignatureSchemeForTheCertificate) {
    Pair p(KeyType::ed25519);
    p.client->signature_schemes = {SignatureScheme::ecdsa_secp256r1_sha256};
    auto r = p.run();
    ASSERT_TRUE(r.server.alert);
    EXPECT_EQ(r.server.alert->alert, Alert::handshake_failure);
}

TEST(Handshake, KeyUpdateMovesBothDirections) {
    Pair p;
    auto r = p.run();
    ASSERT_TRUE(r.ok);
    ASSERT_TRUE(p.client_engine->send_key_update(true).ok());
    Collected c;
    drain(*p.client_engine, c);
    ASSERT_EQ(c.bytes[Epoch::application].size(), 5u);
    ASSERT_TRUE(p.server_engine->provide(Epoch::application, c.bytes[Epoch::application]).ok());
    Collected s;
    drain(*p.server_engine, s);
    // Server: new read secret, then its own KeyUpdate and new write secret.
    const auto* server_read = s.secret(Epoch::application, Direction::read);
    const auto* client_write = c.secret(Epoch::application, Direction::write);
    ASSERT_TRUE(server_read && client_write);
    EXPECT_TRUE(constant_time_equal(server_read->secret.view(), client_write->secret.view()));
    ASSERT_EQ(s.bytes[Epoch::application].size(), 5u);
    ASSERT_TRUE(p.client_engine->provide(Epoch::application, s.bytes[Epoch::application]).ok());
    Collected c2;
    drain(*p.client_engine, c2);
    const auto* client_read = c2.secret(Epoch::application, Direction::read);
    const auto* server_write = s.secret(Epoch::application, Direction::write);
    ASSERT_TRUE(client_read && server_write);
    EXPECT_TRUE(constant_time_equal(client_read->secret.view(), server_write->secret.view()));
    EXPECT_TRUE(c2.bytes.empty());  // not_requested: no answer
}

TEST(Handshake, ExportersAgree) {
    Pair p;
    ASSERT_TRUE(p.run().ok);
    std::uint8_t a[32];
    std::uint8_t b[32];
    ASSERT_TRUE(p.client_engine->export_keying_material("EXPERIMENTAL test", as_bytes("ctx"), a).ok());
    ASSERT_TRUE(p.server_engine->export_keying_material("EXPERIMENTAL test", as_bytes("ctx"), b).ok());
    EXPECT_TRUE(constant_time_equal(a, b));
}

TEST(Handshake, QuicCarriesTransportParametersAndNoCompatMode) {
    Pair p;
    p.client->alpn = {"h3"};
    p.server->alpn = {"h3"};
    p.client_options.transport = Transport::quic;
    p.client_options.quic_transport_parameters = {1, 2, 3};
    p.server_options.transport = Transport::quic;
    p.server_options.quic_transport_parameters = {4, 5};
    auto r = p.run(1);
    ASSERT_TRUE(r.ok);
    ASSERT_EQ(r.server.transport_parameters.size(), 1u);
    EXPECT_EQ(r.server.transport_parameters[0], (Bytes{1, 2, 3}));
    ASSERT_EQ(r.client.transport_parameters.size(), 1u);
    EXPECT_EQ(r.client.transport_parameters[0], (Bytes{4, 5}));
    EXPECT_FALSE(p.client_engine->send_key_update(false).ok());
}

TEST(Handshake, QuicWithoutAlpnOverlapFails) {
    Pair p;
    p.client->alpn = {"h3"};
    p.server->alpn = {"hq-interop"};
    p.client_options.transport = Transport::quic;
    p.server_options.transport = Transport::quic;
    auto r = p.run();
    ASSERT_TRUE(r.server.alert);
    EXPECT_EQ(r.server.alert->alert, Alert::no_application_protocol);
}

}  // namespace
}  // namespace qtls::test
