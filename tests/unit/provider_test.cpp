// Crypto providers: known-answer tests (FIPS 180-4, RFC 4231, RFC 5869, the
// GCM specification, RFC 8439, RFC 9001, RFC 7748), cross-checks between the
// libcrypto and libsodium providers on random inputs, and the failure paths
// the handshake relies on (bad tags, bad shares, bad signatures).
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "crypto/default_provider.h"
#include "qtls/provider.h"
#include "support/vectors.h"

namespace qtls {
namespace {

using test::from_hex;
using test::to_hex;

// ---- helpers ---------------------------------------------------------------

std::string hex(ByteView v) { return to_hex(v); }

Bytes random_bytes(std::mt19937& rng, std::size_t n) {
    Bytes b(n);
    for (auto& x : b) x = static_cast<std::uint8_t>(rng());
    return b;
}

struct PkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

Pkey keygen(const char* type, const char* curve = nullptr, std::size_t bits = 0) {
    if (std::string_view(type) == "RSA-PSS") {
        // EVP_PKEY_Q_keygen only takes a size for "RSA" in OpenSSL 3.0.
        EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
        EVP_PKEY* key = nullptr;
        if (ctx == nullptr || EVP_PKEY_keygen_init(ctx) != 1 ||
            EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, static_cast<int>(bits)) != 1 || EVP_PKEY_keygen(ctx, &key) != 1)
            key = nullptr;
        EVP_PKEY_CTX_free(ctx);
        return Pkey(key);
    }
    if (curve != nullptr) return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, type, curve));
    if (bits != 0) return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, type, bits));
    return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, type));
}

Bytes spki(EVP_PKEY* key) {
    unsigned char* der = nullptr;
    const int len = i2d_PUBKEY(key, &der);
    Bytes out(der, der + (len > 0 ? len : 0));
    OPENSSL_free(der);
    return out;
}

// Signs with libcrypto directly (independent of the code under test). md ==
// nullptr for Ed25519; pss selects RSASSA-PSS with salt = hash length.
Bytes sign(EVP_PKEY* key, const char* md, bool pss, ByteView msg) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX* pctx = nullptr;
    Bytes sig;
    std::size_t len = 0;
    if (EVP_DigestSignInit_ex(ctx, &pctx, md, nullptr, nullptr, key, nullptr) == 1 &&
        (!pss || (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
                  EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
                  EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, md, nullptr) == 1)) &&
        EVP_DigestSign(ctx, nullptr, &len, msg.data(), msg.size()) == 1) {
        sig.resize(len);
        if (EVP_DigestSign(ctx, sig.data(), &len, msg.data(), msg.size()) == 1) sig.resize(len);
        else sig.clear();
    }
    EVP_MD_CTX_free(ctx);
    return sig;
}

Bytes seal(AeadContext& aead, ByteView nonce, ByteView aad, ByteView pt) {
    Bytes out(pt.size() + kAeadTagLength);
    if (!aead.seal(nonce, aad, pt, out)) return {};
    return out;
}

bool open(AeadContext& aead, ByteView nonce, ByteView aad, ByteView ct, Bytes& pt) {
    if (ct.size() < kAeadTagLength) return false;
    pt.assign(ct.size() - kAeadTagLength, 0);
    return aead.open(nonce, aad, ct, pt);
}

Bytes hkdf_expand(const CryptoProvider& p, HashAlg alg, ByteView prk, ByteView info, std::size_t len) {
    Bytes out(len);
    if (!p.hkdf_expand(alg, prk, info, out)) return {};
    return out;
}

// ---- every provider (libcrypto, libsodium, the default composite) ----------

struct NamedProvider {
    const char* name;
    ProviderPtr (*make)();
};

class AnyProvider : public ::testing::TestWithParam<NamedProvider> {
protected:
    void SetUp() override {
        p_ = GetParam().make();
        ASSERT_NE(p_, nullptr);
    }
    bool is_sodium() const { return p_->name() == "libsodium"; }
    ProviderPtr p_;
};

INSTANTIATE_TEST_SUITE_P(Providers, AnyProvider,
                         ::testing::Values(NamedProvider{"openssl", &openssl_provider},
                                           NamedProvider{"sodium", &sodium_provider},
                                           NamedProvider{"default", &default_provider}),
                         [](const auto& info) { return std::string(info.param.name); });

