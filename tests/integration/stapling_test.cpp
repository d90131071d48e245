// OCSP / SCT stapling (RFC 8446 §4.4.2.1, RFC 6066 §8, RFC 6962 §3.3) and
// certificate_authorities (RFC 8446 §4.2.4) between two engines in memory:
// what is asked for is stapled to the leaf and reaches
// CertVerifier::verify_stapled; what is not asked for is not sent, and an
// unsolicited staple ends the handshake with unsupported_extension.
#include <gtest/gtest.h>

#include <memory>

#include "msg/msg.h"
#include "qtls/engine.h"
#include "support/engine_harness.h"
#include "support/test_pki.h"

namespace qtls::test {
namespace {

// The real chain check, plus a record of what verify_stapled received.
class RecordingVerifier : public CertVerifier {
public:
    explicit RecordingVerifier(std::shared_ptr<CertVerifier> inner) : inner_(std::move(inner)) {}
    Status verify_stapled(std::span<const Bytes> chain, std::string_view name, const StapledResponses& s) override {
        ++calls;
        seen = s;
        return inner_->verify(chain, name);
    }
    Status verify(std::span<const Bytes> chain, std::string_view name) override {
        ADD_FAILURE() << "the engine must call verify_stapled";
        return inner_->verify(chain, name);
    }
    int calls = 0;
    StapledResponses seen;

private:
    std::shared_ptr<CertVerifier> inner_;
};

const Bytes kOcsp = {0x30, 0x03, 0x0a, 0x01, 0x00};     // any bytes: this verifier does not parse them
const Bytes kScts = {0x00, 0x04, 0x00, 0x02, 0xab, 0xcd};  // one 2-byte SCT (RFC 6962 §3.3 framing)

struct Peers {
    std::shared_ptr<ClientConfig> client = std::make_shared<ClientConfig>();
    std::shared_ptr<ServerConfig> server = std::make_shared<ServerConfig>();
    std::shared_ptr<RecordingVerifier> verifier = std::make_shared<RecordingVerifier>(test_pki().verifier());

