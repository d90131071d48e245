// Post-handshake client authentication (RFC 8446 §4.6.2): a server asks
// for a certificate after the handshake, the client answers with
// Certificate, CertificateVerify and Finished over the post-handshake
// transcript. Record-layer pairs show the whole exchange (also after a
// KeyUpdate and repeated); engine-level cases feed crafted messages for the
// errors §4.6.2 and §4.4.2.4 name; QUIC never offers or accepts it
// (RFC 9001 §4.4).
#include <gtest/gtest.h>

#include <string>

#include "msg/msg.h"
#include "qtls/certs.h"
#include "qtls/record.h"
#include "support/connection_pump.h"
#include "support/engine_harness.h"
#include "support/test_pki.h"

namespace qtls::test {
namespace {

ClientOptions tcp_client_options() {
    ClientOptions o;
    o.server_name = "localhost";
    return o;
}

struct Configs {
    std::shared_ptr<ClientConfig> client = std::make_shared<ClientConfig>();
    std::shared_ptr<ServerConfig> server = std::make_shared<ServerConfig>();

    Configs() {
        client->verifier = test_pki().verifier();
        client->post_handshake_auth = true;
        client->client_certificate = test_pki().client();
        server->cert_resolver = single_cert_resolver(test_pki().leaf(KeyType::ecdsa_p256));
        // No client authentication during the handshake: only afterwards.
        server->client_verifier = test_pki().verifier(true);
    }
};

// ---- record::Connection pairs ----

struct RecordPair {
    record::Connection client;
    record::Connection server;

