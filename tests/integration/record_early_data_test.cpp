// 0-RTT over TCP (RFC 8446 §2.3, §4.2.10, §4.5, §4.6.1, §8): record::Connection
// with the real engines over in-memory buffers. A first connection obtains
// a ticket; the second sends early data, which the server accepts (and
// delivers on its own stream) or rejects (and skips); limits and replays.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "qtls/keylog.h"
#include "qtls/record.h"
#include "record/record_header.h"
#include "record/record_protection.h"
#include "support/connection_pump.h"
#include "support/test_pki.h"

namespace qtls::record {
namespace {

using test::KeyType;
using test::test_pki;

struct ManualClock {
    std::uint64_t now = 1'000'000;
    Clock fn() {
        return [this] { return now; };
    }
};

struct EarlyData {
    ManualClock clock;
    std::shared_ptr<ClientConfig> client = std::make_shared<ClientConfig>();
    std::shared_ptr<ServerConfig> server = std::make_shared<ServerConfig>();
    std::shared_ptr<ClientSessionStore> store = memory_session_store();
    ConnectionOptions server_options;

    EarlyData() {
        client->verifier = test_pki().verifier();
        client->session_store = store;
        client->clock = clock.fn();
        client->enable_early_data = true;
        server->cert_resolver = single_cert_resolver(test_pki().leaf(KeyType::ecdsa_p256));
        server->ticketer = rotating_ticketer({nullptr, std::chrono::hours(1), clock.fn()});
        server->clock = clock.fn();
        server->max_early_data = 16384;
        server->anti_replay = strike_register(64, 10000);
    }
    Connection make_client() {
        auto c = Connection::client(client, ClientOptions{"localhost", Transport::tcp, {}});
        EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().what);
        return std::move(c).value();
    }
    Connection make_server() {
        auto s = Connection::server(server, server_options);
        EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().what);
        return std::move(s).value();
    }
};

using test::pump;
using test::transfer;

// Feeds raw TLS bytes to a connection, as far as it takes them.
void feed(Connection& to, ByteView bytes) {
    while (!bytes.empty()) {
        auto n = to.read_tls(bytes);
        if (!n.ok()) return;
        bytes = bytes.subspan(*n);
        if (!to.process().ok() || *n == 0) return;
    }
}

std::string read_all(Connection& c) {
    std::string out;
    char buf[4096];
    for (;;) {
        auto n = c.read(MutableByteView(reinterpret_cast<std::uint8_t*>(buf), sizeof buf));
        if (!n.ok() || *n == 0) return out;
        out.append(buf, *n);
        (void)c.process();
    }
}

std::string read_early(Connection& c) {
    std::string out;
    char buf[1000];  // smaller than the data: several calls
    for (;;) {
        auto n = c.read_early_data(MutableByteView(reinterpret_cast<std::uint8_t*>(buf), sizeof buf));
        if (!n.ok() || *n == 0) return out;
        out.append(buf, *n);
    }
}

// write_early_data() as a number; SIZE_MAX (and a failure) on error.
std::size_t write_early(Connection& c, ByteView data) {
    auto n = c.write_early_data(data);
    EXPECT_TRUE(n.ok()) << (n.ok() ? "" : n.error().what);
    return n.ok() ? *n : SIZE_MAX;
}

std::string describe(const Connection& c) {
    if (!c.error()) return "ok";
    return std::string(to_string(c.error()->alert)) + ": " + std::string(c.error()->what);
}

std::vector<std::uint8_t> record_types(ByteView tls) {
    std::vector<std::uint8_t> types;
    while (tls.size() >= kRecordHeaderLength) {
        const RecordHeader h = parse_record_header(tls.data());
        types.push_back(h.type);
        tls = tls.subspan(std::min(tls.size(), kRecordHeaderLength + h.length));
    }
    return types;
}

