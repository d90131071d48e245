// ClientConfigBuilder / ServerConfigBuilder: every problem surfaces at
// build() as an Error, and what they build completes a handshake.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "qtls/config_builder.h"
#include "qtls/engine.h"
#include "support/engine_harness.h"
#include "support/test_pki.h"

namespace qtls::test {
namespace {

// Certificate and key files for the builders, removed at the end of the test.
struct Files {
    std::string cert = std::string(QTLS_BINARY_DIR) + "/config_builder_test_leaf.pem";
    std::string key = std::string(QTLS_BINARY_DIR) + "/config_builder_test_leaf.key";
    Files() {
        const auto& issued = test_pki().issued(KeyType::ecdsa_p256);
        std::ofstream(cert) << issued.cert_pem;
        std::ofstream(key) << issued.key_pem;
    }
    ~Files() {
        std::remove(cert.c_str());
        std::remove(key.c_str());
    }
};

TEST(ConfigBuilder, BuiltConfigsCompleteAHandshake) {
    Files f;
    auto client = ClientConfigBuilder().trust_ca_file(test_pki().ca_file()).alpn({"h2"}).build();
    ASSERT_TRUE(client.ok()) << client.error().what;
    auto server = ServerConfigBuilder().certificate(f.cert, f.key).alpn({"h2"}).tickets().build();
    ASSERT_TRUE(server.ok()) << server.error().what;
    EXPECT_TRUE((*server)->ticketer);
    ClientOptions options;
    options.server_name = "localhost";
    auto c = Engine::client(*client, options).value();
    auto s = Engine::server(*server, ServerOptions{}).value();
    auto r = pump(*c, *s);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(c->negotiated().alpn, "h2");
}

TEST(ConfigBuilder, ClientWithoutTrustFails) {
    auto r = ClientConfigBuilder().alpn({"h2"}).build();
    ASSERT_FALSE(r.ok());
    EXPECT_NE(std::string(r.error().what).find("no trust anchors"), std::string::npos);
}

TEST(ConfigBuilder, VerifierAndTrustFilesAreExclusive) {
    auto r = ClientConfigBuilder().verifier(test_pki().verifier()).trust_system_roots().build();
    EXPECT_FALSE(r.ok());
}

TEST(ConfigBuilder, MalformedPinFailsAtBuild) {
    auto r = ClientConfigBuilder().trust_ca_file(test_pki().ca_file()).pin_sha256("nope").build();
    EXPECT_FALSE(r.ok());
}

TEST(ConfigBuilder, UnreadableFilesFailAtBuild) {
    EXPECT_FALSE(ClientConfigBuilder().trust_ca_file("/nonexistent/ca.pem").build().ok());
    EXPECT_FALSE(ServerConfigBuilder().certificate("/nonexistent/a.pem", "/nonexistent/a.key").build().ok());
}

TEST(ConfigBuilder, ServerNeedsACertificateAndConsistentOptions) {
    EXPECT_FALSE(ServerConfigBuilder().build().ok());
    Files f;
    EXPECT_FALSE(ServerConfigBuilder()
                     .certificate(f.cert, f.key)
                     .cert_resolver(single_cert_resolver(test_pki().leaf(KeyType::ed25519)))
                     .build()
                     .ok());
    EXPECT_FALSE(ServerConfigBuilder().certificate(f.cert, f.key).client_auth(ClientAuth::required, "").build().ok());
    EXPECT_FALSE(ServerConfigBuilder().certificate(f.cert, f.key).max_early_data(16384).build().ok());
    EXPECT_TRUE(ServerConfigBuilder().certificate(f.cert, f.key).tickets().max_early_data(16384).build().ok());
    EXPECT_FALSE(ServerConfigBuilder().certificate(f.cert, f.key).cipher_suites({}).build().ok());
}

TEST(ConfigBuilder, PskOnlyConfigsNeedNeitherTrustNorCertificate) {
    ExternalPsk psk;
    psk.identity = {'c', 'l', 'i', 'e', 'n', 't', '1'};
    const Bytes key(32, 0x42);
    psk.key = Secret(key);
    auto client = ClientConfigBuilder().external_psk(psk).build();
    ASSERT_TRUE(client.ok()) << client.error().what;
    auto server = ServerConfigBuilder().external_psks(memory_external_psk_store({psk})).build();
    ASSERT_TRUE(server.ok()) << server.error().what;
    ClientOptions options;
    options.server_name = "localhost";
    auto c = Engine::client(*client, options).value();
    auto s = Engine::server(*server, ServerOptions{}).value();
    ASSERT_TRUE(pump(*c, *s).ok);
    EXPECT_TRUE(c->negotiated().external_psk);
    EXPECT_TRUE(s->negotiated().external_psk);
}

TEST(ConfigBuilder, RawPublicKeyTrustReplacesTrustAnchors) {
    auto leaf = test_pki().leaf(KeyType::ecdsa_p256);
    auto spki = certificate_public_key(leaf->chain.front());
    ASSERT_TRUE(spki.ok());
    auto client = ClientConfigBuilder().trust_raw_public_keys({*spki}).build();
    ASSERT_TRUE(client.ok()) << client.error().what;
    ASSERT_EQ((*client)->server_certificate_types.size(), 1u);
    EXPECT_EQ((*client)->server_certificate_types.front(), CertificateType::raw_public_key);
    EXPECT_TRUE((*client)->server_raw_public_key_verifier);
    auto both = ClientConfigBuilder().trust_ca_file(test_pki().ca_file()).trust_raw_public_keys({*spki}).build();
    ASSERT_TRUE(both.ok()) << both.error().what;
    EXPECT_EQ((*both)->server_certificate_types.size(), 2u);
    EXPECT_FALSE(ClientConfigBuilder().trust_raw_public_keys({Bytes{1, 2, 3}}).build().ok());
}

TEST(ConfigBuilder, SessionCacheCompressionAndCaNames) {
    Files f;
    auto server = ServerConfigBuilder()
                      .certificate(f.cert, f.key)
                      .session_cache(64)
                      .certificate_compression({CertificateCompression::zstd})
                      .client_auth(ClientAuth::optional, test_pki().ca_file())
                      .advertise_client_ca_names()
                      .build();
    ASSERT_TRUE(server.ok()) << server.error().what;
    EXPECT_TRUE((*server)->ticketer);
    EXPECT_FALSE((*server)->certificate_authorities.empty());
    auto client = ClientConfigBuilder()
                      .trust_ca_file(test_pki().ca_file())
                      .certificate_compression({CertificateCompression::zstd})
                      .build();
    ASSERT_TRUE(client.ok()) << client.error().what;
    ClientOptions options;
    options.server_name = "localhost";
    auto c = Engine::client(*client, options).value();
    auto s = Engine::server(*server, ServerOptions{}).value();
    ASSERT_TRUE(pump(*c, *s).ok);
    EXPECT_EQ(c->negotiated().peer_certificate_compression, CertificateCompression::zstd);
    // Exclusive or incomplete combinations fail at build().
    EXPECT_FALSE(ServerConfigBuilder().certificate(f.cert, f.key).tickets().session_cache(8).build().ok());
    EXPECT_FALSE(ServerConfigBuilder().certificate(f.cert, f.key).advertise_client_ca_names().build().ok());
}

}  // namespace
}  // namespace qtls::test
