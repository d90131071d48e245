// AEAD record protection and QUIC header protection with libcrypto. Each
// context is keyed once (the AES key schedule / ChaCha key setup happens at
// construction); per record only the nonce changes.
#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>

#include "crypto/openssl_primitives.h"
#include "crypto/openssl_util.h"

namespace qtls::crypto::ossl {

namespace {

// RFC 9001 §5.4.2: header protection samples 16 bytes and uses 5 mask bytes.
constexpr std::size_t kHpSampleLength = 16;
constexpr std::size_t kHpMaskLength = 5;

// EVP allows out == in exactly, but not a partial overlap (EVP_EncryptUpdate(3)).
bool partially_overlaps(ByteView in, MutableByteView out) {
    const auto a = reinterpret_cast<std::uintptr_t>(in.data());
    const auto b = reinterpret_cast<std::uintptr_t>(out.data());
    if (a == b || in.empty() || out.empty()) return false;
    return a < b + out.size() && b < a + in.size();
}

CipherCtxPtr keyed_ctx(const EVP_CIPHER* cipher, ByteView key) {
    if (cipher == nullptr || static_cast<std::size_t>(EVP_CIPHER_get_key_length(cipher)) != key.size())
        return nullptr;
    CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    if (!ctx || EVP_EncryptInit_ex2(ctx.get(), cipher, key.data(), nullptr, nullptr) != 1) return nullptr;
    return ctx;
}

class OsslAead final : public AeadContext {
public:
    explicit OsslAead(CipherCtxPtr ctx) : ctx_(std::move(ctx)) {}

    bool seal(ByteView nonce, ByteView aad, ByteView plaintext, MutableByteView out) override {
        if (nonce.size() != kAeadNonceLength || out.size() != plaintext.size() + kAeadTagLength ||
            !fits_int(out.size()) || !fits_int(aad.size()) || partially_overlaps(plaintext, out))
            return false;
        EVP_CIPHER_CTX* c = ctx_.get();
        int len = 0;
        std::uint8_t* tag = out.data() + plaintext.size();
        return EVP_CipherInit_ex2(c, nullptr, nullptr, nonce.data(), 1, nullptr) == 1 &&
               (aad.empty() || EVP_CipherUpdate(c, nullptr, &len, aad.data(), static_cast<int>(aad.size())) == 1) &&
               (plaintext.empty() ||
                EVP_CipherUpdate(c, out.data(), &len, plaintext.data(), static_cast<int>(plaintext.size())) == 1) &&
               EVP_CipherFinal_ex(c, tag, &len) == 1 &&
               EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(kAeadTagLength), tag) == 1;
    }

    bool open(ByteView nonce, ByteView aad, ByteView ciphertext, MutableByteView out) override {
        if (nonce.size() != kAeadNonceLength || ciphertext.size() < kAeadTagLength ||
            out.size() != ciphertext.size() - kAeadTagLength || !fits_int(ciphertext.size()) ||
            !fits_int(aad.size()) || partially_overlaps(ciphertext, out))
            return false;
        // Copy the tag first: libcrypto takes a non-const pointer for it.
        std::uint8_t tag[kAeadTagLength];
        std::copy_n(ciphertext.data() + out.size(), kAeadTagLength, tag);
        EVP_CIPHER_CTX* c = ctx_.get();
        int len = 0;
        const bool ok =
            EVP_CipherInit_ex2(c, nullptr, nullptr, nonce.data(), 0, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(kAeadTagLength), tag) == 1 &&
            (aad.empty() || EVP_CipherUpdate(c, nullptr, &len, aad.data(), static_cast<int>(aad.size())) == 1) &&
            (out.empty() || EVP_CipherUpdate(c, out.data(), &len, ciphertext.data(), static_cast<int>(out.size())) == 1) &&
            EVP_CipherFinal_ex(c, out.data() + out.size(), &len) == 1;
        // RFC 5116 §2.2: no plaintext may be released when authentication fails.
        if (!ok) secure_wipe(out.data(), out.size());
        return ok;
    }

private:
    CipherCtxPtr ctx_;
};

// RFC 9001 §5.4.3: mask = AES-ECB(hp_key, sample).
class OsslAesHp final : public HeaderProtection {
public:
    explicit OsslAesHp(CipherCtxPtr ctx) : ctx_(std::move(ctx)) {}

    bool mask(ByteView sample, std::array<std::uint8_t, 5>& out) override {
        if (sample.size() != kHpSampleLength) return false;
        std::uint8_t block[kHpSampleLength];
        int len = 0;
        if (EVP_EncryptUpdate(ctx_.get(), block, &len, sample.data(), static_cast<int>(kHpSampleLength)) != 1 ||
            len != static_cast<int>(kHpSampleLength))
            return false;
        std::copy_n(block, kHpMaskLength, out.begin());
        return true;
    }

private:
    CipherCtxPtr ctx_;
};

// RFC 9001 §5.4.4: counter = LE32(sample[0..3]), nonce = sample[4..15], mask =
// ChaCha20 keystream over five zero bytes. libcrypto's 16-byte ChaCha20 IV is
// exactly that layout (32-bit little-endian counter, then the 96-bit nonce),
// so the sample is the IV verbatim.
class OsslChachaHp final : public HeaderProtection {
public:
    explicit OsslChachaHp(CipherCtxPtr ctx) : ctx_(std::move(ctx)) {}

    bool mask(ByteView sample, std::array<std::uint8_t, 5>& out) override {
        if (sample.size() != kHpSampleLength) return false;
        static constexpr std::uint8_t kZeros[kHpMaskLength] = {};
        int len = 0;
        return EVP_EncryptInit_ex2(ctx_.get(), nullptr, nullptr, sample.data(), nullptr) == 1 &&
               EVP_EncryptUpdate(ctx_.get(), out.data(), &len, kZeros, static_cast<int>(kHpMaskLength)) == 1 &&
               len == static_cast<int>(kHpMaskLength);
    }

private:
    CipherCtxPtr ctx_;
};

}  // namespace

std::unique_ptr<AeadContext> new_aead(AeadAlg alg, ByteView key) {
    CipherCtxPtr ctx = keyed_ctx(aead_cipher(alg), key);
    if (!ctx) return nullptr;
    return std::make_unique<OsslAead>(std::move(ctx));
}

std::unique_ptr<HeaderProtection> new_header_protection(AeadAlg alg, ByteView key) {
    CipherCtxPtr ctx = keyed_ctx(hp_cipher(alg), key);
    if (!ctx) return nullptr;
    if (alg == AeadAlg::chacha20_poly1305) return std::make_unique<OsslChachaHp>(std::move(ctx));
    // One block in, one block out: no padding.
    if (EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1) return nullptr;
    return std::make_unique<OsslAesHp>(std::move(ctx));
}

}  // namespace qtls::crypto::ossl