// The first connection: a full handshake that leaves a ticket in the store.
void prime(EarlyData& t) {
    Connection c = t.make_client();
    Connection s = t.make_server();
    EXPECT_FALSE(c.negotiated().early_data_offered);
    EXPECT_EQ(c.early_data_budget(), 0u);
    pump(c, s);
    ASSERT_TRUE(c.handshake_complete()) << describe(c);
    ASSERT_TRUE(s.handshake_complete()) << describe(s);
    auto ticket = t.store->take("localhost");
    ASSERT_TRUE(ticket.has_value());
    EXPECT_EQ(ticket->max_early_data, t.server->max_early_data);
    t.store->put("localhost", std::move(*ticket));
    t.clock.now += 1000;
}

void one_rtt_both_ways(Connection& c, Connection& s) {
    ASSERT_TRUE(c.write(as_bytes("client 1-RTT")).ok());
    ASSERT_TRUE(s.write(as_bytes("server 1-RTT")).ok());
    pump(c, s);
    EXPECT_EQ(read_all(s), "client 1-RTT");
    EXPECT_EQ(read_all(c), "server 1-RTT");
    EXPECT_EQ(describe(c), "ok");
    EXPECT_EQ(describe(s), "ok");
}

TEST(RecordEarlyData, AcceptedAndDeliveredOnItsOwnStream) {
    EarlyData t;
    prime(t);
    Connection c = t.make_client();
    EXPECT_TRUE(c.negotiated().early_data_offered);
    EXPECT_FALSE(c.early_data_accepted().has_value());
    EXPECT_EQ(c.early_data_budget(), 16384u);
    const std::string early = "GET /index.html HTTP/1.0\r\n\r\n";
    auto n = c.write_early_data(as_bytes(early));
    ASSERT_TRUE(n.ok()) << n.error().what;
    EXPECT_EQ(*n, early.size());
    EXPECT_EQ(c.early_data_budget(), 16384u - early.size());
    // §D.4: ClientHello, change_cipher_spec, then the 0-RTT record (§2.3).
    EXPECT_EQ(record_types(c.pending_tls()), (std::vector<std::uint8_t>{22, 20, 23}));
    EXPECT_FALSE(c.write(as_bytes("too soon")).ok());

    Connection s = t.make_server();
    pump(c, s);
    ASSERT_TRUE(c.handshake_complete()) << describe(c);
    ASSERT_TRUE(s.handshake_complete()) << describe(s);
    EXPECT_TRUE(c.negotiated().resumed);
    EXPECT_EQ(c.early_data_accepted(), std::optional<bool>(true));
    EXPECT_EQ(s.early_data_accepted(), std::optional<bool>(true));
    EXPECT_TRUE(s.negotiated().early_data_accepted);
    EXPECT_EQ(s.early_data_available(), early.size());
    EXPECT_EQ(s.plaintext_available(), 0u);  // never mixed into read()
    EXPECT_EQ(read_early(s), early);
    EXPECT_EQ(s.early_data_available(), 0u);
    // The answer is known: no more early data.
    EXPECT_EQ(c.early_data_budget(), 0u);
    EXPECT_FALSE(c.write_early_data(as_bytes("late")).ok());
    one_rtt_both_ways(c, s);
}

TEST(RecordEarlyData, ManyRecordsPaddedAndDeliveredByteByByte) {
    EarlyData t;
    t.server->max_early_data = 40000;
    prime(t);
    auto made = Connection::client(t.client, ClientOptions{"localhost", Transport::tcp, {}},
                                   ConnectionOptions{PaddingPolicy::multiple_of(512)});
    ASSERT_TRUE(made.ok());
    Connection c = std::move(made).value();
    EXPECT_EQ(c.early_data_budget(), 40000u);
    std::string early;
    for (int i = 0; i < 40000; ++i) early.push_back(static_cast<char>('a' + i % 26));
    std::size_t sent = 0;
    while (sent < early.size()) {
        auto n = c.write_early_data(as_bytes(std::string_view(early).substr(sent)));
        ASSERT_TRUE(n.ok());
        ASSERT_GT(*n, 0u);
        sent += *n;
    }
    EXPECT_EQ(c.early_data_budget(), 0u);
    auto more = c.write_early_data(as_bytes("x"));
    ASSERT_TRUE(more.ok());
    EXPECT_EQ(*more, 0u);  // the ticket's max_early_data_size is spent

    Connection s = t.make_server();
    // One byte at a time: records and EndOfEarlyData arrive in pieces.
    for (int round = 0; round < 100 && !(c.handshake_complete() && s.handshake_complete()); ++round) {
        while (c.wants_write()) {
            auto took = s.read_tls(c.pending_tls().first(1));
            ASSERT_TRUE(took.ok()) << describe(s);
            c.consume_tls(*took);
            ASSERT_TRUE(s.process().ok()) << describe(s);
        }
        transfer(s, c);
    }
    ASSERT_TRUE(s.handshake_complete()) << describe(s);
    EXPECT_EQ(read_early(s), early);
    one_rtt_both_ways(c, s);
}

