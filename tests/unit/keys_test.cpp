// Private key loading in every supported encoding, the TLS 1.3 schemes each
// key offers, and signatures checked independently with libcrypto.
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "crypto/libcrypto_ptr.h"
#include "qtls/certs.h"
#include "qtls/provider.h"
#include "support/temp_dir.h"
#include "support/test_pki.h"

namespace qtls {
namespace {

using crypto::BioPtr;
using crypto::PkeyCtxPtr;
using crypto::PkeyPtr;
using test::KeyType;
using test::test_pki;
using SS = SignatureScheme;

constexpr std::string_view kEncryptedMessage =
    "the private key is encrypted and qtls takes no passphrase; decrypt it first (openssl pkey -in KEY -out KEY.plain)";

std::vector<SS> expected_schemes(KeyType t) {
    switch (t) {
        case KeyType::ecdsa_p256: return {SS::ecdsa_secp256r1_sha256};
        case KeyType::ecdsa_p384: return {SS::ecdsa_secp384r1_sha384};
        case KeyType::rsa_2048:
        case KeyType::rsa_4096: return {SS::rsa_pss_rsae_sha256, SS::rsa_pss_rsae_sha384, SS::rsa_pss_rsae_sha512};
        case KeyType::rsa_pss_2048: return {SS::rsa_pss_pss_sha256, SS::rsa_pss_pss_sha384, SS::rsa_pss_pss_sha512};
        case KeyType::ed25519: return {SS::ed25519};
    }
    return {};
}

PkeyPtr parse_pem_key(const std::string& pem) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    return PkeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

Bytes bio_bytes(BIO* bio) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return Bytes(data, data + n);
}

// The "traditional" encodings: PKCS#1 RSAPrivateKey (RFC 8017 §A.1.2) and
// SEC1 ECPrivateKey (RFC 5915 §3), optionally with OpenSSL's legacy PEM encryption.
Bytes traditional_pem(EVP_PKEY* key, const EVP_CIPHER* cipher = nullptr) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    unsigned char pass[] = "secret";
    EXPECT_EQ(PEM_write_bio_PrivateKey_traditional(bio.get(), key, cipher, cipher ? pass : nullptr,
                                                   cipher ? 6 : 0, nullptr, nullptr),
              1);
    return bio_bytes(bio.get());
}

Bytes traditional_der(EVP_PKEY* key) {
    unsigned char* der = nullptr;
    const int len = i2d_PrivateKey(key, &der);
    EXPECT_GT(len, 0);
    Bytes out(der, der + len);
    OPENSSL_free(der);
    return out;
}

Bytes pkcs8_der(EVP_PKEY* key, const EVP_CIPHER* cipher = nullptr) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    char pass[] = "secret";
    EXPECT_EQ(i2d_PKCS8PrivateKey_bio(bio.get(), key, cipher, cipher ? pass : nullptr, cipher ? 6 : 0, nullptr,
                                      nullptr),
              1);
    return bio_bytes(bio.get());
}

Bytes encrypted_pkcs8_pem(EVP_PKEY* key) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    char pass[] = "secret";
    EXPECT_EQ(PEM_write_bio_PKCS8PrivateKey(bio.get(), key, EVP_aes_256_cbc(), pass, 6, nullptr, nullptr), 1);
    return bio_bytes(bio.get());
}

PkeyPtr keygen(const char* alg, int rsa_bits = 0, const EVP_MD* pss_md = nullptr, const char* curve = nullptr,
               const EVP_MD* pss_mgf1_md = nullptr) {
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, alg, nullptr));
    EVP_PKEY* key = nullptr;
    EXPECT_EQ(EVP_PKEY_keygen_init(ctx.get()), 1);
    if (rsa_bits) {
        EXPECT_EQ(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), rsa_bits), 1);
    }
    if (pss_md) {
        EXPECT_EQ(EVP_PKEY_CTX_set_rsa_pss_keygen_md(ctx.get(), pss_md), 1);
    }
    if (pss_mgf1_md) {
        EXPECT_EQ(EVP_PKEY_CTX_set_rsa_pss_keygen_mgf1_md(ctx.get(), pss_mgf1_md), 1);
    }
    if (curve) {
        EXPECT_EQ(EVP_PKEY_CTX_set_group_name(ctx.get(), curve), 1);
    }
    EXPECT_EQ(EVP_PKEY_generate(ctx.get(), &key), 1);
    return PkeyPtr(key);
}

std::string pkcs8_pem(EVP_PKEY* key) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    EXPECT_EQ(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr), 1);
    Bytes b = bio_bytes(bio.get());
    return std::string(b.begin(), b.end());
}

