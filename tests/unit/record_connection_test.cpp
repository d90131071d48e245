// record::Connection replaying the RFC 8448 traces byte-exact over a
// scripted engine, and the record-level checks of RFC 8446 §5 (header
// version and length, content types, change_cipher_spec, alerts, MAC).
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>

#include "qtls/record.h"
#include "record/record_protection.h"
#include "record_scripted_engine.h"
#include "record_trace.h"
#include "support/vectors.h"

namespace qtls::record {
namespace {

using test::hex_field;
using test::load_vector;
using test::ScriptedEngine;
using test::to_hex;

struct Endpoint {
    ScriptedEngine* engine = nullptr;
    std::unique_ptr<Connection> connection;
};

Endpoint make_endpoint(Side side, std::vector<ScriptedEngine::Step> steps, ConnectionOptions options = {}) {
    auto engine = std::make_unique<ScriptedEngine>(side, std::move(steps));
    Endpoint e;
    e.engine = engine.get();
    e.connection = std::make_unique<Connection>(std::move(engine), openssl_provider(), options);
    return e;
}

// Feeds `bytes` in small random pieces, processing after each.
Status feed(Connection& c, ByteView bytes, std::mt19937& rng) {
    std::uniform_int_distribution<std::size_t> piece(1, 61);
    std::size_t off = 0;
    while (off < bytes.size()) {
        const std::size_t n = std::min(piece(rng), bytes.size() - off);
        auto took = c.read_tls(bytes.subspan(off, n));
        if (!took) return took.error();
        off += *took;
        QTLS_TRY(c.process());
    }
    return {};
}

Status feed_all(Connection& c, ByteView bytes) {
    std::size_t off = 0;
    while (off < bytes.size()) {
        auto took = c.read_tls(bytes.subspan(off));
        if (!took) return took.error();
        off += *took;
        QTLS_TRY(c.process());
        if (*took == 0) return make_error(Alert::internal_error, "test: connection takes no more input");
    }
    return {};
}

Epoch epoch_of(const nlohmann::json& protection) {
    if (protection.is_null()) return Epoch::initial;
    const std::string keys = protection["keys"].get<std::string>();
    if (keys.find("handshake") != std::string::npos) return Epoch::handshake;
    if (keys.find("early") != std::string::npos) return Epoch::early_data;
    return Epoch::application;
}

struct ReplayCase {
    const char* vector;
    Side side;
    bool compat;
};

class TraceReplay : public ::testing::TestWithParam<ReplayCase> {};

TEST_P(TraceReplay, RecordsMatchByteForByte) {
    const ReplayCase param = GetParam();
    const auto v = load_vector(param.vector);
    ConnectionOptions options;
    options.middlebox_compat = param.compat;
    Endpoint ep = make_endpoint(param.side, param.side == Side::client ? test::client_script(v) : test::server_script(v),
                                options);
    Connection& c = *ep.connection;
    ASSERT_TRUE(c.start().ok());

    const std::string self = param.side == Side::client ? "client" : "server";
    std::mt19937 rng(1234);
    std::array<Bytes, kEpochCount> expected_received;
    int index = 0;
    for (const auto& r : v["records"]) {
        const Bytes rec = hex_field(r["record"]);
        const Bytes payload = hex_field(r["payload"]);
        const std::string type = r["content_type"].get<std::string>();
        SCOPED_TRACE("record " + std::to_string(index++) + " (" + r["sender"].get<std::string>() + " " + type + ")");
        if (r["sender"].get<std::string>() == self) {
            if (type == "application_data") {
                auto n = c.write(payload);
                ASSERT_TRUE(n.ok()) << n.error().what;
                ASSERT_EQ(*n, payload.size());
            } else if (type == "alert") {
                ASSERT_EQ(to_hex(payload), "0100");  // close_notify (warning), as RFC 8448 sends it
                c.send_close_notify();
            }
            const ByteView pending = c.pending_tls();
            ASSERT_GE(pending.size(), rec.size());
            EXPECT_EQ(to_hex(pending.first(rec.size())), to_hex(rec));
            c.consume_tls(rec.size());
        } else {
            Status st = feed(c, rec, rng);
            ASSERT_TRUE(st.ok()) << st.error().what;
            if (type == "handshake") {
                auto& dst = expected_received[static_cast<std::size_t>(epoch_of(r["protection"]))];
                dst.insert(dst.end(), payload.begin(), payload.end());
            } else if (type == "application_data") {
                Bytes out(payload.size() + 10);
                auto n = c.read(out);
                ASSERT_TRUE(n.ok()) << n.error().what;
                out.resize(*n);
                EXPECT_EQ(to_hex(out), to_hex(payload));
            } else if (type == "alert") {
                EXPECT_EQ(c.close_state(), CloseState::close_notify_received);
            }
        }
    }
    EXPECT_FALSE(c.wants_write()) << to_hex(c.pending_tls());
    EXPECT_TRUE(c.handshake_complete());
    EXPECT_FALSE(c.error().has_value());
    for (std::size_t e = 0; e < kEpochCount; ++e)
        EXPECT_EQ(to_hex(ep.engine->received[e]), to_hex(expected_received[e])) << "epoch " << e;
    // Clean end of stream.
    Bytes buf(8);
    auto n = c.read(buf);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc8448, TraceReplay,
    ::testing::Values(ReplayCase{"rfc8448-simple-1rtt", Side::client, false},
                      ReplayCase{"rfc8448-simple-1rtt", Side::server, false},
                      ReplayCase{"rfc8448-compatibility-mode", Side::client, true},
                      ReplayCase{"rfc8448-compatibility-mode", Side::server, true},
                      ReplayCase{"rfc8448-client-auth", Side::client, false},
                      ReplayCase{"rfc8448-client-auth", Side::server, false},
                      ReplayCase{"rfc8448-hello-retry-request", Side::client, false},
                      ReplayCase{"rfc8448-hello-retry-request", Side::server, false}),
    [](const auto& info) {
        std::string n = std::string(info.param.vector).substr(8) + (info.param.side == Side::client ? "_client" : "_server");
        for (char& ch : n)
            if (ch == '-') ch = '_';
        return n;
    });

// ---- record-level checks on a client that has sent its ClientHello ----

class ClientChecks : public ::testing::Test {
protected:
    void SetUp() override {
        v_ = load_vector("rfc8448-simple-1rtt");
        ep_ = make_endpoint(Side::client, test::client_script(v_));
        ASSERT_TRUE(conn().start().ok());
        conn().consume_tls(conn().pending_tls().size());  // the ClientHello
    }
    Connection& conn() { return *ep_.connection; }
    Bytes record(int i) { return hex_field(v_["records"][i]["record"]); }

