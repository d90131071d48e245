// Two record::Connections over in-memory buffers, keyed from the RFC 8448
// trace through scripted engines: application data, fragmentation (RFC 8446
// §5.1), record_size_limit (RFC 8449 §4), padding (§5.4), KeyUpdate
// (§4.6.3, §5.5), closure (§6.1), back-pressure and buffer reuse.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "qtls/record.h"
#include "record/record_header.h"
#include "record_scripted_engine.h"
#include "record_trace.h"
#include "support/vectors.h"

// Counts every allocation so the steady-state test can check that records
// are sealed and opened without touching the heap.
namespace {
std::atomic<std::size_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t n) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
    std::abort();
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace qtls::record {
namespace {

using test::ScriptedEngine;

class Pair {
public:
    explicit Pair(ConnectionOptions client_options = {}, ConnectionOptions server_options = {},
                  std::uint16_t client_sees_limit = 0) {
        const auto v = test::load_vector("rfc8448-simple-1rtt");
        client_options.middlebox_compat = server_options.middlebox_compat = true;
        auto ce = std::make_unique<ScriptedEngine>(Side::client, test::client_script(v));
        auto se = std::make_unique<ScriptedEngine>(Side::server, test::server_script(v));
        ce->negotiated_.peer_record_size_limit = client_sees_limit;
        client_engine = ce.get();
        server_engine = se.get();
        client = std::make_unique<Connection>(std::move(ce), openssl_provider(), client_options);
        server = std::make_unique<Connection>(std::move(se), openssl_provider(), server_options);
    }

    // Moves bytes both ways until nothing moves.
    void pump() {
        for (int i = 0; i < 10000; ++i) {
            const bool a = transfer(*client, *server);
            const bool b = transfer(*server, *client);
            if (!a && !b) return;
        }
        FAIL() << "pump did not settle";
    }

    void handshake() {
        ASSERT_TRUE(client->start().ok());
        ASSERT_TRUE(server->start().ok());
        pump();
        ASSERT_TRUE(client->handshake_complete());
        ASSERT_TRUE(server->handshake_complete());
    }

    static bool transfer(Connection& from, Connection& to) {
        bool moved = false;
        while (from.wants_write()) {
            auto n = to.read_tls(from.pending_tls());
            EXPECT_TRUE(n.ok());
            if (!n.ok()) return moved;
            from.consume_tls(*n);
            Status st = to.process();
            EXPECT_TRUE(st.ok()) << st.error().what;
            if (*n == 0) break;
            moved = true;
        }
        return moved;
    }

    // Everything readable on `c` (processing queued records as room appears).
    static std::string drain(Connection& c) {
        std::string out;
        char buf[4096];
        for (;;) {
            auto n = c.read(MutableByteView(reinterpret_cast<std::uint8_t*>(buf), sizeof buf));
            if (!n.ok() || *n == 0) break;
            out.append(buf, *n);
            if (c.close_state() == CloseState::open) {
                EXPECT_TRUE(c.process().ok());
            }
        }
        return out;
    }

    ScriptedEngine* client_engine = nullptr;
    ScriptedEngine* server_engine = nullptr;
    std::unique_ptr<Connection> client;
    std::unique_ptr<Connection> server;
};

// Splits pending TLS bytes into record fragment lengths.
std::vector<std::pair<std::uint8_t, std::size_t>> records_of(ByteView tls) {
    std::vector<std::pair<std::uint8_t, std::size_t>> out;
    while (tls.size() >= kRecordHeaderLength) {
        const RecordHeader h = parse_record_header(tls.data());
        out.emplace_back(h.type, h.length);
        tls = tls.subspan(std::min(tls.size(), kRecordHeaderLength + h.length));
    }
    return out;
}

std::string pattern(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
    return s;
}

TEST(RecordStream, HandshakeThenDataBothWays) {
    Pair p;
    p.handshake();
    auto n = p.client->write(as_bytes("ping"));
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 4u);
    p.pump();
    EXPECT_EQ(Pair::drain(*p.server), "ping");
    ASSERT_TRUE(p.server->write(as_bytes("pong")).ok());
    p.pump();
    EXPECT_EQ(Pair::drain(*p.client), "pong");
}

TEST(RecordStream, LargeWritesAreFragmentedAt2Pow14) {
    Pair p;
    p.handshake();
    const std::string data = pattern(200'000);
    std::size_t sent = 0;
    std::string received;
    while (sent < data.size()) {
        auto n = p.client->write(as_bytes(std::string_view(data).substr(sent)));
        ASSERT_TRUE(n.ok());
        ASSERT_GT(*n, 0u);
        sent += *n;
        // RFC 8446 §5.2: each record carries at most 2^14 bytes of content.
        for (auto [type, len] : records_of(p.client->pending_tls())) {
            EXPECT_EQ(type, 23);
            EXPECT_LE(len, kMaxPlaintextFragment + 1 + kAeadTagLength);
        }
        EXPECT_LE(p.client->pending_tls().size(), 64u * 1024 + kMaxRecordLength);
        p.pump();
        received += Pair::drain(*p.server);
    }
    p.pump();
    received += Pair::drain(*p.server);
    EXPECT_EQ(received.size(), data.size());
    EXPECT_TRUE(received == data);
}

TEST(RecordStream, WritevGathersAcrossBuffers) {
    Pair p;
    p.handshake();
    const std::string a = "alpha-", b, c = pattern(20'000);
    const ByteView views[] = {as_bytes(a), as_bytes(b), as_bytes(c)};
    auto n = p.client->writev(views);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, a.size() + c.size());
    const auto recs = records_of(p.client->pending_tls());
    ASSERT_EQ(recs.size(), 2u);  // 20006 bytes: one full record and the rest
    EXPECT_EQ(recs[0].second, kMaxPlaintextFragment + 1 + kAeadTagLength);
    p.pump();
    EXPECT_EQ(Pair::drain(*p.server), a + c);
}

TEST(RecordStream, PeerRecordSizeLimitIsHonoured) {
    // RFC 8449 §4: the limit counts content + content type (+ padding).
    Pair p({}, {}, /*client_sees_limit=*/100);
    p.handshake();
    const std::string data = pattern(1000);
    ASSERT_TRUE(p.client->write(as_bytes(data)).ok());
    const auto recs = records_of(p.client->pending_tls());
    ASSERT_EQ(recs.size(), 11u);  // 10 x 99 + 10
    for (auto [type, len] : recs) EXPECT_LE(len, 100u + kAeadTagLength);
    EXPECT_EQ(recs[0].second, 100u + kAeadTagLength);
    p.pump();
    EXPECT_EQ(Pair::drain(*p.server), data);
}

TEST(RecordStream, PaddingToABlockIsStrippedByThePeer) {
    ConnectionOptions padded;
    padded.padding = PaddingPolicy::multiple_of(256);
    Pair p(padded);
    p.handshake();
    for (std::size_t size : {1u, 200u, 255u, 256u, 5000u, 20000u}) {
        const std::string data = pattern(size);
        ASSERT_TRUE(p.client->write(as_bytes(data)).ok());
        for (auto [type, len] : records_of(p.client->pending_tls())) {
            const std::size_t inner = len - kAeadTagLength;
            // A multiple of 256, or the largest record allowed.
            EXPECT_TRUE(inner % 256 == 0 || inner == kMaxInnerPlaintext) << size << " " << inner;
        }
        p.pump();
        EXPECT_EQ(Pair::drain(*p.server), data) << size;
    }
}

TEST(RecordStream, KeyUpdateBothWays) {
    Pair p;
    p.handshake();
    ASSERT_TRUE(p.client->key_update(/*request_peer=*/true).ok());
    p.pump();
    EXPECT_EQ(p.server_engine->key_updates_received, 1);
    EXPECT_EQ(p.server_engine->key_updates_sent, 1);  // answered update_requested
    EXPECT_EQ(p.client_engine->key_updates_received, 1);
    ASSERT_TRUE(p.client->write(as_bytes("after update")).ok());
    ASSERT_TRUE(p.server->write(as_bytes("also after")).ok());
    p.pump();
    EXPECT_EQ(Pair::drain(*p.server), "after update");
    EXPECT_EQ(Pair::drain(*p.client), "also after");
}

TEST(RecordStream, WriteKeyIsReplacedBeforeItsUsageLimit) {
    ConnectionOptions rotate;
    rotate.key_update_after_records = 4;  // RFC 8446 §5.5, scaled down
    Pair p(rotate);
    p.handshake();
    std::string expected;
    for (int i = 0; i < 20; ++i) {
        const std::string msg = "message " + std::to_string(i) + ";";
        expected += msg;
        ASSERT_TRUE(p.client->write(as_bytes(msg)).ok());
        p.pump();
    }
    EXPECT_EQ(Pair::drain(*p.server), expected);
    EXPECT_EQ(p.client_engine->key_updates_sent, 4);
    EXPECT_EQ(p.server_engine->key_updates_received, 4);
}

TEST(RecordStream, OutputBackPressure) {
    ConnectionOptions small;
    small.max_buffered_output = 1000;
    Pair p(small);
    p.handshake();
    const std::string data = pattern(5000);
    auto n = p.client->write(as_bytes(data));
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 5000u);  // one record fits while the buffer is below the limit
    n = p.client->write(as_bytes(data));
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 0u);  // full until the transport takes some
    p.pump();
    n = p.client->write(as_bytes(data));
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 5000u);
}

