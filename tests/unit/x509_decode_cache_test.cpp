// The verifier's cache of decoded certificates (src/x509/decode_cache.h):
// identical bytes share one decode, any other bytes are decoded afresh,
// malformed input is never cached, and the size stays bounded.
#include <gtest/gtest.h>

#include <vector>

#include "support/test_pki.h"
#include "x509/decode_cache.h"

namespace qtls::test {
namespace {

Bytes leaf_der(KeyType type) { return test_pki().leaf(type)->chain.front(); }

TEST(DecodedCertCache, SameBytesShareOneDecode) {
    x509::DecodedCertCache cache;
    const Bytes der = leaf_der(KeyType::ecdsa_p256);
    crypto::X509Ptr a = cache.get(der);
    crypto::X509Ptr b = cache.get(Bytes(der));  // a copy: equal bytes, other storage
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a.get(), b.get());
}

TEST(DecodedCertCache, DifferentBytesAreDecodedAfresh) {
    x509::DecodedCertCache cache;
    crypto::X509Ptr a = cache.get(leaf_der(KeyType::ecdsa_p256));
    crypto::X509Ptr b = cache.get(leaf_der(KeyType::ed25519));
    ASSERT_TRUE(a && b);
    EXPECT_NE(a.get(), b.get());
    EXPECT_NE(X509_cmp(a.get(), b.get()), 0);
}

TEST(DecodedCertCache, MalformedBytesAreRejectedEveryTime) {
    x509::DecodedCertCache cache;
    Bytes der = leaf_der(KeyType::ecdsa_p256);
    der.push_back(0);  // trailing byte: not exactly one certificate
    EXPECT_FALSE(cache.get(der));
    EXPECT_FALSE(cache.get(der));
    der.pop_back();
    EXPECT_TRUE(cache.get(der));
}

TEST(DecodedCertCache, EvictsTheLeastRecentlyUsed) {
    x509::DecodedCertCache cache;
    const Bytes recent = leaf_der(KeyType::ecdsa_p256);
    crypto::X509Ptr kept = cache.get(recent);
    ASSERT_TRUE(kept);
    // Nine other certificates for the seven remaining places, touching
    // `recent` after each so it is never the least recently used.
    std::vector<Bytes> others = {leaf_der(KeyType::ecdsa_p384), leaf_der(KeyType::rsa_2048),
                                 leaf_der(KeyType::rsa_pss_2048), leaf_der(KeyType::ed25519),
                                 leaf_der(KeyType::rsa_4096),     test_pki().client()->chain.front(),
                                 test_pki().expired()->chain.front(), test_pki().wrong_host()->chain.front(),
                                 test_pki().ca_der()};
    ASSERT_GT(others.size() + 1, x509::kDecodedCertCacheEntries);
    crypto::X509Ptr oldest = cache.get(others[0]);
    ASSERT_TRUE(oldest);
    for (std::size_t i = 1; i < others.size(); ++i) {
        ASSERT_TRUE(cache.get(others[i]));
        EXPECT_EQ(cache.get(recent).get(), kept.get());
    }
    // The first of the others fell out and is decoded again.
    crypto::X509Ptr again = cache.get(others[0]);
    ASSERT_TRUE(again);
    EXPECT_NE(again.get(), oldest.get());
    EXPECT_EQ(X509_cmp(again.get(), oldest.get()), 0);
}

}  // namespace
}  // namespace qtls::test