// FIPS 180-4 examples (the "abc" message).
TEST_P(AnyProvider, ShaKnownAnswers) {
    const struct {
        HashAlg alg;
        const char* digest;
    } cases[] = {
        {HashAlg::sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {HashAlg::sha384,
         "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"},
        {HashAlg::sha512,
         "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
         "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
    };
    for (const auto& c : cases) {
        auto h = p_->hash(c.alg);
        if (is_sodium() && c.alg == HashAlg::sha384) {
            EXPECT_EQ(h, nullptr);  // libsodium has no SHA-384
            continue;
        }
        ASSERT_NE(h, nullptr);
        h->update(as_bytes("ab"));
        // peek() and clone() leave the running hash untouched.
        const Digest partial = h->peek();
        auto copy = h->clone();
        ASSERT_NE(copy, nullptr);
        h->update(as_bytes("c"));
        EXPECT_EQ(hex(h->peek().view()), c.digest);
        EXPECT_EQ(hex(h->peek().view()), c.digest);
        EXPECT_EQ(partial.view().size(), hash_length(c.alg));
        EXPECT_EQ(hex(copy->peek().view()), hex(partial.view()));
        copy->update(as_bytes("c"));
        EXPECT_EQ(hex(copy->peek().view()), c.digest);
    }
}

// RFC 4231 §4.3 (test case 2).
TEST_P(AnyProvider, HmacRfc4231) {
    const ByteView key = as_bytes("Jefe");
    const ByteView data = as_bytes("what do ya want for nothing?");
    EXPECT_EQ(hex(p_->hmac(HashAlg::sha256, key, data).view()),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    EXPECT_EQ(hex(p_->hmac(HashAlg::sha512, key, data).view()),
              "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
              "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
    const Digest d384 = p_->hmac(HashAlg::sha384, key, data);
    if (is_sodium()) {
        EXPECT_EQ(d384.len, 0u);  // documented: no SHA-384 in libsodium
    } else {
        EXPECT_EQ(hex(d384.view()),
                  "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
                  "8e2240ca5e69e2c78b3239ecfab21649");
    }
}

// RFC 5869 Appendix A.1 (test case 1) and A.3 (test case 3: no salt, no info).
TEST_P(AnyProvider, HkdfRfc5869) {
    const Bytes ikm(22, 0x0b);
    const Secret prk = p_->hkdf_extract(HashAlg::sha256, from_hex("000102030405060708090a0b0c"), ikm);
    EXPECT_EQ(hex(prk.view()), "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
    EXPECT_EQ(hex(hkdf_expand(*p_, HashAlg::sha256, prk.view(), from_hex("f0f1f2f3f4f5f6f7f8f9"), 42)),
              "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");

    const Secret prk3 = p_->hkdf_extract(HashAlg::sha256, {}, ikm);
    EXPECT_EQ(hex(prk3.view()), "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04");
    EXPECT_EQ(hex(hkdf_expand(*p_, HashAlg::sha256, prk3.view(), {}, 42)),
              "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");

    // RFC 5869 §2.3: L <= 255 * HashLen.
    Bytes too_long(255 * 32 + 1);
    EXPECT_FALSE(p_->hkdf_expand(HashAlg::sha256, prk.view(), {}, too_long));
    Bytes max_len(255 * 32);
    EXPECT_TRUE(p_->hkdf_expand(HashAlg::sha256, prk.view(), {}, max_len));
}

struct GcmCase {
    AeadAlg alg;
    const char* key;
    const char* aad;
    std::size_t pt_len;
    const char* ct;
    const char* tag;
};

// The GCM specification (McGrew & Viega), test cases 3, 4, 15 and 16.
constexpr const char* kGcmPlaintext =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
constexpr const char* kGcmIv = "cafebabefacedbaddecaf888";
constexpr const char* kGcmAad = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
const GcmCase kGcmCases[] = {
    {AeadAlg::aes_128_gcm, "feffe9928665731c6d6a8f9467308308", "", 64,
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
     "4d5c2af327cd64a62cf35abd2ba6fab4"},
    {AeadAlg::aes_128_gcm, "feffe9928665731c6d6a8f9467308308", kGcmAad, 60,
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
     "5bc94fbc3221a5db94fae95ae7121a47"},
    {AeadAlg::aes_256_gcm, "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "", 64,
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
     "b094dac5d93471bdec1a502270e3cc6c"},
    {AeadAlg::aes_256_gcm, "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", kGcmAad, 60,
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
};

TEST_P(AnyProvider, AesGcmKnownAnswers) {
    for (const auto& c : kGcmCases) {
        auto aead = p_->aead(c.alg, from_hex(c.key));
        if (is_sodium() && c.alg == AeadAlg::aes_128_gcm) {
            EXPECT_EQ(aead, nullptr);  // libsodium has no AES-128-GCM
            continue;
        }
        if (aead == nullptr && is_sodium()) GTEST_SKIP() << "libsodium AES-256-GCM needs AES-NI";
        ASSERT_NE(aead, nullptr);
        Bytes pt = from_hex(kGcmPlaintext);
        pt.resize(c.pt_len);
        const Bytes ct = seal(*aead, from_hex(kGcmIv), from_hex(c.aad), pt);
        EXPECT_EQ(hex(ct), std::string(c.ct) + c.tag);
        Bytes back;
        EXPECT_TRUE(open(*aead, from_hex(kGcmIv), from_hex(c.aad), ct, back));
        EXPECT_EQ(back, pt);
    }
}

// RFC 8439 §2.8.2.
TEST_P(AnyProvider, ChachaPolyRfc8439) {
    auto aead = p_->aead(AeadAlg::chacha20_poly1305,
                         from_hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"));
    ASSERT_NE(aead, nullptr);
    const ByteView pt = as_bytes(
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
        "sunscreen would be it.");
    const Bytes nonce = from_hex("070000004041424344454647");
    const Bytes aad = from_hex("50515253c0c1c2c3c4c5c6c7");
    const Bytes ct = seal(*aead, nonce, aad, pt);
    EXPECT_EQ(hex(ct),
              "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
              "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
              "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
              "3ff4def08e4b7a9de576d26586cec64b6116"
              "1ae10b594f09e26a7e902ecbd0600691");
    Bytes back;
    EXPECT_TRUE(open(*aead, nonce, aad, ct, back));
    EXPECT_EQ(Bytes(pt.begin(), pt.end()), back);
}

// A flipped bit anywhere (ciphertext, tag, AAD) must fail, releasing nothing.
TEST_P(AnyProvider, TamperedRecordsFailToOpen) {
    std::mt19937 rng(7);
    for (AeadAlg alg : {AeadAlg::aes_128_gcm, AeadAlg::aes_256_gcm, AeadAlg::chacha20_poly1305}) {
        auto aead = p_->aead(alg, random_bytes(rng, aead_key_length(alg)));
        if (aead == nullptr && is_sodium()) continue;
        ASSERT_NE(aead, nullptr);
        const Bytes nonce = random_bytes(rng, kAeadNonceLength), aad = random_bytes(rng, 5);
        const Bytes pt = random_bytes(rng, 100);
        const Bytes ct = seal(*aead, nonce, aad, pt);
        ASSERT_EQ(ct.size(), pt.size() + kAeadTagLength);
        for (std::size_t pos : {std::size_t{0}, std::size_t{50}, ct.size() - 1}) {
            Bytes bad = ct;
            bad[pos] ^= 0x01;
            Bytes out;
            EXPECT_FALSE(open(*aead, nonce, aad, bad, out));
            EXPECT_EQ(out, Bytes(out.size(), 0)) << "plaintext released on failure";
        }
        Bytes bad_aad = aad;
        bad_aad[0] ^= 0x80;
        Bytes out;
        EXPECT_FALSE(open(*aead, nonce, bad_aad, ct, out));
        EXPECT_FALSE(open(*aead, nonce, aad, ByteView(ct).first(kAeadTagLength - 1), out));
        // The context stays usable after a failure.
        EXPECT_TRUE(open(*aead, nonce, aad, ct, out));
        EXPECT_EQ(out, pt);
    }
}

// Records are protected in place in the record layer and in QUIC packets.
TEST_P(AnyProvider, InPlaceSealAndOpen) {
    std::mt19937 rng(11);
    for (AeadAlg alg : {AeadAlg::aes_128_gcm, AeadAlg::aes_256_gcm, AeadAlg::chacha20_poly1305}) {
        auto aead = p_->aead(alg, random_bytes(rng, aead_key_length(alg)));
        if (aead == nullptr && is_sodium()) continue;
        ASSERT_NE(aead, nullptr);
        for (std::size_t len : {0u, 1u, 16u, 1000u}) {
            const Bytes nonce = random_bytes(rng, kAeadNonceLength), aad = random_bytes(rng, 13);
            const Bytes pt = random_bytes(rng, len);
            const Bytes expected = seal(*aead, nonce, aad, pt);
            Bytes buf = pt;
            buf.resize(len + kAeadTagLength);
            ASSERT_TRUE(aead->seal(nonce, aad, ByteView(buf).first(len), buf));
            EXPECT_EQ(buf, expected);
            ASSERT_TRUE(aead->open(nonce, aad, buf, MutableByteView(buf).first(len)));
            EXPECT_EQ(Bytes(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(len)), pt);
        }
        // A partial overlap is refused rather than silently corrupting data.
        Bytes buf(64 + kAeadTagLength + 1);
        EXPECT_FALSE(aead->seal(random_bytes(rng, 12), {}, ByteView(buf).first(64),
                                MutableByteView(buf).subspan(1, 64 + kAeadTagLength)));
        EXPECT_FALSE(aead->seal(random_bytes(rng, 11), {}, ByteView(buf).first(64),
                                MutableByteView(buf).first(64 + kAeadTagLength)));
    }
}

// RFC 9001 Appendix A.2 (AES) and A.5 (ChaCha20) header-protection masks.
TEST_P(AnyProvider, HeaderProtectionRfc9001) {
    std::array<std::uint8_t, 5> mask{};
    auto chacha = p_->header_protection(AeadAlg::chacha20_poly1305,
                                        from_hex("25a282b9e82f06f21f488917a4fc8f1b73573685608597d0efcb076b0ab7a7a4"));
    ASSERT_NE(chacha, nullptr);
    ASSERT_TRUE(chacha->mask(from_hex("5e5cd55c41f69080575d7999c25a5bfb"), mask));
    EXPECT_EQ(hex(mask), "aefefe7d03");
    EXPECT_FALSE(chacha->mask(from_hex("5e5cd55c41f69080575d7999c25a5b"), mask));

    auto aes = p_->header_protection(AeadAlg::aes_128_gcm, from_hex("9f50449e04a0e810283a1e9933adedd2"));
    if (is_sodium()) {
        EXPECT_EQ(aes, nullptr);  // no raw AES block function in libsodium
        return;
    }
    ASSERT_NE(aes, nullptr);
    ASSERT_TRUE(aes->mask(from_hex("d1b1c98dd7689fb8ec11d242b123dc9b"), mask));
    EXPECT_EQ(hex(mask), "437b9aec36");
    // Repeated use gives the same answer (no chaining state between calls).
    ASSERT_TRUE(aes->mask(from_hex("d1b1c98dd7689fb8ec11d242b123dc9b"), mask));
    EXPECT_EQ(hex(mask), "437b9aec36");
}

// RFC 7748 §6.1.
TEST_P(AnyProvider, X25519Rfc7748) {
    auto alice = p_->key_share_from_private(
        NamedGroup::x25519, from_hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
    auto bob = p_->key_share_from_private(
        NamedGroup::x25519, from_hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
    ASSERT_TRUE(alice.ok());
    ASSERT_TRUE(bob.ok());
    EXPECT_EQ(hex((*alice)->public_key()), "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    EXPECT_EQ(hex((*bob)->public_key()), "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    auto s1 = (*alice)->agree((*bob)->public_key());
    auto s2 = (*bob)->agree((*alice)->public_key());
    ASSERT_TRUE(s1.ok());
    ASSERT_TRUE(s2.ok());
    EXPECT_EQ(hex(s1->view()), "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    EXPECT_EQ(hex(s2->view()), hex(s1->view()));
}

TEST_P(AnyProvider, X25519RejectsBadShares) {
    auto share = p_->generate_key_share(NamedGroup::x25519);
    ASSERT_TRUE(share.ok());
    EXPECT_EQ((*share)->group(), NamedGroup::x25519);
    for (std::size_t len : {0u, 31u, 33u, 65u}) {
        auto r = (*share)->agree(Bytes(len, 0x09));
        ASSERT_FALSE(r.ok()) << len;
        EXPECT_EQ(r.error().alert, Alert::illegal_parameter);
    }
    // Low-order points (u = 0, u = 1) give an all-zero secret: RFC 8446 §7.4.2.
    for (const char* low : {"0000000000000000000000000000000000000000000000000000000000000000",
                            "0100000000000000000000000000000000000000000000000000000000000000"}) {
        auto r = (*share)->agree(from_hex(low));
        ASSERT_FALSE(r.ok()) << low;
        EXPECT_EQ(r.error().alert, Alert::illegal_parameter);
    }
}

TEST_P(AnyProvider, Ed25519Verify) {
    Pkey key = keygen("ED25519"), other = keygen("ED25519");
    const Bytes der = spki(key.get());
    std::mt19937 rng(3);
    for (int i = 0; i < 8; ++i) {
        const Bytes msg = random_bytes(rng, 1 + rng() % 300);
        const Bytes sig = sign(key.get(), nullptr, false, msg);
        ASSERT_EQ(sig.size(), 64u);
        EXPECT_TRUE(p_->verify_signature(SignatureScheme::ed25519, der, msg, sig).ok());
        Bytes bad_msg = msg;
        bad_msg[0] ^= 1;
        auto r = p_->verify_signature(SignatureScheme::ed25519, der, bad_msg, sig);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().alert, Alert::decrypt_error);
        r = p_->verify_signature(SignatureScheme::ed25519, spki(other.get()), msg, sig);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().alert, Alert::decrypt_error);
        r = p_->verify_signature(SignatureScheme::ed25519, der, msg, ByteView(sig).first(63));
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().alert, Alert::decrypt_error);
    }
    // A P-256 key cannot verify an Ed25519 signature.
    Pkey ec = keygen("EC", "P-256");
    auto r = p_->verify_signature(SignatureScheme::ed25519, spki(ec.get()), as_bytes("m"), Bytes(64, 0));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().alert, Alert::illegal_parameter);
}

TEST_P(AnyProvider, RandomFillsBuffers) {
    Bytes a(64), b(64);
    p_->random(a);
    p_->random(b);
    EXPECT_NE(a, b);
    EXPECT_NE(a, Bytes(64, 0));
    p_->random({});  // empty request is fine
}

// ---- libcrypto against libsodium on the same random inputs -----------------

class CrossCheck : public ::testing::Test {
protected:
    void SetUp() override {
        ossl_ = openssl_provider();
        sodium_ = sodium_provider();
        ASSERT_NE(ossl_, nullptr);
        ASSERT_NE(sodium_, nullptr);
    }
    ProviderPtr ossl_, sodium_;
    std::mt19937 rng_{42};
};

TEST_F(CrossCheck, HashHmacHkdf) {
    for (HashAlg alg : {HashAlg::sha256, HashAlg::sha512}) {
        const std::size_t hlen = hash_length(alg);
        for (int i = 0; i < 40; ++i) {
            const Bytes data = random_bytes(rng_, rng_() % 400);
            // Key lengths span empty, short and longer than the block size.
            const Bytes key = random_bytes(rng_, rng_() % 200);
            auto h1 = ossl_->hash(alg), h2 = sodium_->hash(alg);
            h1->update(data);
            h2->update(data);
            EXPECT_EQ(hex(h1->peek().view()), hex(h2->peek().view()));
            EXPECT_EQ(hex(ossl_->hmac(alg, key, data).view()), hex(sodium_->hmac(alg, key, data).view()));

            const Secret p1 = ossl_->hkdf_extract(alg, key, data), p2 = sodium_->hkdf_extract(alg, key, data);
            EXPECT_EQ(p1.size(), hlen);
            EXPECT_EQ(hex(p1.view()), hex(p2.view()));
            const std::size_t len = rng_() % (4 * hlen + 1);
            const Bytes info = random_bytes(rng_, rng_() % 80);
            EXPECT_EQ(hex(hkdf_expand(*ossl_, alg, p1.view(), info, len)),
                      hex(hkdf_expand(*sodium_, alg, p2.view(), info, len)));
        }
    }
}

TEST_F(CrossCheck, AeadSealedByOneOpenedByTheOther) {
    for (AeadAlg alg : {AeadAlg::aes_256_gcm, AeadAlg::chacha20_poly1305}) {
        const Bytes key = random_bytes(rng_, aead_key_length(alg));
        auto a = ossl_->aead(alg, key), b = sodium_->aead(alg, key);
        ASSERT_NE(a, nullptr);
        if (b == nullptr) continue;  // libsodium AES-GCM without AES-NI
        for (int i = 0; i < 30; ++i) {
            const Bytes nonce = random_bytes(rng_, kAeadNonceLength);
            const Bytes aad = random_bytes(rng_, rng_() % 30);
            const Bytes pt = random_bytes(rng_, rng_() % 2000);
            const Bytes ca = seal(*a, nonce, aad, pt), cb = seal(*b, nonce, aad, pt);
            EXPECT_EQ(hex(ca), hex(cb));
            Bytes out;
            EXPECT_TRUE(open(*b, nonce, aad, ca, out));
            EXPECT_EQ(out, pt);
            EXPECT_TRUE(open(*a, nonce, aad, cb, out));
            EXPECT_EQ(out, pt);
        }
    }
}

TEST_F(CrossCheck, ChachaHeaderProtection) {
    for (int i = 0; i < 30; ++i) {
        const Bytes key = random_bytes(rng_, 32), sample = random_bytes(rng_, 16);
        auto a = ossl_->header_protection(AeadAlg::chacha20_poly1305, key);
        auto b = sodium_->header_protection(AeadAlg::chacha20_poly1305, key);
        std::array<std::uint8_t, 5> ma{}, mb{};
        ASSERT_TRUE(a->mask(sample, ma));
        ASSERT_TRUE(b->mask(sample, mb));
        EXPECT_EQ(hex(ma), hex(mb));
    }
}

TEST_F(CrossCheck, X25519Agreement) {
    for (int i = 0; i < 10; ++i) {
        auto a = ossl_->generate_key_share(NamedGroup::x25519);
        auto b = sodium_->generate_key_share(NamedGroup::x25519);
        ASSERT_TRUE(a.ok());
        ASSERT_TRUE(b.ok());
        auto sa = (*a)->agree((*b)->public_key()), sb = (*b)->agree((*a)->public_key());
        ASSERT_TRUE(sa.ok());
        ASSERT_TRUE(sb.ok());
        EXPECT_EQ(hex(sa->view()), hex(sb->view()));
        // The same private key gives the same public key in both.
        const Bytes priv = random_bytes(rng_, 32);
        auto pa = ossl_->key_share_from_private(NamedGroup::x25519, priv);
        auto pb = sodium_->key_share_from_private(NamedGroup::x25519, priv);
        ASSERT_TRUE(pa.ok());
        ASSERT_TRUE(pb.ok());
        EXPECT_EQ(hex((*pa)->public_key()), hex((*pb)->public_key()));
    }
}

// ---- libcrypto-only primitives ---------------------------------------------

TEST(OpensslProvider, NistCurveAgreementAndValidation) {
    auto p = openssl_provider();
    for (NamedGroup g : {NamedGroup::secp256r1, NamedGroup::secp384r1}) {
        const std::size_t coord = g == NamedGroup::secp256r1 ? 32 : 48;
        auto a = p->generate_key_share(g), b = p->generate_key_share(g);
        ASSERT_TRUE(a.ok());
        ASSERT_TRUE(b.ok());
        ASSERT_EQ((*a)->public_key().size(), 1 + 2 * coord);
        EXPECT_EQ((*a)->public_key()[0], 0x04);
        auto sa = (*a)->agree((*b)->public_key()), sb = (*b)->agree((*a)->public_key());
        ASSERT_TRUE(sa.ok());
        ASSERT_TRUE(sb.ok());
        EXPECT_EQ(sa->size(), coord);
        EXPECT_EQ(hex(sa->view()), hex(sb->view()));

        const Bytes good((*b)->public_key().begin(), (*b)->public_key().end());
        Bytes off_curve = good;
        off_curve.back() ^= 0x01;  // y no longer matches x
        Bytes compressed = good;
        compressed[0] = 0x02;
        for (const Bytes& bad : {off_curve, compressed, Bytes(good.begin(), good.end() - 1), Bytes{0x00},
                                 Bytes(good.size(), 0)}) {
            auto r = (*a)->agree(bad);
            ASSERT_FALSE(r.ok());
            EXPECT_EQ(r.error().alert, Alert::illegal_parameter);
        }
    }
}

TEST(OpensslProvider, NistCurveFromPrivateKey) {
    // RFC 5903 §8.1 (ECDH on P-256): i, g^i, r, g^r and the shared x-coordinate.
    auto p = openssl_provider();
    auto a = p->key_share_from_private(
        NamedGroup::secp256r1, from_hex("c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433"));
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(hex((*a)->public_key()),
              "04dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180"
              "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3");
    auto s = (*a)->agree(from_hex("04d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63"
                                  "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab"));
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(hex(s->view()), "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de");
    auto bad = p->key_share_from_private(NamedGroup::secp256r1, Bytes(32, 0));
    EXPECT_FALSE(bad.ok());
}

class OpensslSignatures : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        rsa_ = keygen("RSA", nullptr, 2048).release();
        rsa_pss_ = keygen("RSA-PSS", nullptr, 2048).release();
        ASSERT_NE(rsa_, nullptr);
        ASSERT_NE(rsa_pss_, nullptr);
    }
    static void TearDownTestSuite() {
        EVP_PKEY_free(rsa_);
        EVP_PKEY_free(rsa_pss_);
    }
    void expect_alert(SignatureScheme s, ByteView key, ByteView msg, ByteView sig, Alert alert) {
        auto r = p_->verify_signature(s, key, msg, sig);
        ASSERT_FALSE(r.ok()) << to_string(s);
        EXPECT_EQ(r.error().alert, alert) << to_string(s) << ": " << r.error().what;
    }
    static EVP_PKEY* rsa_;
    static EVP_PKEY* rsa_pss_;
    ProviderPtr p_ = openssl_provider();
    const Bytes msg_ = Bytes(200, 0x20);
};
EVP_PKEY* OpensslSignatures::rsa_ = nullptr;
EVP_PKEY* OpensslSignatures::rsa_pss_ = nullptr;

TEST_F(OpensslSignatures, Ecdsa) {
    Pkey p256 = keygen("EC", "P-256"), p384 = keygen("EC", "P-384"), p521 = keygen("EC", "P-521");
    Pkey p256b = keygen("EC", "P-256");
    const struct {
        SignatureScheme s;
        EVP_PKEY* key;
        const char* md;
    } cases[] = {
        {SignatureScheme::ecdsa_secp256r1_sha256, p256.get(), "SHA256"},
        {SignatureScheme::ecdsa_secp384r1_sha384, p384.get(), "SHA384"},
        {SignatureScheme::ecdsa_secp521r1_sha512, p521.get(), "SHA512"},
    };
    for (const auto& c : cases) {
        const Bytes sig = sign(c.key, c.md, false, msg_);
        EXPECT_TRUE(p_->verify_signature(c.s, spki(c.key), msg_, sig).ok()) << to_string(c.s);
        Bytes bad = sig;
        bad[bad.size() / 2] ^= 1;
        expect_alert(c.s, spki(c.key), msg_, bad, Alert::decrypt_error);
    }
    const Bytes sig = sign(p256.get(), "SHA256", false, msg_);
    // Signature from another key.
    expect_alert(SignatureScheme::ecdsa_secp256r1_sha256, spki(p256b.get()), msg_, sig, Alert::decrypt_error);
    // TLS 1.3 binds the curve to the scheme (RFC 8446 §4.2.3).
    expect_alert(SignatureScheme::ecdsa_secp384r1_sha384, spki(p256.get()), msg_, sig, Alert::illegal_parameter);
    expect_alert(SignatureScheme::rsa_pss_rsae_sha256, spki(p256.get()), msg_, sig, Alert::illegal_parameter);
    // Malformed SPKI.
    const Bytes der = spki(p256.get());
    expect_alert(SignatureScheme::ecdsa_secp256r1_sha256, ByteView(der).first(der.size() - 1), msg_, sig,
                 Alert::bad_certificate);
    Bytes off_curve = der;
    off_curve.back() ^= 1;
    expect_alert(SignatureScheme::ecdsa_secp256r1_sha256, off_curve, msg_, sig, Alert::bad_certificate);
}

TEST_F(OpensslSignatures, RsaPssRsae) {
    const Bytes der = spki(rsa_);
    const struct {
        SignatureScheme s;
        const char* md;
    } cases[] = {
        {SignatureScheme::rsa_pss_rsae_sha256, "SHA256"},
        {SignatureScheme::rsa_pss_rsae_sha384, "SHA384"},
        {SignatureScheme::rsa_pss_rsae_sha512, "SHA512"},
    };
    for (const auto& c : cases) {
        const Bytes sig = sign(rsa_, c.md, true, msg_);
        EXPECT_TRUE(p_->verify_signature(c.s, der, msg_, sig).ok()) << to_string(c.s);
        Bytes bad_msg = msg_;
        bad_msg[3] ^= 1;
        expect_alert(c.s, der, bad_msg, sig, Alert::decrypt_error);
        // A PKCS#1 v1.5 signature is not a PSS signature.
        expect_alert(c.s, der, msg_, sign(rsa_, c.md, false, msg_), Alert::decrypt_error);
    }
    // The rsae schemes need an rsaEncryption key, the pss ones an RSASSA-PSS key.
    expect_alert(SignatureScheme::rsa_pss_pss_sha256, der, msg_, sign(rsa_, "SHA256", true, msg_),
                 Alert::illegal_parameter);
    expect_alert(SignatureScheme::rsa_pss_rsae_sha256, spki(rsa_pss_), msg_, sign(rsa_pss_, "SHA256", true, msg_),
                 Alert::illegal_parameter);
}

TEST_F(OpensslSignatures, RsaPssPssAndPkcs1) {
    const Bytes pss_der = spki(rsa_pss_);
    for (auto [s, md] : {std::pair{SignatureScheme::rsa_pss_pss_sha256, "SHA256"},
                         std::pair{SignatureScheme::rsa_pss_pss_sha384, "SHA384"},
                         std::pair{SignatureScheme::rsa_pss_pss_sha512, "SHA512"}}) {
        const Bytes sig = sign(rsa_pss_, md, true, msg_);
        EXPECT_TRUE(p_->verify_signature(s, pss_der, msg_, sig).ok()) << to_string(s);
    }
    const Bytes der = spki(rsa_);
    for (auto [s, md] : {std::pair{SignatureScheme::rsa_pkcs1_sha256, "SHA256"},
                         std::pair{SignatureScheme::rsa_pkcs1_sha384, "SHA384"},
                         std::pair{SignatureScheme::rsa_pkcs1_sha512, "SHA512"}}) {
        const Bytes sig = sign(rsa_, md, false, msg_);
        EXPECT_TRUE(p_->verify_signature(s, der, msg_, sig).ok()) << to_string(s);
        // Signed by a different key.
        Pkey other = keygen("RSA", nullptr, 1024);
        expect_alert(s, der, msg_, sign(other.get(), md, false, msg_), Alert::decrypt_error);
    }
}

TEST_F(OpensslSignatures, RsaKeySizeLimits) {
    // 1024 bits is the floor (the RFC 8448 traces use such a key).
    Pkey k1024 = keygen("RSA", nullptr, 1024);
    EXPECT_TRUE(p_->verify_signature(SignatureScheme::rsa_pss_rsae_sha256, spki(k1024.get()), msg_,
                                     sign(k1024.get(), "SHA256", true, msg_))
                    .ok());
    Pkey k512 = keygen("RSA", nullptr, 512);
    ASSERT_NE(k512, nullptr);
    expect_alert(SignatureScheme::rsa_pkcs1_sha256, spki(k512.get()), msg_, sign(k512.get(), "SHA256", false, msg_),
                 Alert::illegal_parameter);
}

// ---- libsodium-specific gaps -----------------------------------------------

TEST(SodiumProvider, ReportsWhatItLacks) {
    auto p = sodium_provider();
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->hkdf_extract(HashAlg::sha384, {}, as_bytes("x")).size(), 0u);
    Bytes out(48);
    EXPECT_FALSE(p->hkdf_expand(HashAlg::sha384, Bytes(48, 1), {}, out));
    EXPECT_EQ(p->aead(AeadAlg::aes_128_gcm, Bytes(16, 1)), nullptr);
    auto g = p->generate_key_share(NamedGroup::secp256r1);
    ASSERT_FALSE(g.ok());
    EXPECT_EQ(g.error().alert, Alert::illegal_parameter);
    Pkey ec = keygen("EC", "P-256");
    auto r = p->verify_signature(SignatureScheme::ecdsa_secp256r1_sha256, spki(ec.get()), as_bytes("m"),
                                 Bytes(70, 0));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().alert, Alert::illegal_parameter);
    // The Ed25519 SPKI is parsed strictly: trailing bytes are refused.
    Pkey ed = keygen("ED25519");
    Bytes der = spki(ed.get());
    der.push_back(0);
    r = p->verify_signature(SignatureScheme::ed25519, der, as_bytes("m"), Bytes(64, 0));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().alert, Alert::illegal_parameter);
}

// ---- the composite -----------------------------------------------------------

// Any choice table works: entries libsodium cannot serve fall back to libcrypto.
TEST(DefaultProvider, AllSodiumTableStillServesEverything) {
    crypto::ProviderChoices all;
    auto set = [](auto& table) {
        for (auto& e : table) e = crypto::Impl::sodium;
    };
    set(all.hash);
    set(all.hmac);
    set(all.hkdf);
    set(all.aead);
    set(all.header_protection);
    set(all.key_exchange);
    set(all.verify);
    all.random = crypto::Impl::sodium;
    auto p = crypto::composite_provider(all);
    ASSERT_NE(p, nullptr);
    for (HashAlg alg : {HashAlg::sha256, HashAlg::sha384, HashAlg::sha512}) {
        EXPECT_NE(p->hash(alg), nullptr);
        EXPECT_EQ(p->hmac(alg, as_bytes("k"), as_bytes("d")).len, hash_length(alg));
        EXPECT_EQ(p->hkdf_extract(alg, {}, as_bytes("d")).size(), hash_length(alg));
    }
    for (AeadAlg alg : {AeadAlg::aes_128_gcm, AeadAlg::aes_256_gcm, AeadAlg::chacha20_poly1305}) {
        EXPECT_NE(p->aead(alg, Bytes(aead_key_length(alg), 1)), nullptr);
        EXPECT_NE(p->header_protection(alg, Bytes(aead_key_length(alg), 1)), nullptr);
    }
    for (NamedGroup g : {NamedGroup::x25519, NamedGroup::secp256r1, NamedGroup::secp384r1})
        EXPECT_TRUE(p->generate_key_share(g).ok());
    Pkey ec = keygen("EC", "P-256");
    EXPECT_TRUE(p->verify_signature(SignatureScheme::ecdsa_secp256r1_sha256, spki(ec.get()), as_bytes("m"),
                                    sign(ec.get(), "SHA256", false, as_bytes("m")))
                    .ok());
}

TEST(DefaultProvider, IsOneSharedInstance) {
    EXPECT_EQ(default_provider().get(), default_provider().get());
    EXPECT_EQ(default_provider()->name(), "default");
}

}  // namespace
}  // namespace qtls
