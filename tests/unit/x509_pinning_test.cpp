// Verification safety: SPKI SHA-256 pinning on top of the CA checks
// (RFC 7469 §2.4 pin-sha256), and the only switch that skips verification,
// qtls::dangerous::accept_any_server_certificate.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string>

#include "qtls/certs.h"
#include "qtls/config.h"
#include "qtls/dangerous.h"
#include "qtls/engine.h"
#include "support/engine_harness.h"
#include "support/test_pki.h"

namespace qtls::test {
namespace {

std::string base64(ByteView b) {
    std::string out(4 * ((b.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), b.data(), static_cast<int>(b.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

Bytes leaf_pin(KeyType type) { return certificate_spki_sha256(test_pki().leaf(type)->chain.front()).value(); }

std::shared_ptr<CertVerifier> pinned_verifier(std::vector<Bytes> pins) {
    X509VerifierOptions o;
    o.ca_file = test_pki().ca_file();
    o.spki_sha256_pins = std::move(pins);
    auto v = x509_verifier(o);
    EXPECT_TRUE(v.ok());
    return v.ok() ? *v : nullptr;
}

TEST(SpkiPin, ParsesTheBase64FormAndRejectsAnythingElse) {
    const Bytes pin = leaf_pin(KeyType::ecdsa_p256);
    const std::string text = base64(pin);
    ASSERT_EQ(text.size(), 44u);
    auto parsed = parse_spki_sha256_pin(text);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, pin);
    EXPECT_FALSE(parse_spki_sha256_pin("").ok());
    EXPECT_FALSE(parse_spki_sha256_pin(text.substr(0, 43)).ok());           // no padding
    EXPECT_FALSE(parse_spki_sha256_pin(std::string(43, '*') + "=").ok());   // not base64
    EXPECT_FALSE(parse_spki_sha256_pin(base64(Bytes(31, 7)) + "A").ok());   // 31 bytes
}

TEST(SpkiPin, MatchingLeafPinIsAccepted) {
    auto v = pinned_verifier({Bytes(32, 0), leaf_pin(KeyType::ecdsa_p256)});
    EXPECT_TRUE(v->verify(test_pki().leaf(KeyType::ecdsa_p256)->chain, "localhost").ok());
}

TEST(SpkiPin, PinOfTheTrustAnchorIsAccepted) {
    // The verified chain ends at the CA: pinning the CA key pins every leaf it issues.
    auto ca_pin = certificate_spki_sha256(test_pki().ca_der());
    ASSERT_TRUE(ca_pin.ok());
    auto v = pinned_verifier({*ca_pin});
    EXPECT_TRUE(v->verify(test_pki().leaf(KeyType::ed25519)->chain, "localhost").ok());
}

TEST(SpkiPin, MismatchIsBadCertificate) {
    auto v = pinned_verifier({leaf_pin(KeyType::ecdsa_p384)});
    auto s = v->verify(test_pki().leaf(KeyType::ecdsa_p256)->chain, "localhost");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().alert, Alert::bad_certificate);
}

TEST(SpkiPin, PinsNeverReplaceTheCaChecks) {
    // A pin matching an untrusted certificate does not make it trusted.
    auto untrusted = test_pki().untrusted();
    auto v = pinned_verifier({certificate_spki_sha256(untrusted->chain.front()).value()});
    auto s = v->verify(untrusted->chain, "localhost");
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().alert, Alert::bad_certificate);  // unknown_ca: the CA check failed first
}

TEST(SpkiPin, PinOfTheWrongSizeIsAConfigurationError) {
    X509VerifierOptions o;
    o.ca_file = test_pki().ca_file();
    o.spki_sha256_pins = {Bytes(20, 1)};
    EXPECT_FALSE(x509_verifier(o).ok());
}

TEST(SpkiPin, HandshakeWithMismatchedPinFailsWithBadCertificate) {
    auto client = std::make_shared<ClientConfig>();
    client->verifier = pinned_verifier({leaf_pin(KeyType::rsa_2048)});
    auto server = std::make_shared<ServerConfig>();
    server->cert_resolver = single_cert_resolver(test_pki().leaf(KeyType::ecdsa_p256));
    ClientOptions options;
    options.server_name = "localhost";
    auto c = Engine::client(client, options).value();
    auto s = Engine::server(server, ServerOptions{}).value();
    auto r = pump(*c, *s);
    ASSERT_FALSE(r.ok);
    ASSERT_TRUE(r.client.alert.has_value());
    EXPECT_EQ(r.client.alert->alert, Alert::bad_certificate);
}

TEST(VerificationSafety, ClientConfigWithoutVerifierIsRejected) {
    auto client = std::make_shared<ClientConfig>();
    EXPECT_FALSE(validate(*client).ok());
    ClientOptions options;
    options.server_name = "localhost";
    EXPECT_FALSE(Engine::client(client, options).ok());
}

TEST(VerificationSafety, DangerousVerifierAcceptsAnyChainButAnEmptyOne) {
    auto v = dangerous::accept_any_server_certificate();
    EXPECT_TRUE(v->verify(test_pki().untrusted()->chain, "localhost").ok());
    EXPECT_TRUE(v->verify(test_pki().wrong_host()->chain, "localhost").ok());
    EXPECT_FALSE(v->verify({}, "localhost").ok());
}

}  // namespace
}  // namespace qtls::test
