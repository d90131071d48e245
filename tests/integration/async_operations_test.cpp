// Asynchronous operations (qtls/async.h): every suspension point, over TCP
// (record::Connection) and QUIC (quic::Session), between two qtls
// endpoints in memory. The answer arrives only after unrelated calls that
// must not disturb the suspended side (pumping more bytes, process(),
// negotiated(), handshake_complete(), the exporter, a resume() with a wrong
// id and one with an answer of the wrong type); then the handshake
// completes and data flows. An error answer ends in the alert the
// synchronous path would send, and an answer with nothing pending is an
// error.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "qtls/config_builder.h"
#include "qtls/quic.h"
#include "qtls/record.h"
#include "support/connection_pump.h"
#include "support/engine_harness.h"
#include "support/test_pki.h"

namespace qtls {
namespace {

using test::KeyType;
using test::test_pki;

// QUIC CRYPTO data is handed over in pieces this small, so the rest of a
// flight arrives through provide() while the receiver is suspended.
constexpr std::size_t kQuicChunk = 48;
constexpr int kMaxPumpRounds = 50;
const Bytes kClientTp = {0x01, 0x02, 0x03};
const Bytes kServerTp = {0x04, 0x05, 0x06};

ClientOptions localhost_options();

// The two endpoints, whatever carries their bytes.
class Pair {
public:
    virtual ~Pair() = default;
    virtual Status create(std::shared_ptr<const ClientConfig> c, std::shared_ptr<const ServerConfig> s) = 0;
    // Moves bytes both ways until neither side has anything to send.
    virtual void pump() = 0;
    virtual const std::optional<OperationPending>& pending(Side side) const = 0;
    virtual Status resume(Side side, std::uint64_t id, OperationAnswer answer) = 0;
    // TCP: process() on a side with nothing new (must be ok while suspended).
    virtual Status poke(Side side) = 0;
    virtual bool complete(Side side) const = 0;
    virtual const Negotiated& negotiated(Side side) const = 0;
    virtual Status exporter(Side side, MutableByteView out) const = 0;
    // The alert a side raised itself, if it failed.
    virtual std::optional<Alert> local_alert(Side side) const = 0;
    // The alert a side received (TCP only; QUIC carries it in CONNECTION_CLOSE).
    virtual std::optional<Alert> received_alert(Side side) const = 0;
    // Application data both ways (TCP) or matching exporters (QUIC).
    virtual void expect_data_flows() = 0;
};

class TcpPair final : public Pair {
public:
    Status create(std::shared_ptr<const ClientConfig> c, std::shared_ptr<const ServerConfig> s) override {
        auto client = record::Connection::client(std::move(c), localhost_options());
        if (!client) return client.error();
        auto server = record::Connection::server(std::move(s));
        if (!server) return server.error();
        client_.emplace(std::move(client).value());
        server_.emplace(std::move(server).value());
        return {};
    }
    void pump() override { test::pump(*client_, *server_); }
    const std::optional<OperationPending>& pending(Side side) const override { return conn(side).pending_operation(); }
    Status resume(Side side, std::uint64_t id, OperationAnswer answer) override {
        return conn(side).resume(id, std::move(answer));
    }
    Status poke(Side side) override { return conn(side).process(); }
    bool complete(Side side) const override { return conn(side).handshake_complete(); }
    const Negotiated& negotiated(Side side) const override { return conn(side).negotiated(); }
    Status exporter(Side side, MutableByteView out) const override {
        return conn(side).export_keying_material("EXPORTER-test", {}, out);
    }
    std::optional<Alert> local_alert(Side side) const override {
        const auto& c = conn(side);
        if (c.close_state() != record::CloseState::failed || c.peer_alert() || !c.error()) return std::nullopt;
        return c.error()->alert;
    }
    std::optional<Alert> received_alert(Side side) const override { return conn(side).peer_alert(); }
    void expect_data_flows() override {
        send_and_read(*client_, *server_, "ping from the client");
        send_and_read(*server_, *client_, "pong from the server");
    }
    record::Connection& conn(Side side) { return side == Side::client ? *client_ : *server_; }
    const record::Connection& conn(Side side) const { return side == Side::client ? *client_ : *server_; }

private:
    void send_and_read(record::Connection& from, record::Connection& to, const std::string& text) {
        auto n = from.write(as_bytes(text));
        ASSERT_TRUE(n.ok());
        ASSERT_EQ(*n, text.size());
        pump();
        std::string got(text.size(), '\0');
        auto r = to.read(MutableByteView(reinterpret_cast<std::uint8_t*>(got.data()), got.size()));
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(got.substr(0, *r), text);
    }
    std::optional<record::Connection> client_, server_;
};

class QuicPair final : public Pair {
public:
    Status create(std::shared_ptr<const ClientConfig> c, std::shared_ptr<const ServerConfig> s) override {
        auto client = quic::Session::client(std::move(c), {"localhost", kClientTp});
        if (!client) return client.error();
        auto server = quic::Session::server(std::move(s), {kServerTp, {}});
        if (!server) return server.error();
        client_ = std::move(client).value();
        server_ = std::move(server).value();
        return client_->start();
    }
    void pump() override {
        for (int i = 0; i < kMaxPumpRounds; ++i) {
            const bool a = transfer(*client_, *server_);
            const bool b = transfer(*server_, *client_);
            if (!a && !b) return;
        }
        ADD_FAILURE() << "QUIC pump did not settle";
    }
    const std::optional<OperationPending>& pending(Side side) const override {
        return session(side).pending_operation();
    }
    Status resume(Side side, std::uint64_t id, OperationAnswer answer) override {
        return session(side).resume(id, std::move(answer));
    }
    // Nothing new at a level the engine reads (empty CRYPTO data).
    Status poke(Side side) override { return session(side).provide_crypto_data(quic::Level::initial, {}); }
    bool complete(Side side) const override { return session(side).handshake_complete(); }
    const Negotiated& negotiated(Side side) const override { return session(side).negotiated(); }
    Status exporter(Side side, MutableByteView out) const override {
        return session(side).export_keying_material("EXPORTER-test", {}, out);
    }
    std::optional<Alert> local_alert(Side side) const override { return session(side).alert(); }
    std::optional<Alert> received_alert(Side) const override { return std::nullopt; }
    void expect_data_flows() override {
        Bytes a(32), b(32);
        ASSERT_TRUE(client_->export_keying_material("EXPORTER-test", {}, a).ok());
        ASSERT_TRUE(server_->export_keying_material("EXPORTER-test", {}, b).ok());
        EXPECT_EQ(a, b);
        // 1-RTT secrets: the client's write is the server's read.
        EXPECT_TRUE(client_->has_secret(quic::Level::application, Direction::write));
        EXPECT_TRUE(server_->has_secret(quic::Level::application, Direction::read));
    }

private:
    static bool transfer(quic::Session& from, quic::Session& to) {
        bool moved = false;
        while (from.next_secret()) {
        }
        for (quic::Level level : {quic::Level::initial, quic::Level::handshake, quic::Level::application}) {
            ByteView pending = from.pending_crypto(level);
            if (pending.empty()) continue;
            Bytes data(pending.begin(), pending.end());
            from.consume(level, data.size());
            moved = true;
            for (std::size_t off = 0; off < data.size() && !to.alert(); off += kQuicChunk)
                (void)to.provide_crypto_data(level, ByteView(data).subspan(off, std::min(kQuicChunk, data.size() - off)));
        }
        return moved;
    }
    quic::Session& session(Side side) const { return side == Side::client ? *client_ : *server_; }
    std::unique_ptr<quic::Session> client_, server_;
};

// One suspension point.
struct Point {
    const char* name;
    Side side;             // who suspends
    std::size_t request;   // OperationRequest alternative expected
    std::function<void(ClientConfig&, ServerConfig&)> configure;
};

ClientOptions localhost_options() {
    ClientOptions o;
    o.server_name = "localhost";
    return o;
}

std::shared_ptr<ClientConfig> base_client() {
    auto c = std::make_shared<ClientConfig>();
    c->verifier = test_pki().verifier();
    c->alpn = {"h3"};
    return c;
}
std::shared_ptr<ServerConfig> base_server() {
    auto s = std::make_shared<ServerConfig>();
    s->cert_resolver = single_cert_resolver(test_pki().leaf(KeyType::ecdsa_p256));
    s->alpn = {"h3"};
    return s;
}
void with_client_auth(ClientConfig& c, ServerConfig& s) {
    c.client_certificate = test_pki().client();
    s.client_auth = ClientAuth::required;
    s.client_verifier = test_pki().verifier(true);
}

const Point kPoints[] = {
    {"server_select_certificate", Side::server, 1,
     [](ClientConfig&, ServerConfig& s) {
         s.deferred.select_certificate = true;
         s.cert_resolver = nullptr;  // allowed with the selection deferred
     }},
    // Asked once, for the second ClientHello (RFC 8446 §4.1.4).
    {"server_select_after_hello_retry", Side::server, 1,
     [](ClientConfig&, ServerConfig& s) {
         s.deferred.select_certificate = true;
         s.force_hello_retry = true;
     }},
    {"server_sign", Side::server, 0, [](ClientConfig&, ServerConfig& s) { s.deferred.sign = true; }},
    {"server_select_then_sign", Side::server, 1,
     [](ClientConfig&, ServerConfig& s) { s.deferred.select_certificate = s.deferred.sign = true; }},
    {"server_verify_client", Side::server, 2,
     [](ClientConfig& c, ServerConfig& s) {
         with_client_auth(c, s);
         s.deferred.verify_peer = true;
         s.client_verifier = nullptr;
     }},
    {"client_verify_server", Side::client, 2,
     [](ClientConfig& c, ServerConfig&) {
         c.deferred.verify_peer = true;
         c.verifier = nullptr;
     }},
    {"client_sign", Side::client, 0,
     [](ClientConfig& c, ServerConfig& s) {
         with_client_auth(c, s);
         c.deferred.sign = true;
     }},
};

// The answer the synchronous path would have produced.
OperationAnswer correct_answer(const OperationRequest& request) {
    if (const auto* sign = std::get_if<SignRequest>(&request))
        return SignAnswer{sign->certificate->key->sign(sign->scheme, sign->input)};
    if (std::holds_alternative<CertificateSelectionRequest>(request))
        return CertificateSelectionAnswer{test_pki().leaf(KeyType::ecdsa_p256)};
    const auto& verify = std::get<VerificationRequest>(request);
    auto verifier = test_pki().verifier(verify.peer_name.empty());
    return VerificationAnswer{verifier->verify_stapled(verify.chain, verify.peer_name, verify.stapled)};
}
OperationAnswer wrong_type_answer(const OperationRequest& request) {
    if (std::holds_alternative<SignRequest>(request)) return VerificationAnswer{};
    return SignAnswer{Bytes{1, 2, 3}};
}
// An error answer and the alert it must end in.
std::pair<OperationAnswer, Alert> failing_answer(const OperationRequest& request) {
    if (std::holds_alternative<SignRequest>(request))
        return {SignAnswer{Error{Alert::internal_error, "test: the signing service is unavailable"}},
                Alert::internal_error};
    if (std::holds_alternative<CertificateSelectionRequest>(request))
        return {CertificateSelectionAnswer{nullptr}, Alert::handshake_failure};
    return {VerificationAnswer{Error{Alert::unknown_ca, "test: the verification service rejects it"}}, Alert::unknown_ca};
}

Side other(Side s) { return s == Side::client ? Side::server : Side::client; }

void check_request(const Point& p, const OperationRequest& request) {
    ASSERT_EQ(request.index(), p.request);
    if (const auto* sign = std::get_if<SignRequest>(&request)) {
        ASSERT_TRUE(sign->certificate);
        // RFC 8446 §4.4.3: 64 spaces, then the context string.
        ASSERT_GT(sign->input.size(), 64u);
        EXPECT_EQ(sign->input[0], 0x20);
        const std::string context = p.side == Side::server ? "TLS 1.3, server CertificateVerify"
                                                           : "TLS 1.3, client CertificateVerify";
        EXPECT_EQ(std::string(sign->input.begin() + 64, sign->input.begin() + 64 + context.size()), context);
    } else if (const auto* select = std::get_if<CertificateSelectionRequest>(&request)) {
        EXPECT_EQ(select->server_name, "localhost");
        EXPECT_FALSE(select->signature_schemes.empty());
        EXPECT_EQ(select->alpn, std::vector<std::string>{"h3"});
    } else {
        const auto& verify = std::get<VerificationRequest>(request);
        EXPECT_EQ(verify.chain.size(), 1u);
        EXPECT_EQ(verify.peer_name, p.side == Side::client ? "localhost" : "");
    }
}

std::unique_ptr<Pair> make_pair(bool quic) {
    if (quic) return std::make_unique<QuicPair>();
    return std::make_unique<TcpPair>();
}

class AsyncOperations : public ::testing::TestWithParam<std::tuple<int, bool>> {
protected:
    const Point& point() const { return kPoints[std::get<0>(GetParam())]; }
    bool quic() const { return std::get<1>(GetParam()); }