// Independent check of a TLS 1.3 signature with libcrypto (RFC 8446 §4.2.3):
// PSS salt must be exactly the digest length, MGF1 with the same digest.
bool evp_verify(SS scheme, ByteView spki, ByteView message, ByteView sig) {
    const unsigned char* p = spki.data();
    PkeyPtr pub(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())));
    if (!pub) return false;
    const EVP_MD* md = nullptr;
    bool pss = false;
    switch (scheme) {
        case SS::ecdsa_secp256r1_sha256: md = EVP_sha256(); break;
        case SS::ecdsa_secp384r1_sha384: md = EVP_sha384(); break;
        case SS::ecdsa_secp521r1_sha512: md = EVP_sha512(); break;
        case SS::rsa_pss_rsae_sha256: case SS::rsa_pss_pss_sha256: md = EVP_sha256(), pss = true; break;
        case SS::rsa_pss_rsae_sha384: case SS::rsa_pss_pss_sha384: md = EVP_sha384(), pss = true; break;
        case SS::rsa_pss_rsae_sha512: case SS::rsa_pss_pss_sha512: md = EVP_sha512(), pss = true; break;
        case SS::ed25519: break;
        default: return false;
    }
    crypto::MdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    if (EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, pub.get()) != 1) return false;
    if (pss && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
                EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
                EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) != 1))
        return false;
    const bool ok = EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), message.data(), message.size()) == 1;
    ERR_clear_error();
    return ok;
}

class KeysByType : public ::testing::TestWithParam<KeyType> {};

TEST_P(KeysByType, Pkcs8PemLoadsWithExpectedSchemes) {
    auto signer = load_private_key(as_bytes(test_pki().issued(GetParam()).key_pem));
    ASSERT_TRUE(signer) << signer.error().what;
    EXPECT_EQ((*signer)->schemes(), expected_schemes(GetParam()));
}

TEST_P(KeysByType, Pkcs8DerLoads) {
    PkeyPtr key = parse_pem_key(test_pki().issued(GetParam()).key_pem);
    ASSERT_TRUE(key);
    auto signer = load_private_key(pkcs8_der(key.get()));
    ASSERT_TRUE(signer) << signer.error().what;
    EXPECT_EQ((*signer)->schemes(), expected_schemes(GetParam()));
}

TEST_P(KeysByType, EncryptedPkcs8Refused) {
    PkeyPtr key = parse_pem_key(test_pki().issued(GetParam()).key_pem);
    ASSERT_TRUE(key);
    auto pem = load_private_key(encrypted_pkcs8_pem(key.get()));
    ASSERT_FALSE(pem);
    EXPECT_EQ(pem.error().what, kEncryptedMessage);
    auto der = load_private_key(pkcs8_der(key.get(), EVP_aes_256_cbc()));
    ASSERT_FALSE(der);
    EXPECT_EQ(der.error().what, kEncryptedMessage);
}

// Every scheme the key claims produces a signature libcrypto accepts with the
// certificate's public key, and only those schemes are accepted.
TEST_P(KeysByType, SignVerifyRoundTripEveryScheme) {
    auto ck = test_pki().leaf(GetParam());
    auto spki = certificate_public_key(ck->chain[0]);
    ASSERT_TRUE(spki) << spki.error().what;
    // Shaped like a CertificateVerify input (RFC 8446 §4.4.3).
    std::string content(64, ' ');
    content += "TLS 1.3, server CertificateVerify";
    content.push_back('\0');
    content += std::string(32, '\x5a');
    const ByteView message = as_bytes(content);
    ProviderPtr provider = openssl_provider();
    for (SS scheme : ck->key->schemes()) {
        SCOPED_TRACE(std::string(to_string(scheme)));
        auto sig = ck->key->sign(scheme, message);
        ASSERT_TRUE(sig) << sig.error().what;
        EXPECT_TRUE(evp_verify(scheme, *spki, message, *sig));
        Bytes tampered = *sig;
        tampered[tampered.size() / 2] ^= 1;
        EXPECT_FALSE(evp_verify(scheme, *spki, message, tampered));
        if (provider) {
            Status st = provider->verify_signature(scheme, *spki, message, *sig);
            EXPECT_TRUE(st) << st.error().what;
            EXPECT_FALSE(provider->verify_signature(scheme, *spki, message, tampered));
        }
    }
}