    Peers() {
        client->verifier = verifier;
        auto key = std::make_shared<CertifiedKey>(*test_pki().leaf(KeyType::ecdsa_p256));
        key->ocsp_response = kOcsp;
        key->sct_list = kScts;
        server->cert_resolver = single_cert_resolver(key);
    }
    std::unique_ptr<Engine> client_engine() const {
        ClientOptions o;
        o.server_name = "localhost";
        return Engine::client(client, o).value();
    }
    std::unique_ptr<Engine> server_engine() const { return Engine::server(server, {}).value(); }
};

TEST(Stapling, OcspAndSctReachTheVerifierWhenRequested) {
    Peers s;
    s.client->request_ocsp_staple = true;
    s.client->request_sct = true;
    auto c = s.client_engine();
    auto v = s.server_engine();
    auto r = pump(*c, *v);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(s.verifier->calls, 1);
    EXPECT_EQ(s.verifier->seen.ocsp_response, kOcsp);
    EXPECT_EQ(s.verifier->seen.sct_list, kScts);
    EXPECT_EQ(c->negotiated().peer_stapled.ocsp_response, kOcsp);
    EXPECT_EQ(c->negotiated().peer_stapled.sct_list, kScts);
}

TEST(Stapling, NothingStapledUnlessRequested) {
    Peers s;
    auto c = s.client_engine();
    auto v = s.server_engine();
    ASSERT_TRUE(pump(*c, *v).ok);
    EXPECT_EQ(s.verifier->calls, 1);
    EXPECT_TRUE(s.verifier->seen.ocsp_response.empty());
    EXPECT_TRUE(s.verifier->seen.sct_list.empty());
}

TEST(Stapling, OnlyTheRequestedKindIsStapled) {
    Peers s;
    s.client->request_sct = true;
    auto c = s.client_engine();
    auto v = s.server_engine();
    ASSERT_TRUE(pump(*c, *v).ok);
    EXPECT_TRUE(s.verifier->seen.ocsp_response.empty());
    EXPECT_EQ(s.verifier->seen.sct_list, kScts);
}

TEST(Stapling, RequestedButNoneConfiguredStaplesNothing) {
    Peers s;
    s.client->request_ocsp_staple = true;
    s.server->cert_resolver = single_cert_resolver(test_pki().leaf(KeyType::ecdsa_p256));
    auto c = s.client_engine();
    auto v = s.server_engine();
    ASSERT_TRUE(pump(*c, *v).ok);
    EXPECT_TRUE(s.verifier->seen.ocsp_response.empty());
}

// Hands the server's first flight to the client with a status_request added
// to the leaf's CertificateEntry, although the client did not ask (§4.4.2).
TEST(Stapling, UnsolicitedStapleIsUnsupportedExtension) {
    Peers s;
    auto c = s.client_engine();
    auto v = s.server_engine();
    ASSERT_TRUE(c->start().ok());
    Collected from_client, from_server;
    drain(*c, from_client);
    ASSERT_TRUE(v->provide(Epoch::initial, from_client.bytes[Epoch::initial]).ok());
    drain(*v, from_server);
    ASSERT_TRUE(c->provide(Epoch::initial, from_server.bytes[Epoch::initial]).ok());

    // Split the handshake-epoch flight into messages and rewrite Certificate.
    const Bytes& flight = from_server.bytes[Epoch::handshake];
    Bytes rewritten;
    bool found = false;
    for (std::size_t off = 0; off + msg::kHandshakeHeaderSize <= flight.size();) {
        const std::size_t len = (std::size_t{flight[off + 1]} << 16) | (std::size_t{flight[off + 2]} << 8) | flight[off + 3];
        ByteView whole = ByteView(flight).subspan(off, msg::kHandshakeHeaderSize + len);
        if (flight[off] == static_cast<std::uint8_t>(msg::HandshakeType::certificate)) {
            auto cert = msg::Certificate::decode(whole.subspan(msg::kHandshakeHeaderSize));
            ASSERT_TRUE(cert.ok());
            cert->entries.front().extensions.push_back(
                {static_cast<std::uint16_t>(msg::ExtensionType::status_request), msg::encode_certificate_status(kOcsp)});
            Bytes enc = cert->encode();
            rewritten.insert(rewritten.end(), enc.begin(), enc.end());
            found = true;
        } else {
            rewritten.insert(rewritten.end(), whole.begin(), whole.end());
        }
        off += whole.size();
    }
    ASSERT_TRUE(found);
    (void)c->provide(Epoch::handshake, rewritten);  // fails: the alert is checked below
    Collected after;
    drain(*c, after);
    ASSERT_TRUE(after.alert.has_value());
    EXPECT_EQ(after.alert->alert, Alert::unsupported_extension);
    EXPECT_EQ(s.verifier->calls, 0);
}

TEST(CertificateAuthorities, ServerSendsItsNamesInCertificateRequest) {
    Peers s;
    auto names = load_certificate_authority_names(test_pki().ca_file());
    ASSERT_TRUE(names.ok());
    ASSERT_EQ(names->size(), 1u);
    s.server->client_auth = ClientAuth::required;
    s.server->client_verifier = test_pki().verifier(true);
    s.server->certificate_authorities = *names;
    s.client->client_certificate = test_pki().client();
    auto c = s.client_engine();
    auto v = s.server_engine();
    ASSERT_TRUE(pump(*c, *v).ok);
    EXPECT_EQ(c->negotiated().peer_certificate_authorities, *names);
    EXPECT_TRUE(v->negotiated().client_authenticated);
}

TEST(CertificateAuthorities, ClientSendsItsNamesInClientHello) {
    Peers s;
    auto names = load_certificate_authority_names(test_pki().ca_file());
    ASSERT_TRUE(names.ok());
    s.client->certificate_authorities = *names;
    auto c = s.client_engine();
    auto v = s.server_engine();
    ASSERT_TRUE(pump(*c, *v).ok);
    EXPECT_EQ(v->negotiated().peer_certificate_authorities, *names);
    EXPECT_TRUE(c->negotiated().peer_certificate_authorities.empty());
}

TEST(CertificateAuthorities, NamesFromAFileWithoutCertificatesFail) {
    EXPECT_FALSE(load_certificate_authority_names("/nonexistent/ca.pem").ok());
}

}  // namespace
}  // namespace qtls::test
