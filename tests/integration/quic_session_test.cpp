// quic::Session pairs driven in memory through every encryption level
// (RFC 9001 §4): CRYPTO data whole, split, coalesced and reordered by offset
// within a level; both sides must derive the same secrets per level. Plus
// the alert -> CRYPTO_ERROR mapping (RFC 9001 §4.8) and the reassembler.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "qtls/quic.h"
#include "support/engine_harness.h"
#include "support/test_pki.h"

namespace qtls::quic {
namespace {

using test::KeyType;
using test::test_pki;

const Bytes kClientTp = {0x01, 0x02, 0x03};
const Bytes kServerTp = {0x04, 0x05, 0x06, 0x07};

enum class Delivery { whole, split, reordered };

struct Side {
    std::unique_ptr<Session> session;
    std::map<std::pair<Level, Direction>, Bytes> secrets;
    std::vector<std::pair<Level, Direction>> install_order;
    std::size_t offset_delivered[kLevelCount] = {};

    void collect() {
        while (auto s = session->next_secret()) {
            secrets[{s->level, s->direction}] = Bytes(s->secret.view().begin(), s->secret.view().end());
            install_order.emplace_back(s->level, s->direction);
        }
    }
};

struct PairFixture {
    std::shared_ptr<ClientConfig> client = std::make_shared<ClientConfig>();
    std::shared_ptr<ServerConfig> server = std::make_shared<ServerConfig>();
    Side c, s;
    std::size_t chunk = 0;
    Delivery delivery = Delivery::whole;
    std::mt19937 rng{1234};

    PairFixture() {
        client->verifier = test_pki().verifier();
        client->alpn = {"h3"};
        server->cert_resolver = single_cert_resolver(test_pki().leaf(KeyType::ecdsa_p256));
        server->alpn = {"h3"};
    }

    bool create() {
        auto cs = Session::client(client, {"localhost", kClientTp});
        auto ss = Session::server(server, {kServerTp, {}});
        if (!cs.ok() || !ss.ok()) return false;
        c.session = std::move(cs).value();
        s.session = std::move(ss).value();
        return true;
    }

    // Hands `from`'s pending CRYPTO data of every level to `to`, as frames
    // with offsets, per the delivery mode. Returns false once either fails.
    bool transfer(Side& from, Side& to) {
        for (Level level : {Level::initial, Level::handshake, Level::application}) {
            ByteView out = from.session->pending_crypto(level);
            if (out.empty()) continue;
            Bytes data(out.begin(), out.end());
            const std::uint64_t base = from.session->crypto_sent(level) - data.size();
            from.session->consume(level, data.size());
            std::vector<std::pair<std::uint64_t, Bytes>> frames;
            const std::size_t step = chunk == 0 ? data.size() : chunk;
            for (std::size_t i = 0; i < data.size(); i += step) {
                const std::size_t n = std::min(step, data.size() - i);
                frames.emplace_back(base + i, Bytes(data.begin() + i, data.begin() + i + n));
            }
            if (delivery == Delivery::reordered) {
                std::shuffle(frames.begin(), frames.end(), rng);
                frames.push_back(frames.front());  // and a duplicate
            }
            for (auto& [offset, bytes] : frames) {
                Status st = delivery == Delivery::split ? to.session->provide_crypto_data(level, bytes)
                                                        : to.session->provide_crypto_frame(level, offset, bytes);
                if (!st.ok()) return false;
            }
        }
        from.collect();
        to.collect();
        return true;
    }