TEST_P(KeysByType, SchemeTheKeyCannotDoIsRefused) {
    auto ck = test_pki().leaf(GetParam());
    const std::vector<SS> mine = ck->key->schemes();
    for (SS scheme : {SS::ecdsa_secp256r1_sha256, SS::ecdsa_secp384r1_sha384, SS::rsa_pss_rsae_sha256,
                      SS::rsa_pss_pss_sha256, SS::ed25519, SS::rsa_pkcs1_sha256}) {
        if (std::find(mine.begin(), mine.end(), scheme) != mine.end()) continue;
        auto sig = ck->key->sign(scheme, as_bytes("hello"));
        ASSERT_FALSE(sig) << to_string(scheme);
        EXPECT_EQ(sig.error().alert, Alert::internal_error);
    }
}

INSTANTIATE_TEST_SUITE_P(AllKeyTypes, KeysByType, ::testing::ValuesIn(test::kAllKeyTypes),
                         [](const auto& info) { return std::string(test::key_type_name(info.param)); });

TEST(Keys, Pkcs1RsaPemAndDer) {
    PkeyPtr key = parse_pem_key(test_pki().issued(KeyType::rsa_2048).key_pem);
    const Bytes pem = traditional_pem(key.get());
    ASSERT_NE(std::string(pem.begin(), pem.end()).find("BEGIN RSA PRIVATE KEY"), std::string::npos);
    for (const Bytes& input : {pem, traditional_der(key.get())}) {
        auto signer = load_private_key(input);
        ASSERT_TRUE(signer) << signer.error().what;
        EXPECT_EQ((*signer)->schemes(), expected_schemes(KeyType::rsa_2048));
    }
}

TEST(Keys, Sec1EcPemAndDer) {
    for (KeyType t : {KeyType::ecdsa_p256, KeyType::ecdsa_p384}) {
        PkeyPtr key = parse_pem_key(test_pki().issued(t).key_pem);
        const Bytes pem = traditional_pem(key.get());
        ASSERT_NE(std::string(pem.begin(), pem.end()).find("BEGIN EC PRIVATE KEY"), std::string::npos);
        for (const Bytes& input : {pem, traditional_der(key.get())}) {
            auto signer = load_private_key(input);
            ASSERT_TRUE(signer) << signer.error().what;
            EXPECT_EQ((*signer)->schemes(), expected_schemes(t));
        }
    }
}

TEST(Keys, LegacyEncryptedPemRefused) {
    PkeyPtr key = parse_pem_key(test_pki().issued(KeyType::ecdsa_p256).key_pem);
    auto r = load_private_key(traditional_pem(key.get(), EVP_aes_128_cbc()));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().what, kEncryptedMessage);
}

TEST(Keys, KeyAfterCertificateInOnePem) {
    const auto& issued = test_pki().issued(KeyType::ecdsa_p256);
    auto signer = load_private_key(as_bytes(issued.cert_pem + issued.key_pem));
    ASSERT_TRUE(signer) << signer.error().what;
    EXPECT_EQ((*signer)->schemes(), expected_schemes(KeyType::ecdsa_p256));
}

TEST(Keys, GarbageAndEmptyRefused) {
    EXPECT_FALSE(load_private_key(ByteView{}));
    EXPECT_FALSE(load_private_key(as_bytes("not a key at all")));
    EXPECT_FALSE(load_private_key(as_bytes("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")));
    EXPECT_FALSE(load_private_key(as_bytes(test_pki().ca_pem())));  // a certificate, no key
    Bytes der = pkcs8_der(parse_pem_key(test_pki().issued(KeyType::ecdsa_p256).key_pem).get());
    der.push_back(0);
    EXPECT_FALSE(load_private_key(der));  // trailing byte
}

TEST(Keys, NonSigningKeyTypeRefused) {
    PkeyPtr x25519 = keygen("X25519");
    auto r = load_private_key(as_bytes(pkcs8_pem(x25519.get())));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().alert, Alert::internal_error);
}

TEST(Keys, P521) {
    PkeyPtr key = keygen("EC", 0, nullptr, "P-521");
    auto signer = load_private_key(as_bytes(pkcs8_pem(key.get())));
    ASSERT_TRUE(signer) << signer.error().what;
    EXPECT_EQ((*signer)->schemes(), std::vector<SS>{SS::ecdsa_secp521r1_sha512});
    EXPECT_TRUE((*signer)->sign(SS::ecdsa_secp521r1_sha512, as_bytes("x")));
}

