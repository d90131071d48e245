// Resumption with stateless tickets (RFC 8446 §2.2, §4.2.11, §4.6.1): the
// second handshake uses the ticket from the first; tampered, expired,
// foreign and mismatched tickets fall back to a full handshake; a bad binder
// is decrypt_error.
#include <gtest/gtest.h>

#include "support/engine_harness.h"
#include "support/test_pki.h"

namespace qtls::test {
namespace {

struct ManualClock {
    std::uint64_t now = 1'000'000;
    Clock fn() {
        return [this] { return now; };
    }
};

struct Resumption {
    ManualClock clock;
    std::shared_ptr<ClientConfig> client = std::make_shared<ClientConfig>();
    std::shared_ptr<ServerConfig> server = std::make_shared<ServerConfig>();
    std::shared_ptr<ClientSessionStore> store = memory_session_store();
    std::string name = "localhost";
    std::unique_ptr<Engine> c;
    std::unique_ptr<Engine> s;

    Resumption() {
        client->verifier = test_pki().verifier();
        client->session_store = store;
        client->clock = clock.fn();
        server->cert_resolver = single_cert_resolver(test_pki().leaf(KeyType::ecdsa_p256));
        server->ticketer = rotating_ticketer({nullptr, std::chrono::hours(1), clock.fn()});
        server->clock = clock.fn();
    }
    PumpResult run(std::size_t chunk = 0) {
        c = std::move(Engine::client(client, {name, Transport::tcp, {}})).value();
        s = std::move(Engine::server(server, {})).value();
        return pump(*c, *s, chunk);
    }
};

TEST(Resumption, SecondHandshakeResumesWithoutCertificates) {
    Resumption r;
    auto first = r.run();
    ASSERT_TRUE(first.ok);
    EXPECT_FALSE(r.c->negotiated().resumed);
    r.clock.now += 5000;
    auto second = r.run(1);
    ASSERT_TRUE(second.ok) << (second.server.alert ? second.server.alert->reason : "");
    EXPECT_TRUE(r.c->negotiated().resumed);
    EXPECT_TRUE(r.s->negotiated().resumed);
    EXPECT_TRUE(r.c->negotiated().peer_certificates.empty());
    EXPECT_EQ(r.c->negotiated().group, NamedGroup::x25519);  // psk_dhe_ke
    const auto* cw = second.client.secret(Epoch::application, Direction::write);
    const auto* sr = second.server.secret(Epoch::application, Direction::read);
    ASSERT_TRUE(cw && sr);
    EXPECT_TRUE(constant_time_equal(cw->secret.view(), sr->secret.view()));
}

TEST(Resumption, TicketsAreSingleUseOnTheClient) {
    Resumption r;
    ASSERT_TRUE(r.run().ok);
    ASSERT_TRUE(r.run().ok);  // consumes the first ticket, stores a new one
    EXPECT_TRUE(r.c->negotiated().resumed);
    ASSERT_TRUE(r.run().ok);
    EXPECT_TRUE(r.c->negotiated().resumed);
}

TEST(Resumption, SeveralTicketsPerConnection) {
    Resumption r;
    r.server->tickets_per_connection = 2;
    ASSERT_TRUE(r.run().ok);
    EXPECT_TRUE(r.store->take("localhost").has_value());
    EXPECT_TRUE(r.store->take("localhost").has_value());
    EXPECT_FALSE(r.store->take("localhost").has_value());
}

TEST(Resumption, ExpiredTicketFallsBackToFullHandshake) {
    Resumption r;
    r.server->ticket_lifetime_s = 10;
    ASSERT_TRUE(r.run().ok);
    r.clock.now += 11'000;
    ASSERT_TRUE(r.run().ok);
    EXPECT_FALSE(r.c->negotiated().resumed);
}

TEST(Resumption, ExpiredOnlyOnTheServerFallsBack) {
    Resumption r;
    ASSERT_TRUE(r.run().ok);
    auto s = r.store->take("localhost");
    ASSERT_TRUE(s);
    s->lifetime_s = 100000;  // the client believes it is still valid
    r.store->put("localhost", *s);
    r.clock.now += 7200 * 1000 + 1;
    ASSERT_TRUE(r.run().ok);
    EXPECT_FALSE(r.s->negotiated().resumed);
}

TEST(Resumption, TamperedTicketFallsBack) {
    Resumption r;
    ASSERT_TRUE(r.run().ok);
    auto s = r.store->take("localhost");
    ASSERT_TRUE(s);
    s->ticket[s->ticket.size() / 2] ^= 1;
    r.store->put("localhost", *s);
    ASSERT_TRUE(r.run().ok);
    EXPECT_FALSE(r.c->negotiated().resumed);
}

TEST(Resumption, ForeignTicketFallsBack) {
    Resumption r;
    ASSERT_TRUE(r.run().ok);
    r.server->ticketer = rotating_ticketer({nullptr, std::chrono::hours(1), r.clock.fn()});
    ASSERT_TRUE(r.run().ok);
    EXPECT_FALSE(r.c->negotiated().resumed);
}

TEST(Resumption, RotatedOutKeyFallsBack) {
    Resumption r;
    ASSERT_TRUE(r.run().ok);
    r.clock.now += 2 * 3600 * 1000 + 1;  // two rotations later the key is gone
    r.server->ticket_lifetime_s = 604800;
    ASSERT_TRUE(r.run().ok);
    EXPECT_FALSE(r.c->negotiated().resumed);
}

TEST(Resumption, OtherServerNameDoesNotResume) {
    Resumption r;
    r.client->verifier = std::make_shared<AcceptAnyCertificate>();
    ASSERT_TRUE(r.run().ok);
    auto s = r.store->take("localhost");
    ASSERT_TRUE(s);
    r.store->put("example.com", *s);
    r.name = "example.com";
    ASSERT_TRUE(r.run().ok);
    EXPECT_FALSE(r.s->negotiated().resumed);
}

TEST(Resumption, WrongPskIsABinderFailure) {
    Resumption r;
    ASSERT_TRUE(r.run().ok);
    auto s = r.store->take("localhost");
    ASSERT_TRUE(s);
    s->psk.data()[0] ^= 1;
    r.store->put("localhost", *s);
    auto res = r.run();
    ASSERT_TRUE(res.server.alert);
    EXPECT_EQ(res.server.alert->alert, Alert::decrypt_error);
}

TEST(Resumption, WithHelloRetryRequestTheBinderIsRecomputed) {
    Resumption r;
    ASSERT_TRUE(r.run().ok);
    r.server->groups = {NamedGroup::secp384r1};
    auto res = r.run(1);
    ASSERT_TRUE(res.ok) << (res.server.alert ? res.server.alert->reason : "");
    EXPECT_TRUE(r.c->negotiated().hello_retry);
    EXPECT_TRUE(r.c->negotiated().resumed);
}

TEST(Resumption, SuiteWithOtherHashIsNotResumed) {
    Resumption r;
    r.client->cipher_suites = {CipherSuite::aes_128_gcm_sha256};
    ASSERT_TRUE(r.run().ok);
    r.client->cipher_suites = {CipherSuite::aes_256_gcm_sha384, CipherSuite::aes_128_gcm_sha256};
    r.server->cipher_suites = {CipherSuite::aes_256_gcm_sha384};
    ASSERT_TRUE(r.run().ok);
    EXPECT_FALSE(r.s->negotiated().resumed);
    EXPECT_EQ(r.s->negotiated().suite, CipherSuite::aes_256_gcm_sha384);
}

TEST(Resumption, PskKeWithoutKeyExchange) {
    Resumption r;
    r.client->offer_psk_ke = true;
    r.server->accept_psk_ke = true;
    ASSERT_TRUE(r.run().ok);
    // The client prefers psk_dhe_ke and sends key shares, so the server uses them.
    ASSERT_TRUE(r.run().ok);
    EXPECT_TRUE(r.s->negotiated().resumed);
    EXPECT_TRUE(r.s->negotiated().group.has_value());
}

TEST(Resumption, NoTicketerMeansNoTickets) {
    Resumption r;
    r.server->ticketer = nullptr;
    ASSERT_TRUE(r.run().ok);
    EXPECT_FALSE(r.store->take("localhost").has_value());
}

}  // namespace
}  // namespace qtls::test