    static RecordPair make(const Configs& c) {
        auto cl = record::Connection::client(c.client, tcp_client_options());
        auto sv = record::Connection::server(c.server);
        EXPECT_TRUE(cl.ok() && sv.ok());
        RecordPair p{std::move(cl).value(), std::move(sv).value()};
        pump(p.client, p.server);
        EXPECT_TRUE(p.client.handshake_complete() && p.server.handshake_complete());
        return p;
    }
};

std::string read_all(record::Connection& c) {
    std::string out;
    std::uint8_t buf[4096];
    while (c.plaintext_available() > 0) {
        auto n = c.read(buf);
        if (!n.ok() || *n == 0) break;
        out.append(reinterpret_cast<const char*>(buf), *n);
    }
    return out;
}

void expect_data_flows(RecordPair& p) {
    ASSERT_TRUE(p.client.write(as_bytes("ping")).ok());
    ASSERT_TRUE(p.server.write(as_bytes("pong")).ok());
    pump(p.client, p.server);
    EXPECT_EQ(read_all(p.server), "ping");
    EXPECT_EQ(read_all(p.client), "pong");
}

std::string subject(const Negotiated& n) {
    return n.peer_certificates.empty() ? "" : certificate_subject(n.peer_certificates.front());
}

TEST(PostHandshakeAuth, ServerObtainsTheClientCertificateAfterTheHandshake) {
    Configs c;
    auto p = RecordPair::make(c);
    EXPECT_TRUE(p.server.negotiated().post_handshake_auth);
    EXPECT_TRUE(p.server.negotiated().peer_certificates.empty());
    EXPECT_FALSE(p.server.negotiated().client_authenticated);

    ASSERT_TRUE(p.server.request_client_certificate(true).ok());
    pump(p.client, p.server);
    const Negotiated& s = p.server.negotiated();
    EXPECT_EQ(s.post_handshake_auths, 1u);
    EXPECT_TRUE(s.client_authenticated);
    EXPECT_EQ(s.peer_certificates.front(), test_pki().client()->chain.front()) << subject(s);
    EXPECT_EQ(s.peer_signature_scheme, SignatureScheme::ecdsa_secp256r1_sha256);
    EXPECT_EQ(p.client.negotiated().post_handshake_auths, 1u);
    EXPECT_TRUE(p.client.negotiated().client_authenticated);
    expect_data_flows(p);
}

TEST(PostHandshakeAuth, RepeatsAndFollowsKeyUpdates) {
    Configs c;
    auto p = RecordPair::make(c);
    // §4.4: the Finished key comes from client_application_traffic_secret_N,
    // so each round must use the secret in force after the KeyUpdates.
    for (std::uint32_t round = 1; round <= 3; ++round) {
        ASSERT_TRUE(p.client.key_update(true).ok());
        pump(p.client, p.server);
        ASSERT_TRUE(p.server.request_client_certificate(true).ok()) << round;
        pump(p.client, p.server);
        EXPECT_EQ(p.server.negotiated().post_handshake_auths, round);
        EXPECT_EQ(p.client.negotiated().post_handshake_auths, round);
    }
    EXPECT_EQ(p.server.close_state(), record::CloseState::open);
    expect_data_flows(p);
}

TEST(PostHandshakeAuth, RequiredButNoCertificateIsCertificateRequired) {
    Configs c;
    c.client->client_certificate = nullptr;
    auto p = RecordPair::make(c);
    ASSERT_TRUE(p.server.request_client_certificate(true).ok());
    pump(p.client, p.server);
    ASSERT_TRUE(p.server.error().has_value());
    EXPECT_EQ(p.server.error()->alert, Alert::certificate_required);
    EXPECT_EQ(p.client.peer_alert(), Alert::certificate_required);
}

TEST(PostHandshakeAuth, OptionalAndNoCertificateContinues) {
    Configs c;
    c.client->client_certificate = nullptr;
    auto p = RecordPair::make(c);
    ASSERT_TRUE(p.server.request_client_certificate(false).ok());
    pump(p.client, p.server);
    EXPECT_EQ(p.server.negotiated().post_handshake_auths, 1u);
    EXPECT_FALSE(p.server.negotiated().client_authenticated);
    EXPECT_TRUE(p.server.negotiated().peer_certificates.empty());
    expect_data_flows(p);
}

TEST(PostHandshakeAuth, ClientThatDidNotOfferIsNotAsked) {
    Configs c;
    c.client->post_handshake_auth = false;
    auto p = RecordPair::make(c);
    EXPECT_FALSE(p.server.negotiated().post_handshake_auth);
    auto s = p.server.request_client_certificate(true);
    ASSERT_FALSE(s.ok());
    EXPECT_FALSE(p.server.wants_write());
    expect_data_flows(p);  // the refusal does not harm the connection
}

TEST(PostHandshakeAuth, OneRequestAtATimeAndNeverBeforeTheHandshake) {
    Configs c;
    auto cl = record::Connection::client(c.client, tcp_client_options());
    auto sv = record::Connection::server(c.server);
    ASSERT_TRUE(cl.ok() && sv.ok());
    EXPECT_FALSE(sv->request_client_certificate(true).ok());
    pump(*cl, *sv);
    ASSERT_TRUE(sv->request_client_certificate(true).ok());
    EXPECT_FALSE(sv->request_client_certificate(true).ok());
    pump(*cl, *sv);
    EXPECT_EQ(sv->negotiated().post_handshake_auths, 1u);
    EXPECT_TRUE(sv->request_client_certificate(true).ok());
}

TEST(PostHandshakeAuth, ClientCannotRequest) {
    Configs c;
    auto p = RecordPair::make(c);
    EXPECT_FALSE(p.client.request_client_certificate(true).ok());
    expect_data_flows(p);
}

// ---- engine level: crafted messages ----

struct EnginePair {
    std::unique_ptr<Engine> client;
    std::unique_ptr<Engine> server;

    static EnginePair make(const Configs& c, ClientOptions co = tcp_client_options(), ServerOptions so = {}) {
        EnginePair p;
        p.client = std::move(Engine::client(c.client, co)).value();
        p.server = std::move(Engine::server(c.server, so)).value();
        EXPECT_TRUE(pump(*p.client, *p.server).ok);
        return p;
    }
};

// Everything the engine emitted at the application epoch since the last call,
// and the alert it queued, if any.
struct Emitted {
    Bytes application;
    std::optional<AlertToSend> alert;
};
Emitted take(Engine& e) {
    Collected c;
    drain(e, c);
    return {c.bytes[Epoch::application], c.alert};
}

Bytes certificate_request(Bytes context) {
    msg::CertificateRequest cr;
    cr.context = std::move(context);
    cr.extensions.push_back({static_cast<std::uint16_t>(msg::ExtensionType::signature_algorithms),
                             msg::encode_signature_algorithms({0x0403})});
    return cr.encode();
}

TEST(PostHandshakeAuthEngine, RequestWithoutTheExtensionIsUnexpectedMessage) {
    Configs c;
    c.client->post_handshake_auth = false;
    auto p = EnginePair::make(c);
    auto s = p.client->provide(Epoch::application, certificate_request(Bytes(32, 7)));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().alert, Alert::unexpected_message);
}

TEST(PostHandshakeAuthEngine, EmptyContextAfterTheHandshakeIsIllegalParameter) {
    Configs c;
    auto p = EnginePair::make(c);
    auto s = p.client->provide(Epoch::application, certificate_request({}));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().alert, Alert::illegal_parameter);
}

