// record::Connection client <-> server with the real Engine, the default
// provider and the test PKI: over in-memory buffers and over a socketpair.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <tuple>

#include "qtls/record.h"
#include "qtls/socket.h"
#include "record/record_header.h"
#include "support/connection_pump.h"
#include "support/test_pki.h"
#include "support/vectors.h"

namespace qtls::record {
namespace {

using test::KeyType;
using test::test_pki;

struct Configs {
    std::shared_ptr<ClientConfig> client = std::make_shared<ClientConfig>();
    std::shared_ptr<ServerConfig> server = std::make_shared<ServerConfig>();
    std::string server_name = "localhost";
    ConnectionOptions client_options;
    ConnectionOptions server_options;

    explicit Configs(KeyType cert = KeyType::ecdsa_p256) {
        client->verifier = test_pki().verifier();
        server->cert_resolver = single_cert_resolver(test_pki().leaf(cert));
    }
    Result<Connection> make_client() {
        return Connection::client(client, ClientOptions{server_name, Transport::tcp, {}}, client_options);
    }
    Result<Connection> make_server() { return Connection::server(server, server_options); }
};

using test::pump;
using test::transfer;

std::string drain(Connection& c) {
    std::string out;
    char buf[8192];
    for (;;) {
        auto n = c.read(MutableByteView(reinterpret_cast<std::uint8_t*>(buf), sizeof buf));
        if (!n.ok() || *n == 0) return out;
        out.append(buf, *n);
        (void)c.process();
    }
}

std::string describe(const Connection& c) {
    if (!c.error()) return "ok";
    return std::string(to_string(c.error()->alert)) + ": " + std::string(c.error()->what);
}

struct Running {
    Connection client;
    Connection server;
};

// Creates both ends and runs the handshake; nullopt (with a failure) when
// it did not complete.
std::optional<Running> connect(Configs& cfg) {
    auto c = cfg.make_client();
    auto s = cfg.make_server();
    EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().what);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().what);
    if (!c.ok() || !s.ok()) return std::nullopt;
    Running r{std::move(c).value(), std::move(s).value()};
    pump(r.client, r.server);
    EXPECT_TRUE(r.client.handshake_complete()) << "client: " << describe(r.client);
    EXPECT_TRUE(r.server.handshake_complete()) << "server: " << describe(r.server);
    if (!r.client.handshake_complete() || !r.server.handshake_complete()) return std::nullopt;
    return r;
}

void exchange_data(Running& r) {
    ASSERT_TRUE(r.client.write(as_bytes("GET / HTTP/1.0\r\n\r\n")).ok());
    pump(r.client, r.server);
    EXPECT_EQ(drain(r.server), "GET / HTTP/1.0\r\n\r\n");
    std::string big(100'000, 'z');
    std::size_t sent = 0;
    std::string got;
    while (sent < big.size()) {
        auto n = r.server.write(as_bytes(std::string_view(big).substr(sent)));
        ASSERT_TRUE(n.ok());
        sent += *n;
        pump(r.client, r.server);
        got += drain(r.client);
    }
    EXPECT_EQ(got.size(), big.size());
    r.client.send_close_notify();
    pump(r.client, r.server);
    EXPECT_EQ(r.server.close_state(), CloseState::close_notify_received);
    r.server.send_close_notify();
    pump(r.client, r.server);
    EXPECT_EQ(r.client.close_state(), CloseState::close_notify_received);
}

using SuiteCompat = std::tuple<CipherSuite, bool>;
class RecordPair : public ::testing::TestWithParam<SuiteCompat> {};

TEST_P(RecordPair, HandshakeDataAndClose) {
    auto [suite, compat] = GetParam();
    Configs cfg;
    cfg.client->cipher_suites = {suite};
    cfg.client->middlebox_compat = compat;
    auto r = connect(cfg);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->client.negotiated().suite, suite);
    exchange_data(*r);
}

INSTANTIATE_TEST_SUITE_P(Suites, RecordPair,
                         ::testing::Combine(::testing::Values(CipherSuite::aes_128_gcm_sha256,
                                                              CipherSuite::aes_256_gcm_sha384,
                                                              CipherSuite::chacha20_poly1305_sha256),
                                            ::testing::Bool()),
                         [](const auto& info) {
                             std::string n = std::string(to_string(std::get<0>(info.param))) +
                                             (std::get<1>(info.param) ? "_compat" : "_plain");
                             for (char& ch : n)
                                 if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                             return n;
                         });

TEST(RecordPairFeatures, HelloRetryRequest) {
    Configs cfg;
    cfg.server->force_hello_retry = true;
    auto r = connect(cfg);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->client.negotiated().hello_retry);
    exchange_data(*r);
}

