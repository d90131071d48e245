// libcrypto public keys decoded once per distinct SubjectPublicKeyInfo
// (src/crypto/openssl_spki_cache.h): equal bytes share one decode, other
// bytes are decoded afresh, malformed input is never cached, and signatures
// verify through cached keys exactly as through fresh ones.
#include <gtest/gtest.h>

#include <openssl/evp.h>

#include "crypto/openssl_spki_cache.h"
#include "support/test_pki.h"

namespace qtls::test {
namespace {

Bytes spki_of(KeyType type) {
    auto spki = certificate_public_key(test_pki().leaf(type)->chain.front());
    EXPECT_TRUE(spki.ok());
    return spki.ok() ? Bytes(spki->begin(), spki->end()) : Bytes{};
}

TEST(DecodedSpkiCache, EqualBytesShareOneDecode) {
    const Bytes der = spki_of(KeyType::rsa_2048);
    crypto::PkeyPtr a = crypto::ossl::decode_spki_cached(der);
    crypto::PkeyPtr b = crypto::ossl::decode_spki_cached(Bytes(der));
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a.get(), b.get());
}

TEST(DecodedSpkiCache, OtherKeysAreDecodedAfresh) {
    crypto::PkeyPtr a = crypto::ossl::decode_spki_cached(spki_of(KeyType::rsa_2048));
    crypto::PkeyPtr b = crypto::ossl::decode_spki_cached(spki_of(KeyType::rsa_4096));
    ASSERT_TRUE(a && b);
    EXPECT_NE(a.get(), b.get());
    EXPECT_NE(EVP_PKEY_eq(a.get(), b.get()), 1);
}

TEST(DecodedSpkiCache, TrailingBytesAreRefusedEveryTime) {
    Bytes der = spki_of(KeyType::rsa_2048);
    der.push_back(0);
    EXPECT_FALSE(crypto::ossl::decode_spki_cached(der));
    EXPECT_FALSE(crypto::ossl::decode_spki_cached(der));
}

TEST(DecodedSpkiCache, StaysUsableBeyondItsCapacity) {
    // More distinct keys than entries: each still decodes to its own key.
    const Bytes first = spki_of(KeyType::rsa_2048);
    std::vector<Bytes> others;
    for (std::size_t i = 0; i < crypto::ossl::kDecodedSpkiCacheEntries + 2; ++i) {
        Bytes der = first;
        der.back() ^= static_cast<std::uint8_t>(i + 1);  // another modulus/exponent byte: maybe invalid
        others.push_back(der);
        (void)crypto::ossl::decode_spki_cached(der);
    }
    crypto::PkeyPtr again = crypto::ossl::decode_spki_cached(first);
    ASSERT_TRUE(again);
    crypto::PkeyPtr fresh = crypto::ossl::decode_spki_cached(Bytes(first));
    EXPECT_EQ(EVP_PKEY_eq(again.get(), fresh.get()), 1);
}

TEST(DecodedSpkiCache, RsaSignaturesStillVerifyAndForgeriesFail) {
    auto leaf = test_pki().leaf(KeyType::rsa_2048);
    const Bytes spki = spki_of(KeyType::rsa_2048);
    const Bytes message(130, 0x42);
    auto signature = leaf->key->sign(SignatureScheme::rsa_pss_rsae_sha256, message);
    ASSERT_TRUE(signature.ok());
    const auto& provider = *openssl_provider();
    for (int round = 0; round < 3; ++round)  // the first round decodes, later ones hit the cache
        EXPECT_TRUE(provider.verify_signature(SignatureScheme::rsa_pss_rsae_sha256, spki, message, *signature).ok());
    Bytes forged = *signature;
    forged[10] ^= 1;
    EXPECT_FALSE(provider.verify_signature(SignatureScheme::rsa_pss_rsae_sha256, spki, message, forged).ok());
}

}  // namespace
}  // namespace qtls::test
