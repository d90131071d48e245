// Server certificate selection: by SNI (exact, then one-label wildcard) and
// by the client's signature_algorithms (RFC 8446 §4.4.2.2).
#include <gtest/gtest.h>

#include "qtls/certs.h"
#include "support/test_pki.h"

namespace qtls {
namespace {

using test::KeyType;
using test::test_pki;
using SS = SignatureScheme;

std::shared_ptr<const CertifiedKey> pick(SniCertResolver& r, std::string_view sni,
                                         std::vector<SS> schemes = {SS::ecdsa_secp256r1_sha256,
                                                                    SS::rsa_pss_rsae_sha256, SS::ed25519}) {
    ClientHelloInfo hello;
    hello.server_name = sni;
    hello.signature_schemes = schemes;
    return r.resolve(hello);
}

class X509SniResolverTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(r.add(p256));   // localhost, example.com
        ASSERT_TRUE(r.add(wrong));  // wrong.example
        ASSERT_TRUE(r.add(wild));   // *.wild.example
        ASSERT_TRUE(r.add(rsa));    // localhost, example.com
    }

    std::shared_ptr<const CertifiedKey> p256 = test_pki().leaf(KeyType::ecdsa_p256);
    std::shared_ptr<const CertifiedKey> rsa = test_pki().leaf(KeyType::rsa_2048);
    std::shared_ptr<const CertifiedKey> wrong = test_pki().wrong_host();
    std::shared_ptr<const CertifiedKey> wild =
        test_pki().issue_custom(KeyType::ecdsa_p256, "DNS:*.wild.example", "wild").certified;
    SniCertResolver r;
};

TEST_F(X509SniResolverTest, ExactNameCaseInsensitive) {
    EXPECT_EQ(pick(r, "wrong.example"), wrong);
    EXPECT_EQ(pick(r, "WRONG.Example"), wrong);
    EXPECT_EQ(pick(r, "wrong.example."), wrong);  // absolute form
}

TEST_F(X509SniResolverTest, WildcardCoversExactlyOneLabel) {
    EXPECT_EQ(pick(r, "a.wild.example"), wild);
    EXPECT_EQ(pick(r, "A.WILD.EXAMPLE"), wild);
    // Neither the bare domain nor two labels: falls back to the first added.
    EXPECT_EQ(pick(r, "wild.example"), p256);
    EXPECT_EQ(pick(r, "a.b.wild.example"), p256);
}

TEST_F(X509SniResolverTest, ExactBeatsWildcard) {
    auto exact = test_pki().issue_custom(KeyType::ecdsa_p256, "DNS:x.wild.example", "x").certified;
    ASSERT_TRUE(r.add(exact));
    EXPECT_EQ(pick(r, "x.wild.example"), exact);
    EXPECT_EQ(pick(r, "y.wild.example"), wild);
}

TEST_F(X509SniResolverTest, SignatureSchemesBreakTies) {
    EXPECT_EQ(pick(r, "localhost", {SS::rsa_pss_rsae_sha256}), rsa);
    EXPECT_EQ(pick(r, "localhost", {SS::ecdsa_secp256r1_sha256}), p256);
    EXPECT_EQ(pick(r, "example.com", {SS::rsa_pss_rsae_sha512, SS::ecdsa_secp256r1_sha256}), p256);  // first usable
    // Nothing usable: the name still decides (the handshake fails cleanly later).
    EXPECT_EQ(pick(r, "localhost", {SS::ed25519}), p256);
    EXPECT_EQ(pick(r, "wrong.example", {SS::rsa_pss_rsae_sha256}), wrong);
}

TEST_F(X509SniResolverTest, NoSniOrNoMatchUsesDefault) {
    EXPECT_EQ(pick(r, ""), p256);
    EXPECT_EQ(pick(r, "unknown.example"), p256);
    // Without an explicit default, a key that can sign for the client is preferred.
    EXPECT_EQ(pick(r, "", {SS::rsa_pss_rsae_sha256}), rsa);
    r.set_default(wrong);
    EXPECT_EQ(pick(r, ""), wrong);
    EXPECT_EQ(pick(r, "unknown.example", {SS::rsa_pss_rsae_sha256}), wrong);
    EXPECT_EQ(pick(r, "localhost"), p256);  // a name match still wins over the default
}

TEST(X509SniResolver, EmptyAndInvalid) {
    SniCertResolver r;
    EXPECT_EQ(pick(r, "localhost"), nullptr);
    EXPECT_FALSE(r.add(nullptr));
    auto no_key = std::make_shared<CertifiedKey>();
    no_key->chain = test_pki().leaf(KeyType::ecdsa_p256)->chain;
    EXPECT_FALSE(r.add(no_key));
    auto no_chain = std::make_shared<CertifiedKey>();
    no_chain->key = test_pki().leaf(KeyType::ecdsa_p256)->key;
    EXPECT_FALSE(r.add(no_chain));
    auto bad_leaf = std::make_shared<CertifiedKey>(*test_pki().leaf(KeyType::ecdsa_p256));
    bad_leaf->chain[0] = Bytes{1, 2, 3};
    EXPECT_FALSE(r.add(bad_leaf));
    EXPECT_EQ(pick(r, "localhost"), nullptr);
}

TEST(X509SingleCertResolver, AlwaysTheSameKey) {
    auto key = test_pki().leaf(KeyType::ed25519);
    auto r = single_cert_resolver(key);
    ClientHelloInfo hello;
    EXPECT_EQ(r->resolve(hello), key);
    hello.server_name = "anything.example";
    EXPECT_EQ(r->resolve(hello), key);
}

}  // namespace
}  // namespace qtls
