// The early exporter (RFC 8446 §7.5): client_early_exporter_master_secret
// from the PSK's early secret and the ClientHello. Client and server agree
// once a ClientHello offering 0-RTT exists, whether or not 0-RTT is then
// accepted; without an early data offer it is an error.
#include <gtest/gtest.h>

#include "qtls/record.h"
#include "support/connection_pump.h"
#include "support/engine_harness.h"
#include "support/test_pki.h"

namespace qtls::test {
namespace {

struct EarlyPair {
    std::shared_ptr<ClientConfig> client = std::make_shared<ClientConfig>();
    std::shared_ptr<ServerConfig> server = std::make_shared<ServerConfig>();
    std::shared_ptr<MemoryKeyLog> client_keys = std::make_shared<MemoryKeyLog>();
    std::shared_ptr<MemoryKeyLog> server_keys = std::make_shared<MemoryKeyLog>();
    std::unique_ptr<Engine> c;
    std::unique_ptr<Engine> s;

    EarlyPair() {
        client->verifier = test_pki().verifier();
        client->session_store = memory_session_store();
        client->enable_early_data = true;
        client->keylog = client_keys;
        server->cert_resolver = single_cert_resolver(test_pki().leaf(KeyType::ecdsa_p256));
        server->ticketer = rotating_ticketer();
        server->max_early_data = 16384;
        server->anti_replay = strike_register(64, 10000);
        server->keylog = server_keys;
    }
    PumpResult run() {
        c = std::move(Engine::client(client, {"localhost", Transport::tcp, {}})).value();
        s = std::move(Engine::server(server, {})).value();
        return pump(*c, *s);
    }
};

Bytes early_export(const Engine& e, std::string_view label, std::string_view context) {
    Bytes out(32);
    if (!e.export_early_keying_material(label, as_bytes(context), out).ok()) return {};
    return out;
}

TEST(EarlyExporter, ClientAndServerAgreeWhenZeroRttIsOffered) {
    EarlyPair p;
    ASSERT_TRUE(p.run().ok);
    auto r = p.run();
    ASSERT_TRUE(r.ok);
    ASSERT_TRUE(p.c->negotiated().early_data_accepted);
    Bytes client = early_export(*p.c, "EXPERIMENTAL early", "ctx");
    Bytes server = early_export(*p.s, "EXPERIMENTAL early", "ctx");
    ASSERT_EQ(client.size(), 32u);
    EXPECT_EQ(client, server);
    // Not the same as the ordinary exporter, and context-dependent.
    Bytes late(32);
    ASSERT_TRUE(p.c->export_keying_material("EXPERIMENTAL early", as_bytes("ctx"), late).ok());
    EXPECT_NE(client, late);
    EXPECT_NE(client, early_export(*p.c, "EXPERIMENTAL early", "other"));
    // Key-logged on both sides under the NSS label.
    ASSERT_TRUE(p.client_keys->lines.count("EARLY_EXPORTER_SECRET"));
    EXPECT_EQ(p.client_keys->lines["EARLY_EXPORTER_SECRET"], p.server_keys->lines["EARLY_EXPORTER_SECRET"]);
}

TEST(EarlyExporter, AvailableRightAfterTheClientHelloAndWhenRejected) {
    EarlyPair p;
    ASSERT_TRUE(p.run().ok);
    p.server->max_early_data = 0;  // the server will decline 0-RTT
    p.c = std::move(Engine::client(p.client, {"localhost", Transport::tcp, {}})).value();
    ASSERT_TRUE(p.c->start().ok());
    Bytes before = early_export(*p.c, "EXPERIMENTAL early", "");
    EXPECT_EQ(before.size(), 32u);  // usable before any answer (RFC 8446 §7.5)
    p.s = std::move(Engine::server(p.server, {})).value();
    Collected sent;
    drain(*p.c, sent);
    ASSERT_TRUE(p.s->provide(Epoch::initial, sent.bytes[Epoch::initial]).ok());
    EXPECT_FALSE(p.s->negotiated().early_data_accepted);
    EXPECT_EQ(early_export(*p.s, "EXPERIMENTAL early", ""), before);
}

TEST(EarlyExporter, ErrorWithoutAnEarlyDataOffer) {
    EarlyPair p;
    auto r = p.run();  // first connection: no ticket, so no 0-RTT offer
    ASSERT_TRUE(r.ok);
    Bytes out(32);
    EXPECT_FALSE(p.c->export_early_keying_material("EXPERIMENTAL early", {}, out).ok());
    EXPECT_FALSE(p.s->export_early_keying_material("EXPERIMENTAL early", {}, out).ok());
    p.client->enable_early_data = false;  // resumed, but no 0-RTT offered
    ASSERT_TRUE(p.run().ok);
    ASSERT_TRUE(p.c->negotiated().resumed);
    EXPECT_FALSE(p.c->export_early_keying_material("EXPERIMENTAL early", {}, out).ok());
    EXPECT_FALSE(p.s->export_early_keying_material("EXPERIMENTAL early", {}, out).ok());
}

TEST(EarlyExporter, RecordConnectionsPassItThrough) {
    EarlyPair p;
    auto connect = [&] {
        auto c = record::Connection::client(p.client, ClientOptions{"localhost", Transport::tcp, {}});
        auto s = record::Connection::server(p.server);
        EXPECT_TRUE(c.ok() && s.ok());
        return std::make_pair(std::move(c).value(), std::move(s).value());
    };
    {
        auto [c, s] = connect();
        test::pump(c, s);
        ASSERT_TRUE(c.handshake_complete());
        Bytes out(16);
        EXPECT_FALSE(c.export_early_keying_material("EXPERIMENTAL early", {}, out).ok());  // no ticket yet
    }
    auto [c, s] = connect();
    Bytes client(16), server(16);
    ASSERT_TRUE(c.export_early_keying_material("EXPERIMENTAL early", {}, client).ok());  // ClientHello is out
    test::pump(c, s);
    ASSERT_TRUE(s.handshake_complete());
    ASSERT_TRUE(s.export_early_keying_material("EXPERIMENTAL early", {}, server).ok());
    EXPECT_EQ(client, server);
}

}  // namespace
}  // namespace qtls::test