TEST(RecordStream, PlaintextBackPressureKeepsRecordsQueued) {
    ConnectionOptions small;
    small.max_buffered_plaintext = 1000;
    Pair p({}, small);
    p.handshake();
    std::string data;
    for (int i = 0; i < 40; ++i) {
        const std::string part = pattern(700 + i);
        data += part;
        ASSERT_TRUE(p.client->write(as_bytes(part)).ok());
    }
    p.pump();
    EXPECT_LE(p.server->plaintext_available(), 1000u + 800u);
    EXPECT_TRUE(p.client->wants_write()) << "the server should have pushed back";
    std::string received;
    while (received.size() < data.size()) {
        const std::string got = Pair::drain(*p.server);
        ASSERT_FALSE(got.empty());
        received += got;
        p.pump();
    }
    EXPECT_TRUE(received == data);
}

TEST(RecordStream, CloseNotifyHalfCloses) {
    Pair p;
    p.handshake();
    ASSERT_TRUE(p.client->write(as_bytes("last words")).ok());
    p.client->send_close_notify();
    EXPECT_TRUE(p.client->close_notify_sent());
    EXPECT_FALSE(p.client->write(as_bytes("more")).ok());
    p.pump();
    EXPECT_EQ(p.server->close_state(), CloseState::close_notify_received);
    EXPECT_EQ(Pair::drain(*p.server), "last words");
    Bytes buf(8);
    auto n = p.server->read(buf);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 0u);
    // The server may still send (RFC 8446 §6.1: each side closes its own direction).
    ASSERT_TRUE(p.server->write(as_bytes("reply")).ok());
    p.server->send_close_notify();
    p.pump();
    EXPECT_EQ(Pair::drain(*p.client), "reply");
    EXPECT_EQ(p.client->close_state(), CloseState::close_notify_received);
    p.server->transport_eof();
    EXPECT_EQ(p.server->close_state(), CloseState::close_notify_received);
    EXPECT_FALSE(p.server->error().has_value());
}