    // Feeds bytes and expects the connection to fail with `alert`.
    void expect_failure(ByteView bytes, Alert alert) {
        Status st = feed_all(conn(), bytes);
        ASSERT_FALSE(st.ok());
        EXPECT_EQ(st.error().alert, alert) << st.error().what;
        EXPECT_EQ(conn().close_state(), CloseState::failed);
        ASSERT_TRUE(conn().error().has_value());
        EXPECT_EQ(conn().error()->alert, alert);
        // Later calls keep failing with the same error.
        EXPECT_FALSE(conn().process().ok());
        EXPECT_FALSE(conn().read_tls(bytes).ok());
    }
    // The alert record we sent, unprotected (before handshake keys).
    void expect_plaintext_alert(Alert alert) {
        const Bytes expected = {21, 3, 3, 0, 2, 2, static_cast<std::uint8_t>(alert)};
        EXPECT_EQ(to_hex(conn().pending_tls()), to_hex(expected));
    }
    // After the ServerHello: handshake keys are in use both ways.
    void receive_server_hello() { ASSERT_TRUE(feed_all(conn(), record(1)).ok()); }

    nlohmann::json v_;
    Endpoint ep_;
};

TEST_F(ClientChecks, FirstClientHelloRecordUses0x0301) {
    // RFC 8448 §3: the client's first record says 0x0301; later ones 0x0303.
    EXPECT_EQ(to_hex(record(0)).substr(0, 10), "16030100c4");
}

TEST_F(ClientChecks, WrongRecordVersionIsRejected) {
    Bytes sh = record(1);
    sh[2] = 0x01;  // 0x0301 is only for the initial ClientHello
    expect_failure(sh, Alert::protocol_version);
    expect_plaintext_alert(Alert::protocol_version);
}

TEST_F(ClientChecks, OversizedPlaintextRecordIsRecordOverflow) {
    // RFC 8446 §5.1: 2^14 + 1 bytes of TLSPlaintext; rejected from the header alone.
    const Bytes header = {22, 3, 3, 0x40, 0x01};
    expect_failure(header, Alert::record_overflow);
    expect_plaintext_alert(Alert::record_overflow);
}

TEST_F(ClientChecks, OversizedCiphertextRecordIsRecordOverflow) {
    // RFC 8446 §5.2: 2^14 + 257 bytes of TLSCiphertext.
    receive_server_hello();
    const Bytes header = {23, 3, 3, 0x41, 0x01};
    expect_failure(header, Alert::record_overflow);
}

TEST_F(ClientChecks, UnknownContentTypeIsUnexpectedMessage) {
    const Bytes rec = {24, 3, 3, 0, 1, 0};
    expect_failure(rec, Alert::unexpected_message);
}

TEST_F(ClientChecks, ZeroLengthHandshakeRecordIsUnexpectedMessage) {
    const Bytes rec = {22, 3, 3, 0, 0};
    expect_failure(rec, Alert::unexpected_message);
}

TEST_F(ClientChecks, ZeroLengthAlertRecordIsUnexpectedMessage) {
    const Bytes rec = {21, 3, 3, 0, 0};
    expect_failure(rec, Alert::unexpected_message);
}

TEST_F(ClientChecks, ChangeCipherSpecIsDroppedDuringTheHandshake) {
    const Bytes ccs = {20, 3, 3, 0, 1, 1};
    ASSERT_TRUE(feed_all(conn(), ccs).ok());
    receive_server_hello();
    ASSERT_TRUE(feed_all(conn(), ccs).ok());
    EXPECT_EQ(conn().close_state(), CloseState::open);
}

TEST_F(ClientChecks, MalformedChangeCipherSpecIsUnexpectedMessage) {
    const Bytes ccs = {20, 3, 3, 0, 1, 2};
    expect_failure(ccs, Alert::unexpected_message);
}

TEST_F(ClientChecks, TwoByteChangeCipherSpecIsUnexpectedMessage) {
    const Bytes ccs = {20, 3, 3, 0, 2, 1, 1};
    expect_failure(ccs, Alert::unexpected_message);
}

TEST_F(ClientChecks, ChangeCipherSpecAfterTheHandshakeIsUnexpectedMessage) {
    receive_server_hello();
    ASSERT_TRUE(feed_all(conn(), record(2)).ok());
    ASSERT_TRUE(conn().handshake_complete());
    const Bytes ccs = {20, 3, 3, 0, 1, 1};
    expect_failure(ccs, Alert::unexpected_message);
}

TEST_F(ClientChecks, ProtectedRecordBeforeKeysIsUnexpectedMessage) {
    expect_failure(record(2), Alert::unexpected_message);
}

TEST_F(ClientChecks, PlaintextHandshakeAfterKeysIsUnexpectedMessage) {
    receive_server_hello();
    expect_failure(record(1), Alert::unexpected_message);
}

TEST_F(ClientChecks, PlaintextAlertDuringHandshakeIsAccepted) {
    // A server that failed before deriving keys can only send plaintext.
    receive_server_hello();
    const Bytes alert = {21, 3, 3, 0, 2, 2, 40};
    Status st = feed_all(conn(), alert);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(conn().peer_alert(), Alert::handshake_failure);
    EXPECT_FALSE(conn().wants_write()) << "no alert answers an alert (RFC 8446 §6.2)";
}

TEST_F(ClientChecks, TamperedRecordIsBadRecordMacAndTheAlertIsProtected) {
    receive_server_hello();
    Bytes rec = record(2);
    rec[100] ^= 1;
    expect_failure(rec, Alert::bad_record_mac);
    // The alert goes out under the client handshake key: outer type 23,
    // 2 + 1 + 16 bytes (RFC 8446 §5.2).
    const ByteView out = conn().pending_tls();
    ASSERT_EQ(out.size(), 5u + 19u);
    EXPECT_EQ(to_hex(out.first(5)), "1703030013");
    RecordProtection server_reader =
        std::move(RecordProtection::create(*openssl_provider(), CipherSuite::aes_128_gcm_sha256,
                                           hex_field(v_["traffic_keys"]["client_handshake"]["secret"]))
                      .value());
    Bytes copy(out.begin(), out.end());
    auto opened = server_reader.open(copy);
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(opened->type, ContentType::alert);
    EXPECT_EQ(to_hex(opened->content), "0214");  // fatal, bad_record_mac
}

TEST_F(ClientChecks, ApplicationDataUnderHandshakeKeysIsUnexpectedMessage) {
    receive_server_hello();
    RecordProtection server_writer =
        std::move(RecordProtection::create(*openssl_provider(), CipherSuite::aes_128_gcm_sha256,
                                           hex_field(v_["traffic_keys"]["server_handshake"]["secret"]))
                      .value());
    Bytes rec(sealed_record_length(3, 0));
    std::memcpy(rec.data() + kRecordHeaderLength, "abc", 3);
    ASSERT_TRUE(server_writer.seal(ContentType::application_data, 3, 0, rec).ok());
    expect_failure(rec, Alert::unexpected_message);
}

TEST_F(ClientChecks, ProtectedChangeCipherSpecIsUnexpectedMessage) {
    receive_server_hello();
    RecordProtection server_writer =
        std::move(RecordProtection::create(*openssl_provider(), CipherSuite::aes_128_gcm_sha256,
                                           hex_field(v_["traffic_keys"]["server_handshake"]["secret"]))
                      .value());
    Bytes rec(sealed_record_length(1, 0));
    rec[kRecordHeaderLength] = 1;
    ASSERT_TRUE(server_writer.seal(ContentType::change_cipher_spec, 1, 0, rec).ok());
    expect_failure(rec, Alert::unexpected_message);
}

TEST_F(ClientChecks, PeerFatalAlertEndsTheConnection) {
    const Bytes alert = {21, 3, 3, 0, 2, 2, 70};
    Status st = feed_all(conn(), alert);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(conn().peer_alert(), Alert::protocol_version);
    EXPECT_EQ(conn().close_state(), CloseState::failed);
    EXPECT_FALSE(conn().wants_write());
}

TEST_F(ClientChecks, MalformedAlertIsDecodeError) {
    const Bytes alert = {21, 3, 3, 0, 3, 2, 70, 0};
    expect_failure(alert, Alert::decode_error);
}

TEST_F(ClientChecks, EngineErrorSendsItsAlert) {
    ep_.engine->provide_error = make_error(Alert::illegal_parameter, "scripted failure");
    expect_failure(record(1), Alert::illegal_parameter);
    expect_plaintext_alert(Alert::illegal_parameter);
}

TEST_F(ClientChecks, EngineAlertToSendIsSent) {
    receive_server_hello();
    ep_.engine->inject(AlertToSend{Alert::bad_certificate, "scripted alert"});
    Status st = conn().process();
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().alert, Alert::bad_certificate);
    EXPECT_EQ(conn().close_state(), CloseState::failed);
    EXPECT_EQ(to_hex(conn().pending_tls().first(5)), "1703030013");
}

TEST_F(ClientChecks, WriteBeforeTheHandshakeFailsWithoutClosing) {
    auto n = conn().write(as_bytes("early"));
    ASSERT_FALSE(n.ok());
    EXPECT_EQ(conn().close_state(), CloseState::open);
    EXPECT_FALSE(conn().wants_write());
}

TEST_F(ClientChecks, ReadWithNothingAvailableWouldBlock) {
    Bytes buf(4);
    auto n = conn().read(buf);
    ASSERT_FALSE(n.ok());
    EXPECT_TRUE(is_would_block(n.error()));
}

TEST_F(ClientChecks, EofWithoutCloseNotifyIsTruncation) {
    conn().transport_eof();
    EXPECT_EQ(conn().close_state(), CloseState::truncated);
    ASSERT_TRUE(conn().error().has_value());
    EXPECT_TRUE(is_unexpected_eof(*conn().error()));
    Bytes buf(4);
    auto n = conn().read(buf);
    ASSERT_FALSE(n.ok());
    EXPECT_TRUE(is_unexpected_eof(n.error()));
}

TEST_F(ClientChecks, EofAfterCloseNotifyIsClean) {
    receive_server_hello();
    ASSERT_TRUE(feed_all(conn(), record(2)).ok());
    ASSERT_TRUE(feed_all(conn(), record(4)).ok());  // NewSessionTicket
    ASSERT_TRUE(feed_all(conn(), record(6)).ok());  // application data
    ASSERT_TRUE(feed_all(conn(), record(8)).ok());  // close_notify
    conn().transport_eof();
    EXPECT_EQ(conn().close_state(), CloseState::close_notify_received);
    Bytes buf(100);
    auto n = conn().read(buf);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 50u);  // data before close_notify is still delivered
    n = conn().read(buf);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 0u);
    // RFC 8446 §6.1: anything after close_notify is ignored.
    const Bytes junk = {1, 2, 3, 4, 5, 6, 7};
    auto took = conn().read_tls(junk);
    ASSERT_TRUE(took.ok());
    EXPECT_EQ(*took, junk.size());
    EXPECT_TRUE(conn().process().ok());
}

