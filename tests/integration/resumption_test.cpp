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

namespace qtls::test {
namespace {

// ---- 0-RTT (RFC 8446 §4.2.10, §8)

struct ZeroRtt : Resumption {
    ZeroRtt() {
        client->enable_early_data = true;
        server->max_early_data = 16384;
        server->anti_replay = strike_register(64, 10000);
    }
    std::optional<EarlyDataStatus> status(const Collected& c) const { return c.early_data; }
};

TEST(ZeroRtt, AcceptedWithEarlySecretsAndEndOfEarlyData) {
    ZeroRtt r;
    ASSERT_TRUE(r.run().ok);
    auto res = r.run(1);
    ASSERT_TRUE(res.ok) << (res.server.alert ? res.server.alert->reason : "");
    EXPECT_TRUE(r.c->negotiated().early_data_accepted);
    EXPECT_TRUE(r.s->negotiated().early_data_accepted);
    const auto* cw = res.client.secret(Epoch::early_data, Direction::write);
    const auto* sr = res.server.secret(Epoch::early_data, Direction::read);
    ASSERT_TRUE(cw && sr);
    EXPECT_TRUE(constant_time_equal(cw->secret.view(), sr->secret.view()));
    // TCP: EndOfEarlyData went out at the early epoch.
    EXPECT_EQ(res.client.bytes[Epoch::early_data], (Bytes{5, 0, 0, 0}));
    ASSERT_TRUE(res.client.early_data && res.server.early_data);
    EXPECT_TRUE(res.client.early_data->accepted);
}

TEST(ZeroRtt, QuicAcceptsWithoutEndOfEarlyData) {
    ZeroRtt r;
    r.client->alpn = {"h3"};
    r.server->alpn = {"h3"};
    r.server->max_early_data = 0xffffffff;
    auto run_quic = [&]() {
        r.c = std::move(Engine::client(r.client, {r.name, Transport::quic, {1}})).value();
        ServerOptions so;
        so.transport = Transport::quic;
        so.quic_transport_parameters = {2};
        r.s = std::move(Engine::server(r.server, so)).value();
        return pump(*r.c, *r.s);
    };
    ASSERT_TRUE(run_quic().ok);
    auto res = run_quic();
    ASSERT_TRUE(res.ok);
    EXPECT_TRUE(r.s->negotiated().early_data_accepted);
    EXPECT_TRUE(res.client.bytes[Epoch::early_data].empty());
}

TEST(ZeroRtt, ReplayedClientHelloIsRejectedAndCounted) {
    ZeroRtt r;
    ASSERT_TRUE(r.run().ok);
    // An attacker captures the ClientHello (with its 0-RTT offer) and sends
    // it again to another server instance sharing the strike register.
    auto client = std::move(Engine::client(r.client, {r.name, Transport::tcp, {}})).value();
    ASSERT_TRUE(client->start().ok());
    Collected sent;
    drain(*client, sent);
    ASSERT_TRUE(sent.secret(Epoch::early_data, Direction::write));
    Bytes hello = sent.bytes[Epoch::initial];
    std::vector<std::optional<EarlyDataStatus>> verdicts;
    for (int i = 0; i < 2; ++i) {
        auto server = std::move(Engine::server(r.server, {})).value();
        ASSERT_TRUE(server->provide(Epoch::initial, hello).ok());
        Collected out;
        drain(*server, out);
        verdicts.push_back(out.early_data);
    }
    ASSERT_TRUE(verdicts[0] && verdicts[1]);
    EXPECT_TRUE(verdicts[0]->accepted);
    EXPECT_FALSE(verdicts[1]->accepted);
    EXPECT_EQ(verdicts[1]->reason, "replayed ClientHello (anti-replay)");
    EXPECT_EQ(r.server->anti_replay->replays_rejected(), 1u);
}

TEST(ZeroRtt, StaleTicketAgeIsRejected) {
    ZeroRtt r;
    ASSERT_TRUE(r.run().ok);
    auto ticket = r.store->take("localhost");
    ASSERT_TRUE(ticket);
    ticket->received_at_ms += 60'000;  // the client thinks the ticket is a minute younger
    r.clock.now += 61'000;
    r.store->put("localhost", *ticket);
    auto res = r.run();
    ASSERT_TRUE(res.ok);
    EXPECT_TRUE(r.s->negotiated().resumed);
    EXPECT_FALSE(r.s->negotiated().early_data_accepted);
}

TEST(ZeroRtt, DisabledServerDeclines) {
    ZeroRtt r;
    ASSERT_TRUE(r.run().ok);
    r.server->max_early_data = 0;
    auto res = r.run();
    ASSERT_TRUE(res.ok);
    EXPECT_TRUE(r.c->negotiated().resumed);
    EXPECT_FALSE(r.c->negotiated().early_data_accepted);
    EXPECT_TRUE(res.client.bytes[Epoch::early_data].empty());
}

TEST(ZeroRtt, HelloRetryRequestRejectsEarlyData) {
    ZeroRtt r;
    ASSERT_TRUE(r.run().ok);
    r.server->groups = {NamedGroup::secp384r1};
    auto res = r.run();
    ASSERT_TRUE(res.ok);
    EXPECT_TRUE(r.c->negotiated().resumed);
    ASSERT_TRUE(res.client.early_data);
    EXPECT_FALSE(res.client.early_data->accepted);
}

TEST(ZeroRtt, TicketWithoutEarlyDataIsNotUsedForIt) {
    ZeroRtt r;
    r.server->max_early_data = 0;
    ASSERT_TRUE(r.run().ok);
    r.server->max_early_data = 16384;
    auto res = r.run();
    ASSERT_TRUE(res.ok);
    EXPECT_FALSE(r.c->negotiated().early_data_offered);
}

}  // namespace
}  // namespace qtls::test