TEST(RecordStream, TruncationAfterDataIsReported) {
    Pair p;
    p.handshake();
    ASSERT_TRUE(p.client->write(as_bytes("partial")).ok());
    p.pump();
    p.server->transport_eof();
    EXPECT_EQ(p.server->close_state(), CloseState::truncated);
    // Data that arrived intact is still readable; then the truncation shows.
    EXPECT_EQ(Pair::drain(*p.server), "partial");
    Bytes buf(8);
    auto n = p.server->read(buf);
    ASSERT_FALSE(n.ok());
    EXPECT_TRUE(is_unexpected_eof(n.error()));
}

TEST(RecordStream, LargeHandshakeMessagesSpanRecords) {
    Pair p;
    p.handshake();
    const std::size_t before = p.client_engine->received[3].size();
    Bytes message = {4, 0, 0x9c, 0x40};  // a 40000-byte post-handshake message
    message.resize(4 + 40000, 0x5a);
    p.server_engine->inject(HandshakeBytes{Epoch::application, message});
    ASSERT_TRUE(p.server->process().ok());
    const auto recs = records_of(p.server->pending_tls());
    ASSERT_EQ(recs.size(), 3u);  // RFC 8446 §5.1: fragmented at 2^14
    p.pump();
    EXPECT_EQ(p.client_engine->received[3].size() - before, message.size());
    EXPECT_EQ(p.client->close_state(), CloseState::open);
}