TEST(PostHandshakeAuthEngine, ClientEchoesTheContextAndSignsTheExchange) {
    Configs c;
    auto p = EnginePair::make(c);
    ASSERT_TRUE(p.server->request_client_certificate(true).ok());
    Bytes request = take(*p.server).application;
    ASSERT_TRUE(p.client->provide(Epoch::application, request).ok());
    Bytes answer = take(*p.client).application;
    // Certificate(context = the request's), CertificateVerify, Finished.
    msg::MessageAssembler a;
    ASSERT_TRUE(a.append(answer).ok());
    msg::RawMessage m;
    std::vector<msg::HandshakeType> types;
    Bytes echoed;
    for (;;) {
        auto more = a.next(m);
        ASSERT_TRUE(more.ok());
        if (!*more) break;
        types.push_back(m.type);
        if (m.type == msg::HandshakeType::certificate) echoed = msg::Certificate::decode(m.body).value().context;
    }
    EXPECT_EQ(types, (std::vector<msg::HandshakeType>{msg::HandshakeType::certificate,
                                                       msg::HandshakeType::certificate_verify,
                                                       msg::HandshakeType::finished}));
    EXPECT_EQ(echoed, msg::CertificateRequest::decode(ByteView(request).subspan(4)).value().context);
    EXPECT_EQ(echoed.size(), 32u);
    ASSERT_TRUE(p.server->provide(Epoch::application, answer).ok());
    EXPECT_EQ(p.server->negotiated().post_handshake_auths, 1u);
}

TEST(PostHandshakeAuthEngine, WrongContextIsIllegalParameter) {
    Configs c;
    auto p = EnginePair::make(c);
    ASSERT_TRUE(p.server->request_client_certificate(true).ok());
    (void)take(*p.server);
    msg::Certificate cert;
    cert.context = Bytes(32, 1);
    cert.entries.push_back({test_pki().client()->chain.front(), {}});
    auto s = p.server->provide(Epoch::application, cert.encode());
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().alert, Alert::illegal_parameter);
}

TEST(PostHandshakeAuthEngine, TamperedFinishedIsDecryptError) {
    Configs c;
    auto p = EnginePair::make(c);
    ASSERT_TRUE(p.server->request_client_certificate(true).ok());
    ASSERT_TRUE(p.client->provide(Epoch::application, take(*p.server).application).ok());
    Bytes answer = take(*p.client).application;
    answer.back() ^= 1;
    auto s = p.server->provide(Epoch::application, answer);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().alert, Alert::decrypt_error);
    EXPECT_EQ(p.server->negotiated().post_handshake_auths, 0u);
}

TEST(PostHandshakeAuthEngine, CertificateWithoutARequestIsUnexpectedMessage) {
    Configs c;
    auto p = EnginePair::make(c);
    msg::Certificate cert;
    cert.context = Bytes(32, 1);
    auto s = p.server->provide(Epoch::application, cert.encode());
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().alert, Alert::unexpected_message);
}

TEST(PostHandshakeAuthEngine, QuicNeverOffersOrRequests) {
    Configs c;
    c.client->alpn = {"h3"};
    c.server->alpn = {"h3"};
    ClientOptions co = tcp_client_options();
    co.transport = Transport::quic;
    co.quic_transport_parameters = {1};
    ServerOptions so;
    so.transport = Transport::quic;
    so.quic_transport_parameters = {2};
    auto p = EnginePair::make(c, co, so);
    EXPECT_FALSE(p.client->negotiated().post_handshake_auth);
    EXPECT_FALSE(p.server->negotiated().post_handshake_auth);
    EXPECT_FALSE(p.server->request_client_certificate(true).ok());
    // A CertificateRequest reaching a QUIC client is unexpected (§4.6.2: not offered).
    auto s = p.client->provide(Epoch::application, certificate_request(Bytes(32, 7)));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().alert, Alert::unexpected_message);
}

}  // namespace
}  // namespace qtls::test