// ---- server side ----

TEST(ServerChecks, ChangeCipherSpecBeforeClientHelloIsUnexpectedMessage) {
    const auto v = load_vector("rfc8448-simple-1rtt");
    Endpoint ep = make_endpoint(Side::server, test::server_script(v));
    ASSERT_TRUE(ep.connection->start().ok());
    const Bytes ccs = {20, 3, 3, 0, 1, 1};
    Status st = feed_all(*ep.connection, ccs);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().alert, Alert::unexpected_message);
}

TEST(ServerChecks, OnlyTheFirstClientHelloMayUse0x0301) {
    const auto v = load_vector("rfc8448-hello-retry-request");
    Endpoint ep = make_endpoint(Side::server, test::server_script(v));
    ASSERT_TRUE(ep.connection->start().ok());
    ASSERT_TRUE(feed_all(*ep.connection, hex_field(v["records"][0]["record"])).ok());  // CH1 at 0x0301
    ASSERT_TRUE(ep.connection->wants_write());                                       // HRR
    Bytes ch2 = hex_field(v["records"][2]["record"]);
    ch2[2] = 0x01;
    Status st = feed_all(*ep.connection, ch2);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().alert, Alert::protocol_version);
}

TEST(ServerChecks, CompatModeServerSendsChangeCipherSpecAfterHelloRetryRequest) {
    const auto v = load_vector("rfc8448-hello-retry-request");
    ConnectionOptions options;
    options.middlebox_compat = true;
    Endpoint ep = make_endpoint(Side::server, test::server_script(v), options);
    ASSERT_TRUE(ep.connection->start().ok());
    ASSERT_TRUE(feed_all(*ep.connection, hex_field(v["records"][0]["record"])).ok());
    const Bytes hrr = hex_field(v["records"][1]["record"]);
    const ByteView out = ep.connection->pending_tls();
    ASSERT_EQ(out.size(), hrr.size() + 6);
    EXPECT_EQ(to_hex(out.first(hrr.size())), to_hex(hrr));
    EXPECT_EQ(to_hex(out.subspan(hrr.size())), "140303000101");
    ep.connection->consume_tls(out.size());
    // Only once: the ServerHello after the second ClientHello has none.
    ASSERT_TRUE(feed_all(*ep.connection, hex_field(v["records"][2]["record"])).ok());
    const Bytes sh = hex_field(v["records"][3]["record"]);
    const Bytes flight = hex_field(v["records"][4]["record"]);
    EXPECT_EQ(to_hex(ep.connection->pending_tls()), to_hex(sh) + to_hex(flight));
}

}  // namespace
}  // namespace qtls::record