    std::unique_ptr<Pair> start() {
        auto c = base_client();
        auto s = base_server();
        point().configure(*c, *s);
        auto pair = make_pair(quic());
        Status st = pair->create(c, s);
        EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().what);
        if (!st.ok()) return nullptr;
        pair->pump();
        return pair;
    }
};

TEST_P(AsyncOperations, AnswerAfterUnrelatedCallsCompletesTheHandshake) {
    const Point& p = point();
    auto pair = start();
    ASSERT_TRUE(pair);
    const Side s = p.side;
    int answered = 0;
    // A point may be followed by another (select, then sign): answer each.
    while (pair->pending(s)) {
        const OperationPending op = *pair->pending(s);
        if (answered == 0) check_request(p, op.request);
        ASSERT_FALSE(pair->pending(other(s)));

        // Unrelated calls: nothing moves, nothing fails.
        pair->pump();
        EXPECT_TRUE(pair->poke(s).ok());
        pair->pump();
        EXPECT_FALSE(pair->complete(s));
        // A client whose Finished is out is complete while the server still
        // verifies its certificate (RFC 8446 §4.4.4).
        if (!(s == Side::server && p.request == 2)) {
            EXPECT_FALSE(pair->complete(other(s)));
        }
        (void)pair->negotiated(s).alpn;
        Bytes ekm(16);
        EXPECT_FALSE(pair->exporter(s, ekm).ok());
        ASSERT_TRUE(pair->pending(s));
        EXPECT_EQ(pair->pending(s)->id, op.id);

        // Misuse is an error that changes nothing.
        EXPECT_FALSE(pair->resume(s, op.id + 1, correct_answer(op.request)).ok());
        EXPECT_FALSE(pair->resume(s, op.id, wrong_type_answer(op.request)).ok());
        EXPECT_FALSE(pair->local_alert(s));
        ASSERT_TRUE(pair->pending(s));

        Status st = pair->resume(s, op.id, correct_answer(op.request));
        ASSERT_TRUE(st.ok()) << st.error().what;
        ++answered;
        // An answer twice: nothing is pending under that id any more.
        if (!pair->pending(s)) {
            EXPECT_FALSE(pair->resume(s, op.id, correct_answer(op.request)).ok());
        }
        pair->pump();
    }
    EXPECT_EQ(answered, std::string(p.name) == "server_select_then_sign" ? 2 : 1);
    ASSERT_TRUE(pair->complete(Side::client));
    ASSERT_TRUE(pair->complete(Side::server));
    EXPECT_FALSE(pair->local_alert(Side::client));
    EXPECT_FALSE(pair->local_alert(Side::server));
    EXPECT_EQ(pair->negotiated(Side::client).alpn, "h3");
    EXPECT_EQ(pair->negotiated(Side::client).hello_retry, std::string(p.name) == "server_select_after_hello_retry");
    if (p.request == 2 && s == Side::server) {
        EXPECT_TRUE(pair->negotiated(Side::server).client_authenticated);
    }
    if (p.request == 2 && s == Side::client) {
        EXPECT_EQ(pair->negotiated(Side::client).peer_certificates.size(), 1u);
    }
    pair->expect_data_flows();
    // After the handshake: nothing pending, so any answer is an error.
    EXPECT_FALSE(pair->resume(s, 1, SignAnswer{Bytes{1}}).ok());
}

TEST_P(AsyncOperations, ErrorAnswerEndsWithItsAlert) {
    const Point& p = point();
    auto pair = start();
    ASSERT_TRUE(pair);
    ASSERT_TRUE(pair->pending(p.side));
    const OperationPending op = *pair->pending(p.side);
    auto [answer, alert] = failing_answer(op.request);
    EXPECT_FALSE(pair->resume(p.side, op.id, std::move(answer)).ok());
    pair->pump();
    EXPECT_EQ(pair->local_alert(p.side), alert);
    if (!quic()) {
        EXPECT_EQ(pair->received_alert(other(p.side)), alert);
    }
    EXPECT_FALSE(pair->complete(p.side));
    // The failure is latched: a later answer cannot revive the handshake.
    EXPECT_FALSE(pair->resume(p.side, op.id, correct_answer(op.request)).ok());
}

std::string point_name(const ::testing::TestParamInfo<std::tuple<int, bool>>& info) {
    return std::string(kPoints[std::get<0>(info.param)].name) + (std::get<1>(info.param) ? "_quic" : "_tcp");
}

INSTANTIATE_TEST_SUITE_P(Points, AsyncOperations,
                         ::testing::Combine(::testing::Range(0, static_cast<int>(std::size(kPoints))),
                                            ::testing::Bool()),
                         point_name);

TEST(AsyncOperationsConfig, SelectionIsAServerStep) {
    auto c = base_client();
    c->deferred.select_certificate = true;
    EXPECT_FALSE(Engine::client(c, localhost_options()).ok());
    auto s = base_server();
    s->cert_resolver = nullptr;
    EXPECT_FALSE(Engine::server(s, ServerOptions{}).ok());
    s->deferred.select_certificate = true;
    EXPECT_TRUE(Engine::server(s, ServerOptions{}).ok());
}

TEST(AsyncOperationsConfig, BuildersAcceptDeferredSteps) {
    DeferredOperations verify;
    verify.verify_peer = true;
    EXPECT_FALSE(ClientConfigBuilder().build().ok());  // no trust at all
    EXPECT_TRUE(ClientConfigBuilder().deferred(verify).build().ok());
    DeferredOperations select;
    select.select_certificate = true;
    EXPECT_FALSE(ServerConfigBuilder().build().ok());  // no certificate at all
    EXPECT_TRUE(ServerConfigBuilder().deferred(select).build().ok());
    DeferredOperations both = select;
    both.verify_peer = true;
    EXPECT_FALSE(ServerConfigBuilder().deferred(select).client_auth(ClientAuth::required, "").build().ok());
    EXPECT_TRUE(ServerConfigBuilder().deferred(both).client_auth(ClientAuth::required, "").build().ok());
}

TEST(AsyncOperationsEngine, NothingPendingIsAnError) {
    auto s = base_server();
    s->deferred.sign = true;
    auto server = Engine::server(s, ServerOptions{});
    ASSERT_TRUE(server.ok());
    EXPECT_FALSE((*server)->resume(1, SignAnswer{Bytes{1}}).ok());
}

// At the engine: the events queued before the suspension come out, then
// OperationPending, then nothing; bytes provided meanwhile wait.
TEST(AsyncOperationsEngine, PollDrainsThenWaits) {
    auto c = base_client();
    c->deferred.verify_peer = true;
    auto s = base_server();
    auto client = Engine::client(c, localhost_options());
    auto server = Engine::server(s, ServerOptions{});
    ASSERT_TRUE(client.ok() && server.ok());
    ASSERT_TRUE((*client)->start().ok());
    test::Collected hello;
    test::drain(**client, hello);
    ASSERT_TRUE((*server)->provide(Epoch::initial, hello.bytes[Epoch::initial]).ok());
    test::Collected flight;
    test::drain(**server, flight);
    ASSERT_TRUE((*client)->provide(Epoch::initial, flight.bytes[Epoch::initial]).ok());
    // The server's encrypted flight, one byte at a time: the client
    // suspends at the Certificate, the rest waits inside the engine.
    const Bytes& hs = flight.bytes[Epoch::handshake];
    for (std::uint8_t b : hs) ASSERT_TRUE((*client)->provide(Epoch::handshake, ByteView(&b, 1)).ok());
    std::optional<OperationPending> pending;
    while (auto ev = (*client)->poll()) {
        EXPECT_FALSE(pending) << "OperationPending must be the last event";
        if (auto* op = std::get_if<OperationPending>(&*ev)) pending = std::move(*op);
    }
    ASSERT_TRUE(pending);
    EXPECT_FALSE((*client)->poll());
    EXPECT_FALSE((*client)->handshake_complete());
    ASSERT_TRUE(std::holds_alternative<VerificationRequest>(pending->request));
    ASSERT_TRUE((*client)->resume(pending->id, VerificationAnswer{}).ok());
    test::Collected rest;
    test::drain(**client, rest);
    EXPECT_TRUE(rest.complete);
    EXPECT_TRUE((*client)->handshake_complete());
    ASSERT_TRUE((*server)->provide(Epoch::handshake, rest.bytes[Epoch::handshake]).ok());
    EXPECT_TRUE((*server)->handshake_complete());
}

// Input held while suspended is bounded: a peer that keeps sending while
// we wait for the application ends with unexpected_message.
TEST(AsyncOperationsEngine, HeldInputIsBounded) {
    auto c = base_client();
    c->deferred.verify_peer = true;
    auto client = Engine::client(c, localhost_options());
    auto server = Engine::server(base_server(), ServerOptions{});
    ASSERT_TRUE(client.ok() && server.ok());
    ASSERT_TRUE((*client)->start().ok());
    test::Collected hello, flight;
    test::drain(**client, hello);
    ASSERT_TRUE((*server)->provide(Epoch::initial, hello.bytes[Epoch::initial]).ok());
    test::drain(**server, flight);
    ASSERT_TRUE((*client)->provide(Epoch::initial, flight.bytes[Epoch::initial]).ok());
    ASSERT_TRUE((*client)->provide(Epoch::handshake, flight.bytes[Epoch::handshake]).ok());
    const Bytes flood(kDefaultMaxHandshakeMessageSize, 0x17);
    Status st;
    for (int i = 0; i < 8 && st.ok(); ++i) st = (*client)->provide(Epoch::handshake, flood);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().alert, Alert::unexpected_message);
    EXPECT_FALSE((*client)->resume(1, VerificationAnswer{}).ok());
}

