// Named limits, each tested one past its bound: the largest handshake
// message (configurable, 64 KiB by default), the record layer's input
// buffer (one record), the session store and the strike register.
// (Early data: record_early_data_test; CRYPTO buffering per level:
// quic_session_test and quic_malformed_test.)
#include <gtest/gtest.h>

#include "qtls/record.h"
#include "qtls/session.h"
#include "record/record_header.h"
#include "support/connection_pump.h"
#include "support/test_pki.h"

namespace qtls::test {
namespace {

// A handshake message header (RFC 8446 §4): type, uint24 body length.
Bytes message_header(std::uint8_t type, std::size_t body_length) {
    return {type, static_cast<std::uint8_t>(body_length >> 16), static_cast<std::uint8_t>(body_length >> 8),
            static_cast<std::uint8_t>(body_length)};
}

std::unique_ptr<Engine> server_engine(std::size_t max_message) {
    auto sc = std::make_shared<ServerConfig>();
    sc->cert_resolver = single_cert_resolver(test_pki().leaf(KeyType::ecdsa_p256));
    sc->max_handshake_message_size = max_message;
    auto s = Engine::server(sc, ServerOptions{});
    EXPECT_TRUE(s.ok());
    return s.ok() ? std::move(s).value() : nullptr;
}

TEST(Limits, DefaultMaxHandshakeMessageIs64KiB) {
    EXPECT_EQ(kDefaultMaxHandshakeMessageSize, 65536u);
    EXPECT_EQ(ServerConfig{}.max_handshake_message_size, kDefaultMaxHandshakeMessageSize);
    EXPECT_EQ(ClientConfig{}.max_handshake_message_size, kDefaultMaxHandshakeMessageSize);
}

TEST(Limits, HandshakeMessageAtTheDefaultLimitIsBufferedOneMoreIsDecodeError) {
    auto at = server_engine(kDefaultMaxHandshakeMessageSize);
    ASSERT_TRUE(at);
    EXPECT_TRUE(at->provide(Epoch::initial, message_header(1, kDefaultMaxHandshakeMessageSize)).ok());
    auto over = server_engine(kDefaultMaxHandshakeMessageSize);
    ASSERT_TRUE(over);
    auto st = over->provide(Epoch::initial, message_header(1, kDefaultMaxHandshakeMessageSize + 1));
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().alert, Alert::decode_error);
}

TEST(Limits, ConfiguredMaxHandshakeMessageIsEnforced) {
    auto at = server_engine(1000);
    ASSERT_TRUE(at);
    EXPECT_TRUE(at->provide(Epoch::initial, message_header(1, 1000)).ok());
    auto over = server_engine(1000);
    ASSERT_TRUE(over);
    auto st = over->provide(Epoch::initial, message_header(1, 1001));
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().alert, Alert::decode_error);
}

// End to end: a client that accepts only small messages refuses the
// server's Certificate message (and so an oversized chain) with decode_error.
TEST(Limits, ClientRefusesACertificateMessageOverItsLimit) {
    auto cc = std::make_shared<ClientConfig>();
    cc->verifier = test_pki().verifier();
    cc->max_handshake_message_size = 200;  // below an ECDSA leaf's Certificate message
    auto sc = std::make_shared<ServerConfig>();
    sc->cert_resolver = single_cert_resolver(test_pki().leaf(KeyType::ecdsa_p256));
    auto client = record::Connection::client(cc, ClientOptions{"localhost", Transport::tcp, {}});
    auto server = record::Connection::server(sc);
    ASSERT_TRUE(client.ok() && server.ok());
    ASSERT_TRUE(client->start().ok());
    pump(*client, *server);
    EXPECT_FALSE(client->handshake_complete());
    ASSERT_TRUE(client->error().has_value());
    EXPECT_EQ(client->error()->alert, Alert::decode_error);
    EXPECT_EQ(server->peer_alert(), Alert::decode_error);
}