    bool run() {
        if (!create()) return false;
        if (!c.session->start().ok()) return false;
        for (int round = 0; round < 8; ++round) {
            if (!transfer(c, s) || !transfer(s, c)) return false;
            if (c.session->handshake_complete() && s.session->handshake_complete()) return true;
        }
        return false;
    }
};

void expect_same_secrets(const PairFixture& p) {
    for (Level level : {Level::handshake, Level::application}) {
        const auto& cw = p.c.secrets.at({level, Direction::write});
        const auto& cr = p.c.secrets.at({level, Direction::read});
        const auto& sw = p.s.secrets.at({level, Direction::write});
        const auto& sr = p.s.secrets.at({level, Direction::read});
        EXPECT_EQ(cw, sr) << to_string(level);
        EXPECT_EQ(sw, cr) << to_string(level);
        EXPECT_NE(cw, sw) << to_string(level);
    }
    // No TLS secrets at Initial (RFC 9001 §5.2 derives those from the DCID)
    // and none for 0-RTT without resumption.
    EXPECT_FALSE(p.c.session->has_secret(Level::initial, Direction::read));
    EXPECT_FALSE(p.c.session->has_secret(Level::early_data, Direction::write));
}

TEST(QuicSession, LevelHelpers) {
    EXPECT_EQ(to_epoch(Level::early_data), Epoch::early_data);
    EXPECT_EQ(to_level(Epoch::application), Level::application);
    EXPECT_EQ(crypto_error_code(Alert::no_application_protocol), 0x178u);
    EXPECT_EQ(crypto_error_code(Alert::missing_extension), 0x16du);
    EXPECT_EQ(crypto_error_code(Alert::certificate_required), 0x174u);
}

class QuicSessionSuites : public ::testing::TestWithParam<CipherSuite> {};

TEST_P(QuicSessionSuites, EveryLevelSameSecrets) {
    PairFixture p;
    p.client->cipher_suites = {GetParam()};
    ASSERT_TRUE(p.run());
    expect_same_secrets(p);
    EXPECT_EQ(p.c.session->info().suite, GetParam());
    EXPECT_EQ(p.s.session->info().alpn, "h3");
    EXPECT_EQ(p.c.session->info().tls_version, 0x0304);
    EXPECT_TRUE(p.c.session->info().peer_authenticated);
    ASSERT_TRUE(p.c.session->peer_transport_parameters());
    ASSERT_TRUE(p.s.session->peer_transport_parameters());
    EXPECT_EQ(*p.c.session->peer_transport_parameters(), kServerTp);
    EXPECT_EQ(*p.s.session->peer_transport_parameters(), kClientTp);
    EXPECT_EQ(p.c.session->crypto_error_code(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Suites, QuicSessionSuites,
                         ::testing::Values(CipherSuite::aes_128_gcm_sha256, CipherSuite::aes_256_gcm_sha384,
                                           CipherSuite::chacha20_poly1305_sha256));

TEST(QuicSession, InstallOrderReadBeforeWritePerLevel) {
    PairFixture p;
    ASSERT_TRUE(p.run());
    using LD = std::pair<Level, Direction>;
    // Server: Handshake read, write (reordered from the engine's write,
    // read), then 1-RTT write (0.5-RTT) and, after the client Finished, read.
    EXPECT_EQ(p.s.install_order,
              (std::vector<LD>{{Level::handshake, Direction::read}, {Level::handshake, Direction::write},
                               {Level::application, Direction::write}, {Level::application, Direction::read}}));
    EXPECT_EQ(p.c.install_order,
              (std::vector<LD>{{Level::handshake, Direction::read}, {Level::handshake, Direction::write},
                               {Level::application, Direction::read}, {Level::application, Direction::write}}));
}

class QuicSessionDelivery : public ::testing::TestWithParam<std::tuple<Delivery, std::size_t>> {};

TEST_P(QuicSessionDelivery, SplitCoalescedReordered) {
    PairFixture p;
    p.delivery = std::get<0>(GetParam());
    p.chunk = std::get<1>(GetParam());
    ASSERT_TRUE(p.run());
    expect_same_secrets(p);
}

INSTANTIATE_TEST_SUITE_P(Modes, QuicSessionDelivery,
                         ::testing::Combine(::testing::Values(Delivery::whole, Delivery::split, Delivery::reordered),
                                            ::testing::Values(std::size_t{0}, std::size_t{1}, std::size_t{7},
                                                              std::size_t{100})));

// Coalesced: the server's Initial and Handshake flights go out only after
// both exist, and the client Finished plus nothing else in the next step.
TEST(QuicSession, CoalescedFlightsOneProvideEach) {
    PairFixture p;
    ASSERT_TRUE(p.create());
    ASSERT_TRUE(p.c.session->start().ok());
    ByteView ch = p.c.session->pending_crypto(Level::initial);
    ASSERT_TRUE(p.s.session->provide_crypto_data(Level::initial, ch).ok());
    p.c.session->consume(Level::initial, ch.size());
    EXPECT_TRUE(p.c.session->pending_crypto(Level::initial).empty());
    // ServerHello at Initial; EE..Finished coalesced at Handshake.
    Bytes sh(p.s.session->pending_crypto(Level::initial).begin(), p.s.session->pending_crypto(Level::initial).end());
    Bytes flight(p.s.session->pending_crypto(Level::handshake).begin(),
                 p.s.session->pending_crypto(Level::handshake).end());
    ASSERT_FALSE(sh.empty());
    ASSERT_FALSE(flight.empty());
    ASSERT_TRUE(p.c.session->provide_crypto_data(Level::initial, sh).ok());
    ASSERT_TRUE(p.c.session->provide_crypto_data(Level::handshake, flight).ok());
    EXPECT_TRUE(p.c.session->handshake_complete());
    ByteView fin = p.c.session->pending_crypto(Level::handshake);
    ASSERT_TRUE(p.s.session->provide_crypto_data(Level::handshake, fin).ok());
    EXPECT_TRUE(p.s.session->handshake_complete());
}

TEST(QuicSession, AlpnMismatchIsCryptoError0x178) {
    PairFixture p;
    p.server->alpn = {"hq-interop"};
    EXPECT_FALSE(p.run());
    EXPECT_EQ(p.s.session->alert(), Alert::no_application_protocol);
    EXPECT_EQ(p.s.session->crypto_error_code(), 0x178u);
    EXPECT_FALSE(p.s.session->has_secret(Level::handshake, Direction::write));
}

TEST(QuicSession, MissingTransportParametersIsCryptoError0x16d) {
    PairFixture p;
    ASSERT_TRUE(p.create());
    // A TLS-over-TCP ClientHello (no quic_transport_parameters extension).
    p.client->middlebox_compat = false;
    auto tcp = Engine::client(p.client, ClientOptions{"localhost", Transport::tcp, {}});
    ASSERT_TRUE(tcp.ok());
    ASSERT_TRUE((*tcp)->start().ok());
    auto ev = (*tcp)->poll();
    ASSERT_TRUE(ev && std::holds_alternative<HandshakeBytes>(*ev));
    Status st = p.s.session->provide_crypto_data(Level::initial, std::get<HandshakeBytes>(*ev).data);
    EXPECT_FALSE(st.ok());
    EXPECT_EQ(p.s.session->alert(), Alert::missing_extension);
    EXPECT_EQ(p.s.session->crypto_error_code(), 0x16du);
    // Sticky.
    EXPECT_FALSE(p.s.session->provide_crypto_data(Level::initial, Bytes{1}).ok());
}

TEST(QuicSession, CryptoDataAtUnexpectedLevel) {
    PairFixture p;
    ASSERT_TRUE(p.create());
    ASSERT_TRUE(p.c.session->start().ok());
    ByteView ch = p.c.session->pending_crypto(Level::initial);
    EXPECT_FALSE(p.s.session->provide_crypto_data(Level::handshake, ch).ok());
    EXPECT_EQ(p.s.session->crypto_error_code(), 0x10au);  // unexpected_message
}

TEST(QuicSession, CryptoDataAtZeroRttRejected) {
    PairFixture p;
    ASSERT_TRUE(p.create());
    EXPECT_FALSE(p.s.session->provide_crypto_data(Level::early_data, Bytes{1, 0, 0, 0}).ok());
    EXPECT_EQ(p.s.session->alert(), Alert::unexpected_message);
}

// The late transport parameter hook sees the peer's parameters, the
// ServerHello and both Handshake secrets before EncryptedExtensions exists.
TEST(QuicSession, LateServerTransportParameters) {
    PairFixture p;
    auto cs = Session::client(p.client, {"localhost", kClientTp});
    ASSERT_TRUE(cs.ok());
    Session* server_raw = nullptr;
    int calls = 0;
    ServerSessionOptions so;
    so.transport_parameters_callback = [&]() -> Result<Bytes> {
        ++calls;
        EXPECT_TRUE(server_raw->peer_transport_parameters());
        EXPECT_FALSE(server_raw->pending_crypto(Level::initial).empty());
        EXPECT_TRUE(server_raw->pending_crypto(Level::handshake).empty());
        EXPECT_TRUE(server_raw->has_secret(Level::handshake, Direction::read));
        EXPECT_TRUE(server_raw->has_secret(Level::handshake, Direction::write));
        return Bytes{0xaa, 0xbb};
    };
    auto ss = Session::server(p.server, std::move(so));
    ASSERT_TRUE(ss.ok());
    server_raw = ss->get();
    p.c.session = std::move(cs).value();
    p.s.session = std::move(ss).value();
    ASSERT_TRUE(p.c.session->start().ok());
    for (int i = 0; i < 4 && !(p.c.session->handshake_complete() && p.s.session->handshake_complete()); ++i)
        ASSERT_TRUE(p.transfer(p.c, p.s) && p.transfer(p.s, p.c));
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(*p.c.session->peer_transport_parameters(), (Bytes{0xaa, 0xbb}));
}

TEST(QuicSession, ClientRequiresTransportParameters) {
    PairFixture p;
    EXPECT_FALSE(Session::client(p.client, {"localhost", {}}).ok());
    EXPECT_FALSE(Session::server(p.server, {}).ok());
}

TEST(CryptoReassembler, InOrderOverlapDuplicateAndBound) {
    CryptoReassembler r;
    auto a = r.add(5, Bytes{5, 6, 7});
    ASSERT_TRUE(a.ok());
    EXPECT_TRUE(a->empty());
    EXPECT_EQ(r.buffered(), 3u);
    auto b = r.add(3, Bytes{3, 4, 5, 6});  // overlaps the held piece
    ASSERT_TRUE(b.ok());
    EXPECT_TRUE(b->empty());
    auto c = r.add(0, Bytes{0, 1, 2, 3});
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(*c, (Bytes{0, 1, 2, 3, 4, 5, 6, 7}));
    EXPECT_EQ(r.read_offset(), 8u);
    EXPECT_EQ(r.buffered(), 0u);
    auto dup = r.add(2, Bytes{2, 3});
    ASSERT_TRUE(dup.ok());
    EXPECT_TRUE(dup->empty());
    auto tail = r.add(6, Bytes{6, 7, 8, 9});  // partly old, partly new
    ASSERT_TRUE(tail.ok());
    EXPECT_EQ(*tail, (Bytes{8, 9}));
    // RFC 9000 §7.5: beyond the buffer -> CRYPTO_BUFFER_EXCEEDED.
    auto far = r.add(10 + kMaxBufferedCryptoData, Bytes{1});
    EXPECT_FALSE(far.ok());
    EXPECT_TRUE(r.crypto_buffer_exceeded());
}

}  // namespace
}  // namespace qtls::quic
