// Chain and name verification against the test PKI, the alert each failure
// maps to (RFC 8446 §6.2), and the leaf helpers.
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <string>

#include "crypto/libcrypto_ptr.h"
#include "qtls/certs.h"
#include "support/test_pki.h"
#include "x509/decode.h"
#include "x509/spki.h"

namespace qtls {
namespace {

using test::KeyType;
using test::test_pki;

constexpr std::int64_t kDay = 24 * 60 * 60;

Status verify_server(const CertifiedKey& ck, std::string_view name) {
    auto v = test_pki().verifier();
    return v->verify(ck.chain, name);
}

std::shared_ptr<CertVerifier> must_build(const X509VerifierOptions& options) {
    auto v = x509_verifier(options);
    EXPECT_TRUE(v) << v.error().what;
    return v ? std::move(v).value() : nullptr;
}

void expect_alert(const Status& st, Alert alert) {
    ASSERT_FALSE(st) << "verification unexpectedly succeeded";
    EXPECT_EQ(st.error().alert, alert) << to_string(st.error().alert) << ": " << st.error().what;
}

class X509VerifyByType : public ::testing::TestWithParam<KeyType> {};

TEST_P(X509VerifyByType, GoodChainVerifiesForEveryName) {
    const auto ck = test_pki().leaf(GetParam());
    for (std::string_view name : {"localhost", "example.com", "EXAMPLE.com", "127.0.0.1", "::1", "[::1]"}) {
        Status st = verify_server(*ck, name);
        EXPECT_TRUE(st) << name << ": " << st.error().what;
    }
}

INSTANTIATE_TEST_SUITE_P(AllKeyTypes, X509VerifyByType, ::testing::ValuesIn(test::kAllKeyTypes),
                         [](const auto& info) { return std::string(test::key_type_name(info.param)); });

TEST(X509Verifier, WrongHostIsBadCertificate) {
    Status st = verify_server(*test_pki().wrong_host(), "localhost");
    expect_alert(st, Alert::bad_certificate);
    EXPECT_EQ(st.error().what, std::string_view("certificate does not match the server name"));
    EXPECT_TRUE(verify_server(*test_pki().wrong_host(), "wrong.example"));
    const auto good = test_pki().leaf(KeyType::ecdsa_p256);
    expect_alert(verify_server(*good, "other.example"), Alert::bad_certificate);
    expect_alert(verify_server(*good, "sub.example.com"), Alert::bad_certificate);
    expect_alert(verify_server(*good, "127.0.0.2"), Alert::bad_certificate);
    expect_alert(verify_server(*good, "::2"), Alert::bad_certificate);
}

// An IP literal matches iPAddress entries only, never a DNS name spelled like one.
TEST(X509Verifier, IpLiteralNeedsIpSan) {
    const auto ip_as_dns = test_pki().issue_custom(KeyType::ecdsa_p256, "DNS:127.0.0.1", "127.0.0.1");
    expect_alert(verify_server(*ip_as_dns.certified, "127.0.0.1"), Alert::bad_certificate);
}

// RFC 6125 §6.4.3: "*.example.org" covers one label, and partial wildcards are refused.
TEST(X509Verifier, Wildcards) {
    const auto wild = test_pki().issue_custom(KeyType::ecdsa_p256, "DNS:*.example.org", "wild");
    EXPECT_TRUE(verify_server(*wild.certified, "www.example.org"));
    expect_alert(verify_server(*wild.certified, "example.org"), Alert::bad_certificate);
    expect_alert(verify_server(*wild.certified, "a.b.example.org"), Alert::bad_certificate);
    const auto partial = test_pki().issue_custom(KeyType::ecdsa_p256, "DNS:w*.example.org", "partial");
    expect_alert(verify_server(*partial.certified, "www.example.org"), Alert::bad_certificate);
}

TEST(X509Verifier, UntrustedCaIsUnknownCa) {
    expect_alert(verify_server(*test_pki().untrusted(), "localhost"), Alert::unknown_ca);
}

TEST(X509Verifier, SelfSignedLeafIsUnknownCa) {
    // The untrusted CA's own certificate: self-signed and not in the store.
    auto chain = load_certificate_chain(as_bytes(test_pki().untrusted_ca_pem()));
    ASSERT_TRUE(chain);
    expect_alert(test_pki().verifier()->verify(*chain, ""), Alert::unknown_ca);
}

TEST(X509Verifier, ExpiredIsCertificateExpired) {
    expect_alert(verify_server(*test_pki().expired(), "localhost"), Alert::certificate_expired);
}

TEST(X509Verifier, FixedTime) {
    X509VerifierOptions options;
    options.ca_file = test_pki().ca_file();
    const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
    const auto good = test_pki().leaf(KeyType::ecdsa_p256);

    options.fixed_time = now + 2 * 365 * kDay;  // after the leaf's notAfter
    expect_alert(must_build(options)->verify(good->chain, "localhost"), Alert::certificate_expired);
    options.fixed_time = now - 10 * kDay;  // before its notBefore: not yet valid
    expect_alert(must_build(options)->verify(good->chain, "localhost"), Alert::certificate_expired);
    // The expired leaf was valid ten days ago (the CA since a year ago).
    Status st = must_build(options)->verify(test_pki().expired()->chain, "localhost");
    EXPECT_TRUE(st) << st.error().what;
}

TEST(X509Verifier, MalformedDerIsBadCertificate) {
    auto v = test_pki().verifier();
    const Bytes& good = test_pki().leaf(KeyType::ecdsa_p256)->chain[0];
    std::vector<Bytes> garbage = {Bytes{0x30, 0x03, 0x02, 0x01, 0x01}};
    expect_alert(v->verify(garbage, "localhost"), Alert::bad_certificate);
    std::vector<Bytes> truncated = {Bytes(good.begin(), good.end() - 1)};
    expect_alert(v->verify(truncated, "localhost"), Alert::bad_certificate);
    std::vector<Bytes> trailing = {good};
    trailing[0].push_back(0);
    expect_alert(v->verify(trailing, "localhost"), Alert::bad_certificate);
    std::vector<Bytes> bad_second = {good, Bytes{1, 2, 3}};
    expect_alert(v->verify(bad_second, "localhost"), Alert::bad_certificate);
    expect_alert(v->verify({}, "localhost"), Alert::bad_certificate);
}

TEST(X509Verifier, TamperedSignatureIsBadCertificate) {
    Bytes cert = test_pki().leaf(KeyType::ecdsa_p256)->chain[0];
    cert[cert.size() - 5] ^= 0x01;  // inside the ECDSA signature value
    std::vector<Bytes> chain = {cert};
    const Status st = test_pki().verifier()->verify(chain, "localhost");
    ASSERT_FALSE(st);
    // Either the signature fails or the DER around it no longer parses: both bad_certificate.
    EXPECT_EQ(st.error().alert, Alert::bad_certificate) << st.error().what;
}

// Extra certificates (here the root itself) only help path building.
TEST(X509Verifier, ExtraCertificatesInChainAreFine) {
    std::vector<Bytes> chain = test_pki().leaf(KeyType::rsa_2048)->chain;
    chain.push_back(test_pki().ca_der());
    EXPECT_TRUE(test_pki().verifier()->verify(chain, "localhost"));
    // Presenting the untrusted CA does not make its leaf trusted.
    std::vector<Bytes> untrusted = test_pki().untrusted()->chain;
    auto ca = load_certificate_chain(as_bytes(test_pki().untrusted_ca_pem()));
    untrusted.push_back((*ca)[0]);
    expect_alert(test_pki().verifier()->verify(untrusted, "localhost"), Alert::unknown_ca);
}

// RFC 5280 §4.2.1.12: a serverAuth-only leaf is no client certificate and vice versa.
TEST(X509Verifier, ClientCertificatesUseClientAuthPurpose) {
    auto client_verifier = test_pki().verifier(true);
    Status st = client_verifier->verify(test_pki().client()->chain, "");
    EXPECT_TRUE(st) << st.error().what;
    expect_alert(client_verifier->verify(test_pki().leaf(KeyType::ecdsa_p256)->chain, ""),
                 Alert::unsupported_certificate);
    expect_alert(test_pki().verifier()->verify(test_pki().client()->chain, ""), Alert::unsupported_certificate);
}

TEST(X509Verifier, Options) {
    EXPECT_FALSE(x509_verifier(X509VerifierOptions{}));
    X509VerifierOptions missing;
    missing.ca_file = "/nonexistent/qtls/ca.pem";
    EXPECT_FALSE(x509_verifier(missing));

    X509VerifierOptions system;
    system.system_roots = true;
    auto v = x509_verifier(system);
    ASSERT_TRUE(v) << v.error().what;
    // The test CA is in no system store.
    expect_alert((*v)->verify(test_pki().leaf(KeyType::ecdsa_p256)->chain, "localhost"), Alert::unknown_ca);
}

// Root stores (bundle, hashed directory, system): x509_trust_store_test.cpp.

TEST(X509CertInfo, PublicKeyIsTheLeafSpki) {
    const auto& issued = test_pki().issued(KeyType::ecdsa_p384);
    auto spki = certificate_public_key(issued.certified->chain[0]);
    ASSERT_TRUE(spki);
    crypto::BioPtr bio(BIO_new_mem_buf(issued.key_pem.data(), static_cast<int>(issued.key_pem.size())));
    crypto::PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    unsigned char* der = nullptr;
    const int len = i2d_PUBKEY(key.get(), &der);
    ASSERT_GT(len, 0);
    EXPECT_EQ(*spki, Bytes(der, der + len));
    OPENSSL_free(der);

    auto bad = certificate_public_key(Bytes{0x30, 0x00});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().alert, Alert::bad_certificate);
}

TEST(X509CertInfo, SubjectAndNames) {
    const Bytes& leaf = test_pki().leaf(KeyType::ecdsa_p256)->chain[0];
    EXPECT_EQ(certificate_subject(leaf), "CN=localhost, O=qtls test");
    EXPECT_EQ(certificate_subject(test_pki().ca_der()), "CN=qtls test CA, O=qtls test");
    EXPECT_EQ(certificate_dns_names(leaf), (std::vector<std::string>{"localhost", "example.com"}));
    // No subjectAltName: the CN stands in (RFC 6125 §6.4.4).
    EXPECT_EQ(certificate_dns_names(test_pki().client()->chain[0]), std::vector<std::string>{"qtls test client"});
    EXPECT_EQ(certificate_subject(Bytes{1, 2, 3}), "");
    EXPECT_TRUE(certificate_dns_names(Bytes{1, 2, 3}).empty());
}

TEST(X509TestPki, WriteToDir) {
    char dir[] = "/tmp/qtls-pki-dir-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    const std::string ca = test_pki().write_to_dir(dir);
    ASSERT_EQ(ca, std::string(dir) + "/ca.pem");
    struct stat st {};
    ASSERT_EQ(::stat((std::string(dir) + "/rsa_pss_2048.key").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    auto ck = load_certified_key(std::string(dir) + "/rsa_pss_2048.pem", std::string(dir) + "/rsa_pss_2048.key");
    ASSERT_TRUE(ck) << ck.error().what;
    X509VerifierOptions options;
    options.ca_file = ca;
    EXPECT_TRUE(must_build(options)->verify((*ck)->chain, "localhost"));

    for (const char* stem : {"ecdsa_p256", "ecdsa_p384", "rsa_2048", "rsa_pss_2048", "ed25519", "rsa_4096", "client",
                             "expired", "wrong_host", "untrusted"}) {
        ::unlink((std::string(dir) + "/" + stem + ".pem").c_str());
        ::unlink((std::string(dir) + "/" + stem + ".key").c_str());
    }
    ::unlink(ca.c_str());
    ::unlink((std::string(dir) + "/untrusted_ca.pem").c_str());
    EXPECT_EQ(::rmdir(dir), 0);
}

}  // namespace
}  // namespace qtls

namespace qtls::test {
namespace {

// The fast SubjectPublicKeyInfo lookup agrees with libcrypto's re-encoding
// for every key type, and refuses truncated certificates.
TEST(X509Spki, MatchesLibcryptoForEveryKeyType) {
    for (KeyType type : kAllKeyTypes) {
        const Bytes& der = test_pki().leaf(type)->chain.front();
        auto fast = x509::find_subject_public_key_info(der);
        ASSERT_TRUE(fast) << key_type_name(type);
        crypto::X509Ptr cert = x509::decode_certificate(der);
        ASSERT_TRUE(cert);
        unsigned char* out = nullptr;
        int len = i2d_PUBKEY(X509_get0_pubkey(cert.get()), &out);
        ASSERT_GT(len, 0);
        EXPECT_EQ(Bytes(fast->begin(), fast->end()), Bytes(out, out + len)) << key_type_name(type);
        OPENSSL_free(out);
        for (std::size_t cut : {std::size_t{0}, std::size_t{1}, std::size_t{10}, der.size() / 2})
            EXPECT_FALSE(x509::find_subject_public_key_info(ByteView(der).first(cut)).has_value());
    }
}

}  // namespace
}  // namespace qtls::test