// A server whose chain repeats its leaf `length` times; returns the client's error.
std::optional<Error> handshake_with_chain_length(std::size_t length) {
    auto key = std::make_shared<CertifiedKey>(*test_pki().leaf(KeyType::ecdsa_p256));
    key->chain.resize(length, key->chain.front());
    auto cc = std::make_shared<ClientConfig>();
    cc->verifier = test_pki().verifier();
    auto sc = std::make_shared<ServerConfig>();
    sc->cert_resolver = single_cert_resolver(key);
    auto client = record::Connection::client(cc, ClientOptions{"localhost", Transport::tcp, {}});
    auto server = record::Connection::server(sc);
    EXPECT_TRUE(client.ok() && server.ok());
    if (!client.ok() || !server.ok()) return Error{Alert::internal_error, "setup"};
    EXPECT_TRUE(client->start().ok());
    pump(*client, *server);
    return client->error();
}

TEST(Limits, CertificateChainLongerThanTheLimitIsBadCertificate) {
    const auto at = handshake_with_chain_length(kMaxCertificateChainLength);
    EXPECT_FALSE(at.has_value()) << at->what;  // extra copies of the leaf are unused intermediates
    const auto over = handshake_with_chain_length(kMaxCertificateChainLength + 1);
    ASSERT_TRUE(over.has_value());
    EXPECT_EQ(over->alert, Alert::bad_certificate);
    EXPECT_NE(std::string(over->what).find("kMaxCertificateChainLength"), std::string::npos) << over->what;
}

// The record layer holds at most one record of input (RFC 8446 §5.2 bound).
TEST(Limits, RecordInputBufferHoldsOneRecord) {
    auto sc = std::make_shared<ServerConfig>();
    sc->cert_resolver = single_cert_resolver(test_pki().leaf(KeyType::ecdsa_p256));
    auto server = record::Connection::server(sc);
    ASSERT_TRUE(server.ok());
    Bytes flood(3 * record::kMaxRecordLength, 0x16);
    auto took = server->read_tls(flood);
    ASSERT_TRUE(took.ok());
    EXPECT_EQ(*took, record::kMaxRecordLength);
    auto again = server->read_tls(flood);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, 0u) << "nothing more until process() consumed the record";
    EXPECT_LE(server->buffer_capacity(), 2 * record::kMaxRecordLength);
}

TEST(Limits, SessionStoreKeepsAtMostItsServersAndTicketsEach) {
    auto store = memory_session_store(/*max_servers=*/2, /*per_server=*/1);
    auto session = [](std::uint8_t tag) {
        StoredSession s;
        s.suite = CipherSuite::aes_128_gcm_sha256;
        s.ticket = {tag};
        s.lifetime_s = 3600;
        s.received_at_ms = system_clock_ms();
        return s;
    };
    store->put("a", session(1));
    store->put("a", session(2));  // one per server: replaces or drops the other
    store->put("b", session(3));
    store->put("c", session(4));  // three servers: the least recently stored goes
    EXPECT_FALSE(store->take("a").has_value());
    EXPECT_TRUE(store->take("b").has_value());
    EXPECT_TRUE(store->take("c").has_value());
    EXPECT_FALSE(store->take("c").has_value()) << "single use (RFC 8446 §C.4)";
}

TEST(Limits, StrikeRegisterRefusesWhenFull) {
    auto reg = strike_register(/*capacity=*/2, /*window_ms=*/10000);
    const std::uint64_t now = 1'000'000;
    EXPECT_TRUE(reg->first_use(Bytes{1}, now));
    EXPECT_TRUE(reg->first_use(Bytes{2}, now));
    EXPECT_FALSE(reg->first_use(Bytes{1}, now)) << "a replay";
    EXPECT_FALSE(reg->first_use(Bytes{3}, now)) << "full: refuse 0-RTT rather than risk a replay";
    // Once the window has passed the old entries expire and make room.
    EXPECT_TRUE(reg->first_use(Bytes{4}, now + 20000));
}

}  // namespace
}  // namespace qtls::test
