// The stateful session cache (session_cache_ticketer): tickets are random
// ids, resumption works through them, the cache is bounded (oldest evicted),
// every ticket opens once, and an unknown or expired id gets a full
// handshake.
#include <gtest/gtest.h>

#include "support/engine_harness.h"
#include "support/test_pki.h"

namespace qtls::test {
namespace {

struct CachePair {
    std::uint64_t now = 1'000'000;
    std::shared_ptr<ClientConfig> client = std::make_shared<ClientConfig>();
    std::shared_ptr<ServerConfig> server = std::make_shared<ServerConfig>();
    std::shared_ptr<ClientSessionStore> store = memory_session_store();
    std::unique_ptr<Engine> c;
    std::unique_ptr<Engine> s;

    explicit CachePair(std::size_t capacity = 16) {
        Clock clock = [this] { return now; };
        client->verifier = test_pki().verifier();
        client->session_store = store;
        client->clock = clock;
        server->cert_resolver = single_cert_resolver(test_pki().leaf(KeyType::ecdsa_p256));
        server->ticketer = session_cache_ticketer(capacity, nullptr, clock);
        server->clock = clock;
    }
    PumpResult run() {
        c = std::move(Engine::client(client, {"localhost", Transport::tcp, {}})).value();
        s = std::move(Engine::server(server, {})).value();
        return pump(*c, *s);
    }
};

ResumptionState state_for_test(std::uint64_t issued_at_ms, std::uint32_t lifetime_s = 60) {
    ResumptionState s;
    s.suite = CipherSuite::aes_128_gcm_sha256;
    s.psk = Secret(Bytes(32, 7));
    s.issued_at_ms = issued_at_ms;
    s.lifetime_s = lifetime_s;
    return s;
}

TEST(SessionCache, TicketIsARandomIdAndResumes) {
    CachePair p;
    ASSERT_TRUE(p.run().ok);
    auto ticket = p.store->take("localhost");
    ASSERT_TRUE(ticket);
    EXPECT_EQ(ticket->ticket.size(), kSessionCacheIdLength);
    p.store->put("localhost", *ticket);
    auto r = p.run();
    ASSERT_TRUE(r.ok);
    EXPECT_TRUE(p.c->negotiated().resumed);
    EXPECT_TRUE(p.s->negotiated().resumed);
}

TEST(SessionCache, EachTicketOpensOnce) {
    CachePair p;
    ASSERT_TRUE(p.run().ok);
    auto ticket = p.store->take("localhost");
    ASSERT_TRUE(ticket);
    p.store->put("localhost", *ticket);
    ASSERT_TRUE(p.run().ok);
    EXPECT_TRUE(p.s->negotiated().resumed);
    // The same ticket again (a replay): the entry is gone, full handshake.
    p.store->take("localhost");  // drop the fresh ticket of the resumed connection
    p.store->put("localhost", *ticket);
    auto r = p.run();
    ASSERT_TRUE(r.ok);
    EXPECT_FALSE(p.s->negotiated().resumed);
    EXPECT_FALSE(p.c->negotiated().peer_certificates.empty());
}

TEST(SessionCache, UnknownIdGetsAFullHandshake) {
    CachePair p;
    ASSERT_TRUE(p.run().ok);
    auto ticket = p.store->take("localhost");
    ASSERT_TRUE(ticket);
    ticket->ticket[0] ^= 1;
    p.store->put("localhost", *ticket);
    auto r = p.run();
    ASSERT_TRUE(r.ok);
    EXPECT_FALSE(p.s->negotiated().resumed);
}

TEST(SessionCache, CapacityEvictsTheOldest) {
    std::uint64_t now = 1000;
    auto cache = session_cache_ticketer(3, nullptr, [&] { return now; });
    std::vector<Bytes> ids;
    for (int i = 0; i < 4; ++i) ids.push_back(cache->seal(state_for_test(now)).value());
    EXPECT_FALSE(cache->open(ids[0]).has_value());  // evicted by the fourth
    for (int i = 1; i < 4; ++i) EXPECT_TRUE(cache->open(ids[i]).has_value()) << i;
    for (int i = 1; i < 4; ++i) EXPECT_FALSE(cache->open(ids[i]).has_value()) << i;  // single use
}

TEST(SessionCache, ExpiredEntriesDoNotOpen) {
    std::uint64_t now = 1000;
    auto cache = session_cache_ticketer(8, nullptr, [&] { return now; });
    Bytes id = cache->seal(state_for_test(now, 10)).value();
    now += 10'000;
    EXPECT_FALSE(cache->open(id).has_value());
}

TEST(SessionCache, ForeignLengthsAreIgnored) {
    auto cache = session_cache_ticketer(8);
    EXPECT_FALSE(cache->open(Bytes{}).has_value());
    EXPECT_FALSE(cache->open(Bytes(kSessionCacheIdLength + 1, 0)).has_value());
    EXPECT_FALSE(session_cache_ticketer(0)->seal(state_for_test(0)).ok());
}

}  // namespace
}  // namespace qtls::test