TEST(RecordEarlyData, RejectedByServerWithZeroRttOff) {
    EarlyData t;
    prime(t);
    t.server->max_early_data = 0;
    Connection c = t.make_client();
    ASSERT_EQ(c.early_data_budget(), 16384u);
    const std::string early(16384, 'e');
    ASSERT_EQ(write_early(c, as_bytes(early)), early.size());
    Connection s = t.make_server();
    pump(c, s);
    ASSERT_TRUE(c.handshake_complete()) << describe(c);
    ASSERT_TRUE(s.handshake_complete()) << describe(s);
    EXPECT_TRUE(s.negotiated().resumed);
    EXPECT_EQ(c.early_data_accepted(), std::optional<bool>(false));
    EXPECT_EQ(s.early_data_accepted(), std::optional<bool>(false));
    EXPECT_EQ(s.early_data_available(), 0u);
    EXPECT_EQ(s.plaintext_available(), 0u);
    EXPECT_FALSE(c.write_early_data(as_bytes("x")).ok());
    // §4.2.10: the application may send it again after the handshake.
    ASSERT_TRUE(c.write(as_bytes("resent")).ok());
    pump(c, s);
    EXPECT_EQ(read_all(s), "resent");
    one_rtt_both_ways(c, s);
}

TEST(RecordEarlyData, RejectedWithAFreshTicketerFullHandshake) {
    EarlyData t;
    prime(t);
    t.server->ticketer = rotating_ticketer({nullptr, std::chrono::hours(1), t.clock.fn()});
    Connection c = t.make_client();
    ASSERT_TRUE(c.write_early_data(as_bytes("first")).ok());
    ASSERT_TRUE(c.write_early_data(as_bytes("second")).ok());
    Connection s = t.make_server();
    pump(c, s);
    ASSERT_TRUE(c.handshake_complete()) << describe(c);
    ASSERT_TRUE(s.handshake_complete()) << describe(s);
    EXPECT_FALSE(c.negotiated().resumed);
    EXPECT_FALSE(c.negotiated().peer_certificates.empty());
    EXPECT_EQ(c.early_data_accepted(), std::optional<bool>(false));
    EXPECT_EQ(s.early_data_available(), 0u);
    one_rtt_both_ways(c, s);
}

TEST(RecordEarlyData, RejectedByHelloRetryRequestSkipsRecordsBeforeTheSecondHello) {
    EarlyData t;
    prime(t);
    t.server->groups = {NamedGroup::secp384r1};
    Connection c = t.make_client();
    ASSERT_TRUE(c.write_early_data(as_bytes(std::string(3000, 'h'))).ok());
    Connection s = t.make_server();
    pump(c, s);
    ASSERT_TRUE(c.handshake_complete()) << describe(c);
    ASSERT_TRUE(s.handshake_complete()) << describe(s);
    EXPECT_TRUE(c.negotiated().hello_retry);
    EXPECT_EQ(c.early_data_accepted(), std::optional<bool>(false));
    EXPECT_EQ(s.early_data_available(), 0u);
    one_rtt_both_ways(c, s);
}

