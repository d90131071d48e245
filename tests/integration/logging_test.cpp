// Leveled diagnostics (qtls/log.h): every handshake message at trace on
// both sides, the negotiated parameters at info, the alert and its cause at
// error; nothing above the configured level reaches the callback, and no
// secret ever appears in a log line.
#include <gtest/gtest.h>

#include <mutex>

#include "msg/describe.h"
#include "msg/msg.h"
#include "qtls/log.h"
#include "qtls/record.h"
#include "support/connection_pump.h"
#include "support/engine_harness.h"
#include "support/test_pki.h"

namespace qtls::test {
namespace {

struct Line {
    LogLevel level;
    std::string component;
    std::string message;
};

// Collects log lines in memory.
struct Capture {
    std::vector<Line> lines;
    std::shared_ptr<const Logger> logger(LogLevel level) {
        auto l = std::make_shared<Logger>();
        l->level = level;
        l->callback = [this](LogLevel lv, std::string_view c, std::string_view m) {
            lines.push_back({lv, std::string(c), std::string(m)});
        };
        return l;
    }
    bool has(std::string_view component, std::string_view needle) const {
        for (const auto& l : lines)
            if (l.component == component && l.message.find(needle) != std::string::npos) return true;
        return false;
    }
    std::string all() const {
        std::string s;
        for (const auto& l : lines) s += std::string(to_string(l.level)) + " " + l.component + ": " + l.message + "\n";
        return s;
    }
};

std::string hex(ByteView b) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (auto c : b) {
        s += digits[c >> 4];
        s += digits[c & 15];
    }
    return s;
}

struct Pair {
    std::shared_ptr<ClientConfig> client = std::make_shared<ClientConfig>();
    std::shared_ptr<ServerConfig> server = std::make_shared<ServerConfig>();
    std::unique_ptr<Engine> c, s;
    Pair() {
        client->verifier = test_pki().verifier();
        client->alpn = {"h2"};
        server->alpn = {"h2"};
        server->cert_resolver = single_cert_resolver(test_pki().leaf(KeyType::ecdsa_p256));
        server->ticketer = rotating_ticketer();
    }
    PumpResult run(const std::string& name = "localhost") {
        ClientOptions options;
        options.server_name = name;
        c = Engine::client(client, options).value();
        s = Engine::server(server, ServerOptions{}).value();
        return pump(*c, *s);
    }
};

TEST(Logging, TraceShowsEveryHandshakeMessageOnBothSides) {
    Capture cap;
    Pair p;
    p.client->logger = cap.logger(LogLevel::trace);
    p.server->logger = p.client->logger;
    auto r = p.run();
    ASSERT_TRUE(r.ok);
    SCOPED_TRACE(cap.all());
    EXPECT_TRUE(cap.has("client", "sent initial: ClientHello"));
    EXPECT_TRUE(cap.has("client", "sni=\"localhost\""));
    EXPECT_TRUE(cap.has("client", "alpn=[\"h2\"]"));
    EXPECT_TRUE(cap.has("client", "key_shares=[X25519]"));
    EXPECT_TRUE(cap.has("server", "received initial: ClientHello"));
    EXPECT_TRUE(cap.has("server", "sent initial: ServerHello"));
    EXPECT_TRUE(cap.has("client", "received initial: ServerHello"));
    EXPECT_TRUE(cap.has("client", "group=X25519"));
    EXPECT_TRUE(cap.has("client", "received handshake: EncryptedExtensions"));
    EXPECT_TRUE(cap.has("client", "alpn=\"h2\""));
    EXPECT_TRUE(cap.has("client", "Certificate len="));
    EXPECT_TRUE(cap.has("client", "chain=1 leaf=\""));
    EXPECT_TRUE(cap.has("client", "CertificateVerify len="));
    EXPECT_TRUE(cap.has("client", "scheme=ecdsa_secp256r1_sha256"));
    EXPECT_TRUE(cap.has("client", "sent handshake: Finished"));
    EXPECT_TRUE(cap.has("server", "received handshake: Finished"));
    EXPECT_TRUE(cap.has("server", "sent application: NewSessionTicket"));
    EXPECT_TRUE(cap.has("server", "lifetime=7200s"));
    EXPECT_TRUE(cap.has("client", "write keys ready for epoch handshake"));
    EXPECT_TRUE(cap.has("client", "handshake complete: suite="));
    EXPECT_TRUE(cap.has("server", "handshake complete: suite="));
}

TEST(Logging, NoSecretReachesTheLog) {
    Capture cap;
    auto keylog = std::make_shared<MemoryKeyLog>();
    Pair p;
    p.client->logger = cap.logger(LogLevel::trace);
    p.client->keylog = keylog;
    p.server->logger = p.client->logger;
    auto r = p.run();
    ASSERT_TRUE(r.ok);
    ASSERT_FALSE(keylog->lines.empty());
    const std::string text = cap.all();
    for (const auto& [label, secret] : keylog->lines) {
        // Neither as hex nor as raw bytes (a prefix is enough to leak).
        const std::string h = hex(ByteView(secret).first(8));
        EXPECT_EQ(text.find(h), std::string::npos) << label;
        const std::string raw(secret.begin(), secret.begin() + 8);
        EXPECT_EQ(text.find(raw), std::string::npos) << label;
    }
}

TEST(Logging, LevelsAboveTheConfiguredOneAreNeverFormatted) {
    Capture cap;
    Pair p;
    p.client->logger = cap.logger(LogLevel::info);
    p.server->logger = p.client->logger;
    ASSERT_TRUE(p.run().ok);
    ASSERT_FALSE(cap.lines.empty());
    for (const auto& l : cap.lines) EXPECT_LE(l.level, LogLevel::info) << l.message;

    Capture off;
    Pair q;
    q.client->logger = off.logger(LogLevel::off);
    q.server->logger = q.client->logger;
    ASSERT_TRUE(q.run().ok);
    EXPECT_TRUE(off.lines.empty());
}

TEST(Logging, FailedHandshakeNamesTheLocalAlertAndItsCause) {
    Capture cap;
    Pair p;
    p.client->logger = cap.logger(LogLevel::error);
    auto r = p.run("wrong.example");
    ASSERT_FALSE(r.ok);
    SCOPED_TRACE(cap.all());
    ASSERT_EQ(cap.lines.size(), 1u);
    EXPECT_EQ(cap.lines[0].level, LogLevel::error);
    EXPECT_EQ(cap.lines[0].component, "client");
    EXPECT_EQ(cap.lines[0].message.rfind("handshake failed: local alert bad_certificate (", 0), 0u);
}

// The record layer sees the peer's alert, not the engine: it must log it
// through the same per-config logger, not only through the default one.
TEST(Logging, RecordLayerLogsPeerAlertsThroughTheConfigLogger) {
    Capture config_cap, default_cap;
    set_default_logger(default_cap.logger(LogLevel::trace));
    Pair p;
    p.server->logger = config_cap.logger(LogLevel::error);
    p.client->logger = std::make_shared<Logger>();  // silent: the client's own failure is not under test
    ClientOptions options;
    options.server_name = "wrong.example";  // the client refuses the certificate
    auto client = record::Connection::client(p.client, options);
    auto server = record::Connection::server(p.server);
    ASSERT_TRUE(client && server);
    test::pump(*client, *server);
    set_default_logger(nullptr);
    SCOPED_TRACE(config_cap.all());
    EXPECT_TRUE(config_cap.has("record", "handshake failed: peer sent alert bad_certificate"));
    EXPECT_FALSE(default_cap.has("record", "peer sent alert")) << default_cap.all();
}

TEST(Logging, DefaultLoggerServesConfigsWithoutOne) {
    Capture cap;
    set_default_logger(cap.logger(LogLevel::info));
    Pair p;
    auto r = p.run();
    set_default_logger(nullptr);
    ASSERT_TRUE(r.ok);
    EXPECT_TRUE(cap.has("client", "handshake complete"));
    EXPECT_TRUE(cap.has("server", "handshake complete"));
}

TEST(Logging, LevelNamesParse) {
    EXPECT_EQ(parse_log_level("TRACE"), LogLevel::trace);
    EXPECT_EQ(parse_log_level("warning"), LogLevel::warn);
    EXPECT_EQ(parse_log_level("off"), LogLevel::off);
    EXPECT_FALSE(parse_log_level("verbose").has_value());
    for (LogLevel l : {LogLevel::error, LogLevel::warn, LogLevel::info, LogLevel::debug, LogLevel::trace})
        EXPECT_EQ(parse_log_level(to_string(l)), l);
}

TEST(Logging, DescribeIsBoundedAndSurvivesMalformedInput) {
    // A ClientHello body cut short, an unknown type, and trailing bytes.
    Bytes framed = {1, 0, 0, 3, 3, 3, 0, 99, 0, 0, 0, 2, 0};
    std::string d = msg::describe_messages(framed);
    EXPECT_NE(d.find("ClientHello len=3 malformed:"), std::string::npos) << d;
    EXPECT_NE(d.find("type 99 len=0"), std::string::npos) << d;
    EXPECT_NE(d.find("2 trailing bytes"), std::string::npos) << d;
    // An ALPN name with control characters and quotes is escaped.
    msg::EncryptedExtensions ee;
    ee.extensions.push_back({static_cast<std::uint16_t>(msg::ExtensionType::alpn),
                             msg::encode_alpn_server(std::string("a\"\n\x01z", 5))});
    Bytes enc = ee.encode();
    d = msg::describe_messages(enc);
    EXPECT_NE(d.find("alpn=\"a\\x22\\x0a\\x01z\""), std::string::npos) << d;
}

}  // namespace
}  // namespace qtls::test