// RFC 4055 §3.1 parameters bind an RSASSA-PSS key to one digest and one
// MGF1 digest; TLS 1.3 can use it only when the two agree.
TEST(Keys, RestrictedRsaPssKeyOffersItsDigestOnly) {
    PkeyPtr key = keygen("RSA-PSS", 2048, EVP_sha384(), nullptr, EVP_sha384());
    auto signer = load_private_key(as_bytes(pkcs8_pem(key.get())));
    ASSERT_TRUE(signer) << signer.error().what;
    EXPECT_EQ((*signer)->schemes(), std::vector<SS>{SS::rsa_pss_pss_sha384});
    const Bytes message = {1, 2, 3};
    auto sig = (*signer)->sign(SS::rsa_pss_pss_sha384, message);
    ASSERT_TRUE(sig) << sig.error().what;
    unsigned char* der = nullptr;
    const int len = i2d_PUBKEY(key.get(), &der);
    ASSERT_GT(len, 0);
    const Bytes spki(der, der + len);
    OPENSSL_free(der);
    EXPECT_TRUE(evp_verify(SS::rsa_pss_pss_sha384, spki, message, *sig));
}

TEST(Keys, RsaPssKeyWithSha1Mgf1IsUnusable) {
    PkeyPtr key = keygen("RSA-PSS", 2048, EVP_sha256());  // MGF1 stays at the SHA-1 default
    EXPECT_FALSE(load_private_key(as_bytes(pkcs8_pem(key.get()))));
}

// RFC 8017 §9.1.1: a 1024-bit modulus is too short for PSS with SHA-512 and a 64-byte salt.
TEST(Keys, SmallRsaKeyDropsSchemesItCannotFit) {
    PkeyPtr key = keygen("RSA", 1024);
    auto signer = load_private_key(as_bytes(pkcs8_pem(key.get())));
    ASSERT_TRUE(signer) << signer.error().what;
    EXPECT_EQ((*signer)->schemes(), (std::vector<SS>{SS::rsa_pss_rsae_sha256, SS::rsa_pss_rsae_sha384}));
}

using test::TempDir;

TEST(Keys, LoadFromFile) {
    TempDir dir;
    auto signer = load_private_key_file(dir.write("k.pem", test_pki().issued(KeyType::ed25519).key_pem));
    ASSERT_TRUE(signer) << signer.error().what;
    EXPECT_EQ((*signer)->schemes(), std::vector<SS>{SS::ed25519});
    EXPECT_FALSE(load_private_key_file("/nonexistent/qtls/key.pem"));
}

TEST(KeysCertificateChain, LeafFirstAsDer) {
    const auto& issued = test_pki().issued(KeyType::ecdsa_p384);
    // A key block in between is skipped; the order of certificates is kept.
    auto chain = load_certificate_chain(as_bytes(issued.cert_pem + issued.key_pem + test_pki().ca_pem()));
    ASSERT_TRUE(chain) << chain.error().what;
    ASSERT_EQ(chain->size(), 2u);
    EXPECT_EQ((*chain)[0], issued.certified->chain[0]);
    EXPECT_EQ((*chain)[1], test_pki().ca_der());
}

TEST(KeysCertificateChain, Errors) {
    auto none = load_certificate_chain(as_bytes(test_pki().issued(KeyType::ecdsa_p256).key_pem));
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().what, std::string_view("no certificate found in PEM input"));
    EXPECT_FALSE(load_certificate_chain(ByteView{}));
    EXPECT_FALSE(load_certificate_chain(as_bytes("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")));
    // A damaged block after a good one must not yield a silently short chain.
    EXPECT_FALSE(load_certificate_chain(
        as_bytes(test_pki().ca_pem() + "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n")));
    EXPECT_FALSE(load_certificate_chain_file("/nonexistent/qtls/chain.pem"));
}

TEST(KeysCertifiedKey, LoadsMatchingPairAndRefusesMismatch) {
    TempDir dir;
    const auto& rsa = test_pki().issued(KeyType::rsa_2048);
    const auto& ec = test_pki().issued(KeyType::ecdsa_p256);
    const std::string cert = dir.write("rsa.pem", rsa.cert_pem + test_pki().ca_pem());
    auto ck = load_certified_key(cert, dir.write("rsa.key", rsa.key_pem));
    ASSERT_TRUE(ck) << ck.error().what;
    EXPECT_EQ((*ck)->chain.size(), 2u);
    EXPECT_EQ((*ck)->chain[0], rsa.certified->chain[0]);
    EXPECT_EQ((*ck)->key->schemes(), expected_schemes(KeyType::rsa_2048));

    auto wrong = load_certified_key(cert, dir.write("ec.key", ec.key_pem));
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().what, std::string_view("private key does not match the certificate"));
    // Same algorithm, different key.
    const std::string other = dir.write("rsa4096.key", test_pki().issued(KeyType::rsa_4096).key_pem);
    EXPECT_FALSE(load_certified_key(cert, other));
}

}  // namespace
}  // namespace qtls