TEST(RecordEarlyData, MoreThanMaxEarlyDataIsUnexpectedMessage) {
    EarlyData t;
    prime(t);                        // the ticket allows 16384 bytes
    t.server->max_early_data = 100;  // the server now accepts only 100
    Connection c = t.make_client();
    ASSERT_EQ(write_early(c, as_bytes(std::string(60, 'a'))), 60u);
    ASSERT_EQ(write_early(c, as_bytes(std::string(60, 'b'))), 60u);
    Connection s = t.make_server();
    pump(c, s);
    EXPECT_FALSE(s.handshake_complete());
    ASSERT_TRUE(s.error());
    EXPECT_EQ(s.error()->alert, Alert::unexpected_message) << describe(s);  // RFC 8446 §4.6.1
    EXPECT_EQ(s.early_data_available(), 60u);  // the first record was within the limit
    EXPECT_EQ(c.peer_alert(), Alert::unexpected_message);
}

TEST(RecordEarlyData, RejectedDataBeyondTheSkipBoundIsUnexpectedMessage) {
    EarlyData t;
    prime(t);
    t.server->max_early_data = 0;
    t.server_options.max_skipped_early_data = 1000;
    Connection c = t.make_client();
    ASSERT_EQ(write_early(c, as_bytes(std::string(900, 'a'))), 900u);
    ASSERT_EQ(write_early(c, as_bytes(std::string(900, 'b'))), 900u);
    Connection s = t.make_server();
    pump(c, s);
    EXPECT_FALSE(s.handshake_complete());
    ASSERT_TRUE(s.error());
    EXPECT_EQ(s.error()->alert, Alert::unexpected_message) << describe(s);
    EXPECT_EQ(s.early_data_available(), 0u);
}

TEST(RecordEarlyData, TamperedEarlyRecordIsBadRecordMacWhenAccepted) {
    EarlyData t;
    prime(t);
    Connection c = t.make_client();
    ASSERT_TRUE(c.write_early_data(as_bytes("GET /")).ok());
    Bytes flight(c.pending_tls().begin(), c.pending_tls().end());
    flight.back() ^= 0x01;  // the last byte of the 0-RTT record's tag
    Connection s = t.make_server();
    feed(s, flight);
    ASSERT_TRUE(s.error());
    EXPECT_EQ(s.error()->alert, Alert::bad_record_mac) << describe(s);  // RFC 8446 §4.2.10, §5.2
    EXPECT_EQ(s.early_data_available(), 0u);
}

TEST(RecordEarlyData, ReplayedFlightToASecondServerIsRejectedAndNotDelivered) {
    EarlyData t;
    prime(t);
    Connection c = t.make_client();
    const std::string early = "POST /transfer?amount=100";
    ASSERT_TRUE(c.write_early_data(as_bytes(early)).ok());
    // An attacker records the client's first flight...
    const Bytes flight(c.pending_tls().begin(), c.pending_tls().end());
    Connection s1 = t.make_server();
    pump(c, s1);
    ASSERT_TRUE(s1.handshake_complete()) << describe(s1);
    EXPECT_EQ(read_early(s1), early);
    // ...and replays it to another server sharing the strike register (§8).
    Connection s2 = t.make_server();
    feed(s2, flight);
    EXPECT_EQ(describe(s2), "ok");
    EXPECT_EQ(s2.early_data_accepted(), std::optional<bool>(false));
    EXPECT_EQ(s2.early_data_available(), 0u);
    EXPECT_EQ(s2.plaintext_available(), 0u);
    EXPECT_FALSE(s2.handshake_complete());
    EXPECT_EQ(t.server->anti_replay->replays_rejected(), 1u);
    one_rtt_both_ways(c, s1);
}

TEST(RecordEarlyData, WithoutCompatibilityModeNoChangeCipherSpec) {
    EarlyData t;
    t.client->middlebox_compat = false;
    prime(t);
    Connection c = t.make_client();
    ASSERT_TRUE(c.write_early_data(as_bytes("x")).ok());
    EXPECT_EQ(record_types(c.pending_tls()), (std::vector<std::uint8_t>{22, 23}));
    Connection s = t.make_server();
    pump(c, s);
    ASSERT_TRUE(s.handshake_complete()) << describe(s);
    EXPECT_EQ(read_early(s), "x");
}