TEST(RecordStream, RecordInsideASplitHandshakeMessageIsUnexpectedMessage) {
    Pair p;
    p.handshake();
    // A message header announcing 100 bytes, followed by only 50 ...
    Bytes partial = {4, 0, 0, 100};
    partial.resize(4 + 50, 1);
    p.server_engine->inject(HandshakeBytes{Epoch::application, partial});
    ASSERT_TRUE(p.server->process().ok());
    // ... then application data before the rest (RFC 8446 §5.1).
    ASSERT_TRUE(p.server->write(as_bytes("sneaky")).ok());
    auto n = p.client->read_tls(p.server->pending_tls());
    ASSERT_TRUE(n.ok());
    Status st = p.client->process();
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().alert, Alert::unexpected_message);
}

TEST(RecordStream, BuffersAreReusedAndReleased) {
    Pair p;
    p.handshake();
    // Warm up, then a steady exchange must not allocate.
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(p.client->write(as_bytes(pattern(3000))).ok());
        p.pump();
        Pair::drain(*p.server);
    }
    const std::string msg = pattern(3000);
    Bytes buf(4096);
    const std::size_t capacity = p.client->buffer_capacity() + p.server->buffer_capacity();
    const std::size_t before = g_allocations.load();
    for (int i = 0; i < 200; ++i) {
        ASSERT_TRUE(p.client->write(as_bytes(msg)).ok());
        Pair::transfer(*p.client, *p.server);
        ASSERT_TRUE(p.server->read(buf).ok());
    }
    EXPECT_EQ(g_allocations.load() - before, 0u) << "allocations in steady state";
    EXPECT_EQ(p.client->buffer_capacity() + p.server->buffer_capacity(), capacity);

    // A large write grows the output buffer; once sent it shrinks again.
    ASSERT_TRUE(p.client->write(as_bytes(pattern(60'000))).ok());
    const std::size_t grown = p.client->buffer_capacity();
    p.pump();
    Pair::drain(*p.server);
    EXPECT_LT(p.client->buffer_capacity(), grown);
    EXPECT_LE(p.client->buffer_capacity(), 3 * kMaxRecordLength + kMaxPlaintextFragment);

    // An idle connection can give everything back.
    p.client->release_buffers();
    p.server->release_buffers();
    EXPECT_EQ(p.client->buffer_capacity(), 0u);
    EXPECT_EQ(p.server->buffer_capacity(), 0u);
    ASSERT_TRUE(p.client->write(as_bytes("still works")).ok());
    p.pump();
    EXPECT_EQ(Pair::drain(*p.server), "still works");
}

}  // namespace
}  // namespace qtls::record
