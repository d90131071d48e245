// External PSKs (RFC 8446 §2.2, §4.2.11): handshakes authenticated by a key
// agreed out of band, with (EC)DHE or without (psk_ke), binders under "ext
// binder", and the fallbacks: an unknown identity gets a certificate
// handshake, or unknown_psk_identity from a PSK-only server; a wrong key is
// decrypt_error.
#include <gtest/gtest.h>

#include "handshake/hooks.h"
#include "msg/ext_lists.h"
#include "support/engine_harness.h"
#include "support/test_pki.h"

namespace qtls::test {
namespace {

Bytes id(std::string_view s) { return Bytes(s.begin(), s.end()); }

ExternalPsk make_psk(std::string_view identity, std::uint8_t fill, CipherSuite suite = CipherSuite::aes_128_gcm_sha256) {
    ExternalPsk p;
    p.identity.assign(identity.begin(), identity.end());
    Bytes key(32, fill);
    p.key = Secret(key);
    p.suite = suite;
    return p;
}

struct ExternalPskPair {
    std::shared_ptr<ClientConfig> client = std::make_shared<ClientConfig>();
    std::shared_ptr<ServerConfig> server = std::make_shared<ServerConfig>();
    std::unique_ptr<Engine> c;
    std::unique_ptr<Engine> s;