TEST(RecordPairFeatures, ClientAuthentication) {
    Configs cfg;
    cfg.server->client_auth = ClientAuth::required;
    cfg.server->client_verifier = test_pki().verifier(/*client_certs=*/true);
    cfg.client->client_certificate = test_pki().client();
    auto r = connect(cfg);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->server.negotiated().client_authenticated);
    exchange_data(*r);
}

TEST(RecordPairFeatures, KeyUpdate) {
    Configs cfg;
    auto r = connect(cfg);
    ASSERT_TRUE(r);
    ASSERT_TRUE(r->client.key_update(/*request_peer=*/true).ok());
    pump(r->client, r->server);
    ASSERT_TRUE(r->server.write(as_bytes("after")).ok());
    ASSERT_TRUE(r->client.write(as_bytes("both")).ok());
    pump(r->client, r->server);
    EXPECT_EQ(drain(r->client), "after");
    EXPECT_EQ(drain(r->server), "both");
    EXPECT_EQ(describe(r->client), "ok");
    EXPECT_EQ(describe(r->server), "ok");
}

TEST(RecordPairFeatures, RecordSizeLimitFromTheClient) {
    Configs cfg;
    cfg.client->record_size_limit = 256;
    auto r = connect(cfg);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->server.negotiated().peer_record_size_limit, 256);
    ASSERT_TRUE(r->server.write(as_bytes(std::string(2000, 'q'))).ok());
    ByteView tls = r->server.pending_tls();
    while (tls.size() >= kRecordHeaderLength) {
        const RecordHeader h = parse_record_header(tls.data());
        EXPECT_LE(h.length, 256u + kAeadTagLength);  // RFC 8449 §4
        tls = tls.subspan(std::min(tls.size(), kRecordHeaderLength + h.length));
    }
    pump(r->client, r->server);
    EXPECT_EQ(drain(r->client), std::string(2000, 'q'));
}

TEST(RecordPairFeatures, PaddedRecords) {
    Configs cfg;
    cfg.client_options.padding = PaddingPolicy::multiple_of(512);
    cfg.server_options.padding = PaddingPolicy::multiple_of(512);
    auto r = connect(cfg);
    ASSERT_TRUE(r);
    exchange_data(*r);
}

TEST(RecordPairFeatures, WrongHostFailsWithAnAlertOnBothSides) {
    Configs cfg;
    cfg.server_name = "not-the-host.example";
    auto c = cfg.make_client();
    auto s = cfg.make_server();
    ASSERT_TRUE(c.ok() && s.ok());
    pump(*c, *s);
    EXPECT_EQ(c->close_state(), CloseState::failed);
    EXPECT_FALSE(c->handshake_complete());
    EXPECT_EQ(s->close_state(), CloseState::failed) << "the server must see the client's alert";
    ASSERT_TRUE(s->peer_alert().has_value());
    ASSERT_TRUE(c->error().has_value());
    EXPECT_EQ(*s->peer_alert(), c->error()->alert);
}

TEST(RecordPairFeatures, OverASocketPair) {
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    Configs cfg;
    std::string echoed;
    std::thread server_thread([&] {
        auto s = cfg.make_server();
        ASSERT_TRUE(s.ok());
        Status st = drive_handshake(*s, fds[1], 10'000);
        ASSERT_TRUE(st.ok()) << st.error().what;
        Bytes buf(4096);
        for (;;) {
            auto n = read_some(*s, fds[1], buf, 10'000);
            ASSERT_TRUE(n.ok()) << n.error().what;
            if (*n == 0) break;
            ASSERT_TRUE(write_all(*s, fds[1], ByteView(buf.data(), *n), 10'000).ok());
        }
        ASSERT_TRUE(close(*s, fds[1], 10'000).ok());
    });
    auto c = cfg.make_client();
    ASSERT_TRUE(c.ok());
    Status st = drive_handshake(*c, fds[0], 10'000);
    ASSERT_TRUE(st.ok()) << st.error().what;
    const std::string message(50'000, 'e');
    ASSERT_TRUE(write_all(*c, fds[0], as_bytes(message), 10'000).ok());
    ASSERT_TRUE(close(*c, fds[0], 10'000).ok());
    Bytes buf(4096);
    for (;;) {
        auto n = read_some(*c, fds[0], buf, 10'000);
        ASSERT_TRUE(n.ok()) << n.error().what;
        if (*n == 0) break;
        echoed.append(reinterpret_cast<const char*>(buf.data()), *n);
    }
    server_thread.join();
    EXPECT_EQ(echoed.size(), message.size());
    ::close(fds[0]);
    ::close(fds[1]);
}

}  // namespace
}  // namespace qtls::record