TEST(RecordEarlyData, NotOfferedWithoutATicketOrOnTheServer) {
    EarlyData t;
    Connection c = t.make_client();  // nothing stored yet
    EXPECT_FALSE(c.negotiated().early_data_offered);
    EXPECT_EQ(c.early_data_budget(), 0u);
    EXPECT_FALSE(c.write_early_data(as_bytes("x")).ok());
    EXPECT_FALSE(c.early_data_accepted().has_value());
    Connection s = t.make_server();
    EXPECT_FALSE(s.write_early_data(as_bytes("x")).ok());
    pump(c, s);
    ASSERT_TRUE(s.handshake_complete()) << describe(s);
    EXPECT_FALSE(s.early_data_accepted().has_value());
    EXPECT_EQ(describe(c), "ok");
}

TEST(RecordEarlyData, OfferedButNothingSentStillEndsWithEndOfEarlyData) {
    EarlyData t;
    prime(t);
    Connection c = t.make_client();
    Connection s = t.make_server();
    pump(c, s);
    ASSERT_TRUE(s.handshake_complete()) << describe(s);
    EXPECT_EQ(s.early_data_accepted(), std::optional<bool>(true));
    EXPECT_EQ(s.early_data_available(), 0u);
    one_rtt_both_ways(c, s);
}

// Keeps the secrets a connection logs, to forge records under them.
struct CapturedSecrets final : KeyLog {
    std::map<std::string, Bytes, std::less<>> by_label;
    void log(std::string_view label, ByteView, ByteView secret) override {
        by_label[std::string(label)] = Bytes(secret.begin(), secret.end());
    }
};

// A handshake record under the client's early key, as the first 0-RTT record.
Bytes early_handshake_record(const Bytes& early_secret, ByteView content) {
    auto keys = RecordProtection::create(*default_provider(), CipherSuite::aes_128_gcm_sha256, early_secret);
    EXPECT_TRUE(keys.ok());
    if (!keys.ok()) return {};
    Bytes rec(sealed_record_length(content.size(), 0));
    std::memcpy(rec.data() + kRecordHeaderLength, content.data(), content.size());
    EXPECT_TRUE(keys->seal(ContentType::handshake, content.size(), 0, rec).ok());
    return rec;
}

TEST(RecordEarlyData, NothingMayFollowEndOfEarlyDataUnderTheEarlyKey) {
    EarlyData t;
    t.client->cipher_suites = {CipherSuite::aes_128_gcm_sha256};
    prime(t);
    auto secrets = std::make_shared<CapturedSecrets>();
    t.client->keylog = secrets;
    Connection c = t.make_client();
    auto found = secrets->by_label.find("CLIENT_EARLY_TRAFFIC_SECRET");
    ASSERT_NE(found, secrets->by_label.end());
    const Bytes hello(c.pending_tls().begin(), c.pending_tls().end());
    const Bytes end_of_early_data = {5, 0, 0, 0};
    Bytes coalesced = end_of_early_data;  // EndOfEarlyData, then the start of a Finished
    coalesced.insert(coalesced.end(), {20, 0, 0, 32});
    coalesced.resize(coalesced.size() + 32);

    // Control: EndOfEarlyData alone is taken, and the server then waits
    // for the client's Finished under the handshake key.
    Connection s1 = t.make_server();
    feed(s1, hello);
    ASSERT_EQ(s1.early_data_accepted(), std::optional<bool>(true));
    feed(s1, early_handshake_record(found->second, end_of_early_data));
    EXPECT_EQ(describe(s1), "ok");

    // RFC 8446 §4.5, §5.1: a record that carries more than EndOfEarlyData
    // puts the next message under the wrong key.
    t.server->anti_replay = strike_register(64, 10000);  // let the same hello be accepted again
    Connection s2 = t.make_server();
    feed(s2, hello);
    ASSERT_EQ(s2.early_data_accepted(), std::optional<bool>(true));
    feed(s2, early_handshake_record(found->second, coalesced));
    ASSERT_TRUE(s2.error());
    EXPECT_EQ(s2.error()->alert, Alert::unexpected_message) << describe(s2);
    EXPECT_NE(s2.error()->what.find("after EndOfEarlyData"), std::string_view::npos) << describe(s2);
}

}  // namespace
}  // namespace qtls::record
