// Certificate compression (RFC 8879) between two qtls engines: with each
// algorithm the server's Certificate (and a client certificate, in the
// handshake and after it) travels as a CompressedCertificate, the
// transcripts agree (Finished verifies on both sides), the sender follows
// its own preference, nothing is compressed unless both sides enabled it,
// and the receiver's size limit applies to the uncompressed message.
#include <gtest/gtest.h>

#include <mutex>
#include <string>

#include "compress/compressed_certificate_cache.h"
#include "msg/msg.h"
#include "qtls/record.h"
#include "support/connection_pump.h"
#include "support/engine_harness.h"
#include "support/test_pki.h"

namespace qtls::test {
namespace {

using C = CertificateCompression;
using msg::HandshakeType;

struct Pair {
    std::shared_ptr<ClientConfig> client = std::make_shared<ClientConfig>();
    std::shared_ptr<ServerConfig> server = std::make_shared<ServerConfig>();
    ClientOptions client_options{"localhost", Transport::tcp, {}};
    ServerOptions server_options{};
    std::unique_ptr<Engine> client_engine;
    std::unique_ptr<Engine> server_engine;

    Pair() {
        client->verifier = test_pki().verifier();
        server->cert_resolver = single_cert_resolver(test_pki().leaf(KeyType::rsa_2048));
    }
    PumpResult run(std::size_t chunk = 0) {
        auto c = Engine::client(client, client_options);
        auto s = Engine::server(server, server_options);
        EXPECT_TRUE(c.ok() && s.ok());
        if (!c.ok() || !s.ok()) return {};
        client_engine = std::move(c).value();
        server_engine = std::move(s).value();
        return pump(*client_engine, *server_engine, chunk);
    }
    const Negotiated& at_client() const { return client_engine->negotiated(); }
    const Negotiated& at_server() const { return server_engine->negotiated(); }
};

std::string failure(const PumpResult& r) {
    return (r.client.alert ? "client: " + std::string(r.client.alert->reason) : std::string()) +
           (r.server.alert ? " server: " + std::string(r.server.alert->reason) : std::string());
}

// The handshake message types in a run of (unprotected) handshake bytes.
std::vector<HandshakeType> types_in(const Bytes& bytes) {
    std::vector<HandshakeType> out;
    ByteView rest = bytes;
    while (rest.size() >= 4) {
        const std::size_t len = (std::size_t{rest[1]} << 16) | (std::size_t{rest[2]} << 8) | rest[3];
        out.push_back(static_cast<HandshakeType>(rest[0]));
        rest = rest.subspan(std::min(rest.size(), 4 + len));
    }
    return out;
}

bool has(const std::vector<HandshakeType>& types, HandshakeType t) {
    return std::find(types.begin(), types.end(), t) != types.end();
}

class PerAlgorithm : public ::testing::TestWithParam<C> {};

TEST_P(PerAlgorithm, ServerCertificateTravelsCompressed) {
    for (std::size_t chunk : {std::size_t{0}, std::size_t{1}}) {
        Pair p;
        p.client->certificate_compression = {GetParam()};
        p.server->certificate_compression = all_certificate_compressions();
        auto r = p.run(chunk);
        ASSERT_TRUE(r.ok) << failure(r);
        EXPECT_EQ(p.at_client().peer_certificate_compression, GetParam());
        EXPECT_EQ(p.at_server().own_certificate_compression, GetParam());
        EXPECT_FALSE(p.at_server().peer_certificate_compression.has_value());
        EXPECT_EQ(p.at_client().peer_certificates, test_pki().leaf(KeyType::rsa_2048)->chain);
        const auto sent = types_in(r.server.bytes[Epoch::handshake]);
        EXPECT_TRUE(has(sent, HandshakeType::compressed_certificate));
        EXPECT_FALSE(has(sent, HandshakeType::certificate));
    }
}

TEST_P(PerAlgorithm, ClientCertificateTravelsCompressed) {
    Pair p;
    p.client->certificate_compression = {GetParam()};
    p.client->client_certificate = test_pki().client();
    p.server->certificate_compression = {GetParam()};
    p.server->client_auth = ClientAuth::required;
    p.server->client_verifier = test_pki().verifier(true);
    auto r = p.run();
    ASSERT_TRUE(r.ok) << failure(r);
    EXPECT_TRUE(p.at_server().client_authenticated);
    EXPECT_EQ(p.at_server().peer_certificate_compression, GetParam());
    EXPECT_EQ(p.at_client().own_certificate_compression, GetParam());
    EXPECT_EQ(p.at_client().peer_certificate_compression, GetParam());
    EXPECT_EQ(p.at_server().peer_certificates, test_pki().client()->chain);
    const auto sent = types_in(r.client.bytes[Epoch::handshake]);
    EXPECT_TRUE(has(sent, HandshakeType::compressed_certificate));
    EXPECT_FALSE(has(sent, HandshakeType::certificate));
}

TEST_P(PerAlgorithm, OverQuic) {
    Pair p;
    p.client->certificate_compression = {GetParam()};
    p.server->certificate_compression = {GetParam()};
    p.client->alpn = {"h3"};
    p.server->alpn = {"h3"};
    p.client_options = ClientOptions{"localhost", Transport::quic, Bytes{1, 2, 3}};
    p.server_options.transport = Transport::quic;
    p.server_options.quic_transport_parameters = Bytes{4, 5, 6};
    auto r = p.run();
    ASSERT_TRUE(r.ok) << failure(r);
    EXPECT_EQ(p.at_client().peer_certificate_compression, GetParam());
}

// RFC 8446 §4.6.2 after the handshake: the post-handshake CertificateRequest
// offers compression too, and the client's answer uses it.
TEST_P(PerAlgorithm, PostHandshakeClientCertificateTravelsCompressed) {
    auto client = std::make_shared<ClientConfig>();
    client->verifier = test_pki().verifier();
    client->post_handshake_auth = true;
    client->client_certificate = test_pki().client();
    client->certificate_compression = {GetParam()};
    auto server = std::make_shared<ServerConfig>();
    server->cert_resolver = single_cert_resolver(test_pki().leaf(KeyType::ecdsa_p256));
    server->client_verifier = test_pki().verifier(true);
    server->certificate_compression = {GetParam()};
    auto cl = record::Connection::client(client, ClientOptions{"localhost", Transport::tcp, {}});
    auto sv = record::Connection::server(server);
    ASSERT_TRUE(cl.ok() && sv.ok());
    record::Connection c = std::move(cl).value();
    record::Connection s = std::move(sv).value();
    pump(c, s);
    ASSERT_TRUE(c.handshake_complete() && s.handshake_complete());
    EXPECT_EQ(c.negotiated().peer_certificate_compression, GetParam());
    ASSERT_TRUE(s.request_client_certificate(true).ok());
    pump(c, s);
    EXPECT_EQ(s.negotiated().post_handshake_auths, 1u);
    EXPECT_TRUE(s.negotiated().client_authenticated);
    EXPECT_EQ(s.negotiated().peer_certificate_compression, GetParam());
    EXPECT_EQ(c.negotiated().own_certificate_compression, GetParam());
    EXPECT_EQ(s.negotiated().peer_certificates, test_pki().client()->chain);
}

INSTANTIATE_TEST_SUITE_P(CertCompression, PerAlgorithm, ::testing::Values(C::zlib, C::brotli, C::zstd),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(CertCompression, SenderPrefersItsOwnOrder) {
    Pair p;
    p.client->certificate_compression = {C::brotli, C::zlib, C::zstd};
    p.server->certificate_compression = {C::zstd, C::zlib};
    auto r = p.run();
    ASSERT_TRUE(r.ok) << failure(r);
    EXPECT_EQ(p.at_client().peer_certificate_compression, C::zstd);
}

TEST(CertCompression, NothingInCommonOrNotEnabledSendsPlainCertificate) {
    struct Case {
        std::vector<C> client, server;
    };
    const Case cases[] = {{{}, all_certificate_compressions()},
                          {all_certificate_compressions(), {}},
                          {{C::zlib}, {C::brotli, C::zstd}},
                          {{}, {}}};
    for (const Case& k : cases) {
        Pair p;
        p.client->certificate_compression = k.client;
        p.server->certificate_compression = k.server;
        auto r = p.run();
        ASSERT_TRUE(r.ok) << failure(r);
        EXPECT_FALSE(p.at_client().peer_certificate_compression.has_value());
        EXPECT_FALSE(p.at_server().own_certificate_compression.has_value());
        const auto sent = types_in(r.server.bytes[Epoch::handshake]);
        EXPECT_TRUE(has(sent, HandshakeType::certificate));
        EXPECT_FALSE(has(sent, HandshakeType::compressed_certificate));
    }
}

TEST(CertCompression, DefaultIsOff) {
    EXPECT_TRUE(ClientConfig{}.certificate_compression.empty());
    EXPECT_TRUE(ServerConfig{}.certificate_compression.empty());
}

// The server compresses its chain once; later handshakes reuse it.
TEST(CertCompression, ServerReusesTheCompressedChain) {
    Pair first;
    first.client->certificate_compression = {C::brotli};
    first.server->certificate_compression = {C::brotli};
    ASSERT_TRUE(first.run().ok);
    const std::size_t hits = compress::compressed_certificate_cache_hits();
    Pair second;
    second.client->certificate_compression = {C::brotli};
    second.server->certificate_compression = {C::brotli};
    auto r = second.run();
    ASSERT_TRUE(r.ok) << failure(r);
    EXPECT_GE(compress::compressed_certificate_cache_hits(), hits + 1);
}

// max_handshake_message_size bounds the Certificate once uncompressed: a
// chain that compresses well below the limit but expands above it is
// refused (RFC 8879 §4: the length is checked before decompressing).
TEST(CertCompression, UncompressedSizeIsBoundedByTheReceiversLimit) {
    auto big = std::make_shared<CertifiedKey>(*test_pki().leaf(KeyType::ecdsa_p256));
    const Bytes leaf = big->chain.front();
    for (int i = 0; i < 8; ++i) big->chain.push_back(leaf);  // repeats compress to almost nothing
    // context<0..255> and certificate_list<0..2^24-1> prefixes, then per
    // entry cert_data<1..2^24-1> and an empty extensions<0..2^16-1>.
    std::size_t uncompressed = 1 + 3;
    for (const auto& der : big->chain) uncompressed += 3 + der.size() + 2;
    Pair p;
    p.server->cert_resolver = single_cert_resolver(big);
    p.server->certificate_compression = {C::zstd};
    p.client->certificate_compression = {C::zstd};
    p.client->max_handshake_message_size = uncompressed - 1;
    auto r = p.run();
    ASSERT_FALSE(r.ok);
    ASSERT_TRUE(r.client.alert.has_value());
    EXPECT_EQ(r.client.alert->alert, Alert::bad_certificate) << r.client.alert->reason;
    // One byte more and the same chain is accepted (it is only the size).
    Pair q;
    q.server->cert_resolver = single_cert_resolver(big);
    q.server->certificate_compression = {C::zstd};
    q.client->certificate_compression = {C::zstd};
    q.client->max_handshake_message_size = uncompressed;
    auto ok = q.run();
    EXPECT_TRUE(ok.ok) << failure(ok);
    EXPECT_EQ(q.at_client().peer_certificate_compression, C::zstd);
}

// QTLS_LOG=trace shows the compressed message with its algorithm.
TEST(CertCompression, TraceLogShowsCompressedCertificate) {
    auto lines = std::make_shared<std::vector<std::string>>();
    auto mu = std::make_shared<std::mutex>();
    auto logger = std::make_shared<Logger>();
    logger->level = LogLevel::trace;
    logger->callback = [lines, mu](LogLevel, std::string_view, std::string_view message) {
        std::lock_guard lock(*mu);
        lines->emplace_back(message);
    };
    Pair p;
    p.client->logger = logger;
    p.client->certificate_compression = {C::zlib};
    p.server->certificate_compression = {C::zlib};
    ASSERT_TRUE(p.run().ok);
    bool seen = false;
    for (const auto& l : *lines)
        seen = seen || (l.find("received handshake: ") != std::string::npos &&
                        l.find("CompressedCertificate") != std::string::npos &&
                        l.find("algorithm=zlib") != std::string::npos);
    EXPECT_TRUE(seen);
}

}  // namespace
}  // namespace qtls::test