// RFC 8446 §2.2: a resumed handshake has no certificate, so the server
// asks for one only on the first connection.
TEST(AsyncOperationsResumption, ResumedHandshakeSelectsNoCertificate) {
    auto c = base_client();
    c->session_store = memory_session_store();
    auto s = base_server();
    s->cert_resolver = nullptr;
    s->deferred.select_certificate = true;
    s->ticketer = rotating_ticketer();
    for (int connection = 0; connection < 2; ++connection) {
        TcpPair pair;
        ASSERT_TRUE(pair.create(c, s).ok());
        pair.pump();
        if (connection == 0) {
            ASSERT_TRUE(pair.pending(Side::server));
            const auto op = *pair.pending(Side::server);
            ASSERT_TRUE(pair.resume(Side::server, op.id, correct_answer(op.request)).ok());
            pair.pump();
            pair.expect_data_flows();  // the ticket arrives with the data
        }
        EXPECT_FALSE(pair.pending(Side::server)) << connection;
        ASSERT_TRUE(pair.complete(Side::client) && pair.complete(Side::server)) << connection;
        EXPECT_EQ(pair.negotiated(Side::client).resumed, connection == 1);
    }
}

// RFC 8446 §4.6.2 over TCP: the client's signature and the server's
// verification of the answer, each deferred.
TEST(AsyncOperationsPostHandshake, DeferredSignAndVerify) {
    auto c = base_client();
    c->post_handshake_auth = true;
    c->client_certificate = test_pki().client();
    c->deferred.sign = true;
    auto s = base_server();
    s->client_verifier = test_pki().verifier(true);
    s->deferred.verify_peer = true;
    TcpPair pair;
    ASSERT_TRUE(pair.create(c, s).ok());
    pair.pump();
    ASSERT_TRUE(pair.complete(Side::client) && pair.complete(Side::server));
    ASSERT_TRUE(pair.conn(Side::server).request_client_certificate(true).ok());
    pair.pump();
    ASSERT_TRUE(pair.pending(Side::client));
    auto op = *pair.pending(Side::client);
    ASSERT_TRUE(std::holds_alternative<SignRequest>(op.request));
    pair.pump();
    EXPECT_EQ(pair.negotiated(Side::client).post_handshake_auths, 0u);
    ASSERT_TRUE(pair.resume(Side::client, op.id, correct_answer(op.request)).ok());
    pair.pump();
    ASSERT_TRUE(pair.pending(Side::server));
    op = *pair.pending(Side::server);
    ASSERT_TRUE(std::holds_alternative<VerificationRequest>(op.request));
    EXPECT_FALSE(pair.resume(Side::server, op.id, SignAnswer{Bytes{}}).ok());
    ASSERT_TRUE(pair.resume(Side::server, op.id, correct_answer(op.request)).ok());
    pair.pump();
    EXPECT_EQ(pair.negotiated(Side::server).post_handshake_auths, 1u);
    EXPECT_TRUE(pair.negotiated(Side::server).client_authenticated);
    pair.expect_data_flows();
}

}  // namespace
}  // namespace qtls