    // A PSK-only pair: no verifier on the client, no certificate on the server.
    ExternalPskPair() {
        client->external_psks = {make_psk("alice", 0x11)};
        server->external_psks = memory_external_psk_store({make_psk("alice", 0x11), make_psk("bob", 0x22)});
    }
    PumpResult run() {
        auto client_engine = Engine::client(client, {"localhost", Transport::tcp, {}});
        auto server_engine = Engine::server(server, {});
        EXPECT_TRUE(client_engine.ok() && server_engine.ok());
        c = std::move(client_engine).value();
        s = std::move(server_engine).value();
        return pump(*c, *s);
    }
};

std::string reason(const PumpResult& r) {
    if (r.server.alert) return "server: " + std::string(r.server.alert->reason);
    if (r.client.alert) return "client: " + std::string(r.client.alert->reason);
    return {};
}

TEST(ExternalPsk, PskDheKeWithoutCertificates) {
    ExternalPskPair p;
    auto r = p.run();
    ASSERT_TRUE(r.ok) << reason(r);
    for (Engine* e : {p.c.get(), p.s.get()}) {
        EXPECT_TRUE(e->negotiated().external_psk);
        EXPECT_FALSE(e->negotiated().resumed);
        EXPECT_EQ(e->negotiated().external_psk_identity, id("alice"));
        EXPECT_EQ(e->negotiated().group, NamedGroup::x25519);  // psk_dhe_ke
        EXPECT_TRUE(e->negotiated().peer_certificates.empty());
    }
    const auto* cw = r.client.secret(Epoch::application, Direction::write);
    const auto* sr = r.server.secret(Epoch::application, Direction::read);
    ASSERT_TRUE(cw && sr);
    EXPECT_TRUE(constant_time_equal(cw->secret.view(), sr->secret.view()));
}

TEST(ExternalPsk, PskKeWhenBothAllowAndTheClientOffersOnlyThat) {
    ExternalPskPair p;
    p.client->offer_psk_ke = true;
    p.server->accept_psk_ke = true;
    p.c = std::move(Engine::client(p.client, {"localhost", Transport::tcp, {}})).value();
    p.s = std::move(Engine::server(p.server, {})).value();
    // Offer psk_ke alone, as a client without (EC)DHE would.
    auto hooks = std::make_shared<detail::EngineHooks>();
    hooks->client_hello = [](msg::ClientHello& ch) {
        for (auto& e : ch.extensions)
            if (e.type == static_cast<std::uint16_t>(msg::ExtensionType::psk_key_exchange_modes))
                e.body = msg::encode_psk_key_exchange_modes({0});
    };
    p.c->set_hooks_for_testing(hooks);
    auto r = pump(*p.c, *p.s);
    ASSERT_TRUE(r.ok) << reason(r);
    EXPECT_TRUE(p.s->negotiated().external_psk);
    EXPECT_FALSE(p.s->negotiated().group.has_value());
    EXPECT_FALSE(p.c->negotiated().group.has_value());
}

TEST(ExternalPsk, PskKeRefusedWhenTheServerDoesNotAllowIt) {
    ExternalPskPair p;
    p.client->offer_psk_ke = true;
    p.c = std::move(Engine::client(p.client, {"localhost", Transport::tcp, {}})).value();
    p.s = std::move(Engine::server(p.server, {})).value();
    auto hooks = std::make_shared<detail::EngineHooks>();
    hooks->client_hello = [](msg::ClientHello& ch) {
        for (auto& e : ch.extensions)
            if (e.type == static_cast<std::uint16_t>(msg::ExtensionType::psk_key_exchange_modes))
                e.body = msg::encode_psk_key_exchange_modes({0});
    };
    p.c->set_hooks_for_testing(hooks);
    auto r = pump(*p.c, *p.s);
    ASSERT_FALSE(r.ok);
    ASSERT_TRUE(r.server.alert);
    // No key exchange mode in common: the identity is not even looked up.
    EXPECT_EQ(r.server.alert->alert, Alert::handshake_failure);
}

TEST(ExternalPsk, WrongKeyIsDecryptError) {
    ExternalPskPair p;
    p.client->external_psks = {make_psk("alice", 0x99)};
    auto r = p.run();
    ASSERT_FALSE(r.ok);
    ASSERT_TRUE(r.server.alert);
    EXPECT_EQ(r.server.alert->alert, Alert::decrypt_error);
}

TEST(ExternalPsk, UnknownIdentityOnAPskOnlyServerIsUnknownPskIdentity) {
    ExternalPskPair p;
    p.client->external_psks = {make_psk("mallory", 0x11)};
    auto r = p.run();
    ASSERT_FALSE(r.ok);
    ASSERT_TRUE(r.server.alert);
    EXPECT_EQ(r.server.alert->alert, Alert::unknown_psk_identity);
}

TEST(ExternalPsk, UnknownIdentityFallsBackToACertificateHandshake) {
    ExternalPskPair p;
    p.client->external_psks = {make_psk("mallory", 0x11)};
    p.client->verifier = test_pki().verifier();
    p.server->cert_resolver = single_cert_resolver(test_pki().leaf(KeyType::ecdsa_p256));
    auto r = p.run();
    ASSERT_TRUE(r.ok) << reason(r);
    EXPECT_FALSE(p.c->negotiated().external_psk);
    EXPECT_FALSE(p.c->negotiated().peer_certificates.empty());
}

TEST(ExternalPsk, PskOnlyClientRefusesACertificateHandshake) {
    ExternalPskPair p;
    p.client->external_psks = {make_psk("mallory", 0x11)};  // no verifier: PSK or nothing
    p.server->cert_resolver = single_cert_resolver(test_pki().leaf(KeyType::ecdsa_p256));
    auto r = p.run();
    ASSERT_FALSE(r.ok);
    ASSERT_TRUE(r.client.alert);
    EXPECT_EQ(r.client.alert->alert, Alert::handshake_failure);
}

TEST(ExternalPsk, SecondIdentityIsSelected) {
    ExternalPskPair p;
    p.client->external_psks = {make_psk("mallory", 0x33), make_psk("bob", 0x22)};
    auto r = p.run();
    ASSERT_TRUE(r.ok) << reason(r);
    EXPECT_EQ(p.c->negotiated().external_psk_identity, id("bob"));
    EXPECT_EQ(p.s->negotiated().external_psk_identity, id("bob"));
}

TEST(ExternalPsk, Sha384PskMovesTheServerToASuiteWithItsHash) {
    ExternalPskPair p;
    p.client->external_psks = {make_psk("carol", 0x44, CipherSuite::aes_256_gcm_sha384)};
    p.server->external_psks = memory_external_psk_store({make_psk("carol", 0x44, CipherSuite::aes_256_gcm_sha384)});
    auto r = p.run();  // the server prefers TLS_AES_128_GCM_SHA256
    ASSERT_TRUE(r.ok) << reason(r);
    EXPECT_EQ(p.s->negotiated().suite, CipherSuite::aes_256_gcm_sha384);
    EXPECT_TRUE(p.c->negotiated().external_psk);
}

TEST(ExternalPsk, SurvivesAHelloRetryRequest) {
    ExternalPskPair p;
    p.server->groups = {NamedGroup::secp256r1};  // the client's only share is X25519
    auto r = p.run();
    ASSERT_TRUE(r.ok) << reason(r);
    EXPECT_TRUE(p.c->negotiated().hello_retry);
    EXPECT_TRUE(p.c->negotiated().external_psk);
    EXPECT_EQ(p.s->negotiated().group, NamedGroup::secp256r1);
}

TEST(ExternalPsk, ResumptionTicketIsOfferedFirstAndWins) {
    ExternalPskPair p;
    p.client->session_store = memory_session_store();
    p.server->ticketer = rotating_ticketer();
    ASSERT_TRUE(p.run().ok);
    EXPECT_TRUE(p.c->negotiated().external_psk);
    auto r = p.run();  // offers the ticket, then "alice"
    ASSERT_TRUE(r.ok) << reason(r);
    EXPECT_TRUE(p.c->negotiated().resumed);
    EXPECT_FALSE(p.c->negotiated().external_psk);
    EXPECT_TRUE(p.s->negotiated().resumed);
}

TEST(ExternalPsk, NoEarlyDataWithAnExternalPsk) {
    ExternalPskPair p;
    p.client->enable_early_data = true;
    p.server->max_early_data = 16384;
    auto r = p.run();
    ASSERT_TRUE(r.ok) << reason(r);
    EXPECT_FALSE(p.c->negotiated().early_data_offered);
    EXPECT_TRUE(r.client.bytes[Epoch::early_data].empty());
}

TEST(ExternalPsk, ConfigValidation) {
    ClientConfig c;
    c.external_psks = {make_psk("alice", 0x11)};
    EXPECT_TRUE(validate(c).ok());  // no verifier needed with an external PSK
    c.external_psks[0].key = Secret(Bytes(8, 1));
    EXPECT_FALSE(validate(c).ok());  // shorter than kMinExternalPskKeyLength
    c.external_psks[0] = make_psk("", 0x11);
    EXPECT_FALSE(validate(c).ok());  // empty identity
    ServerConfig s;
    EXPECT_FALSE(validate(s).ok());  // neither a certificate nor external PSKs
    s.external_psks = memory_external_psk_store({});
    EXPECT_TRUE(validate(s).ok());
}

}  // namespace
}  // namespace qtls::test
