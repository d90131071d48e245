// AEAD and QUIC header protection with libsodium. libsodium 1.0.18 offers
// AES-256-GCM only on CPUs with AES-NI and PCLMUL, and no AES-128-GCM or raw
// AES block function, so AES header protection is left to libcrypto.
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "crypto/sodium_primitives.h"

namespace qtls::crypto::sodium {

namespace {

// RFC 9001 §5.4.2: a 16-byte sample and a 5-byte mask.
constexpr std::size_t kHpSampleLength = 16;
constexpr std::size_t kHpMaskLength = 5;
constexpr std::size_t kChachaKeyLength = crypto_aead_chacha20poly1305_ietf_KEYBYTES;

static_assert(crypto_aead_aes256gcm_ABYTES == kAeadTagLength);
static_assert(crypto_aead_chacha20poly1305_ietf_ABYTES == kAeadTagLength);
static_assert(crypto_aead_aes256gcm_NPUBBYTES == kAeadNonceLength);
static_assert(crypto_aead_chacha20poly1305_ietf_NPUBBYTES == kAeadNonceLength);

// libsodium supports out == in exactly; a partial overlap would corrupt data.
bool partially_overlaps(ByteView in, MutableByteView out) {
    const auto a = reinterpret_cast<std::uintptr_t>(in.data());
    const auto b = reinterpret_cast<std::uintptr_t>(out.data());
    if (a == b || in.empty() || out.empty()) return false;
    return a < b + out.size() && b < a + in.size();
}

bool seal_args_ok(ByteView nonce, ByteView plaintext, MutableByteView out) {
    return nonce.size() == kAeadNonceLength && out.size() == plaintext.size() + kAeadTagLength &&
           !partially_overlaps(plaintext, out);
}

bool open_args_ok(ByteView nonce, ByteView ciphertext, MutableByteView out) {
    return nonce.size() == kAeadNonceLength && ciphertext.size() >= kAeadTagLength &&
           out.size() == ciphertext.size() - kAeadTagLength && !partially_overlaps(ciphertext, out);
}

// The key schedule and GHASH key are expanded once (beforenm), then reused.
class SodiumAesGcm final : public AeadContext {
public:
    explicit SodiumAesGcm(ByteView key) { crypto_aead_aes256gcm_beforenm(&state_, key.data()); }
    ~SodiumAesGcm() override { sodium_memzero(&state_, sizeof(state_)); }
    SodiumAesGcm(const SodiumAesGcm&) = delete;
    SodiumAesGcm& operator=(const SodiumAesGcm&) = delete;

    bool seal(ByteView nonce, ByteView aad, ByteView plaintext, MutableByteView out) override {
        if (!seal_args_ok(nonce, plaintext, out)) return false;
        unsigned long long maclen = 0;
        return crypto_aead_aes256gcm_encrypt_detached_afternm(out.data(), out.data() + plaintext.size(), &maclen,
                                                              plaintext.data(), plaintext.size(), aad.data(),
                                                              aad.size(), nullptr, nonce.data(), &state_) == 0;
    }

    bool open(ByteView nonce, ByteView aad, ByteView ciphertext, MutableByteView out) override {
        if (!open_args_ok(nonce, ciphertext, out)) return false;
        const bool ok = crypto_aead_aes256gcm_decrypt_detached_afternm(
                            out.data(), nullptr, ciphertext.data(), out.size(), ciphertext.data() + out.size(),
                            aad.data(), aad.size(), nonce.data(), &state_) == 0;
        // RFC 5116 §2.2: release no plaintext when authentication fails.
        if (!ok) sodium_memzero(out.data(), out.size());
        return ok;
    }

private:
    crypto_aead_aes256gcm_state state_;
};

// RFC 8439 §2.8 AEAD_CHACHA20_POLY1305 (libsodium's "IETF" variant: 96-bit nonce).
class SodiumChachaPoly final : public AeadContext {
public:
    explicit SodiumChachaPoly(ByteView key) { std::copy_n(key.data(), kChachaKeyLength, key_.begin()); }
    ~SodiumChachaPoly() override { sodium_memzero(key_.data(), key_.size()); }
    SodiumChachaPoly(const SodiumChachaPoly&) = delete;
    SodiumChachaPoly& operator=(const SodiumChachaPoly&) = delete;

    bool seal(ByteView nonce, ByteView aad, ByteView plaintext, MutableByteView out) override {
        if (!seal_args_ok(nonce, plaintext, out)) return false;
        unsigned long long maclen = 0;
        return crypto_aead_chacha20poly1305_ietf_encrypt_detached(out.data(), out.data() + plaintext.size(), &maclen,
                                                                  plaintext.data(), plaintext.size(), aad.data(),
                                                                  aad.size(), nullptr, nonce.data(), key_.data()) == 0;
    }

    bool open(ByteView nonce, ByteView aad, ByteView ciphertext, MutableByteView out) override {
        if (!open_args_ok(nonce, ciphertext, out)) return false;
        const bool ok = crypto_aead_chacha20poly1305_ietf_decrypt_detached(
                            out.data(), nullptr, ciphertext.data(), out.size(), ciphertext.data() + out.size(),
                            aad.data(), aad.size(), nonce.data(), key_.data()) == 0;
        if (!ok) sodium_memzero(out.data(), out.size());
        return ok;
    }

private:
    std::array<std::uint8_t, kChachaKeyLength> key_{};
};

// RFC 9001 §5.4.4: counter = sample[0..3] read little-endian, nonce =
// sample[4..15], mask = ChaCha20(hp_key, counter, nonce, {0,0,0,0,0}).
class SodiumChachaHp final : public HeaderProtection {
public:
    explicit SodiumChachaHp(ByteView key) { std::copy_n(key.data(), kChachaKeyLength, key_.begin()); }
    ~SodiumChachaHp() override { sodium_memzero(key_.data(), key_.size()); }
    SodiumChachaHp(const SodiumChachaHp&) = delete;
    SodiumChachaHp& operator=(const SodiumChachaHp&) = delete;

    bool mask(ByteView sample, std::array<std::uint8_t, 5>& out) override {
        if (sample.size() != kHpSampleLength) return false;
        const std::uint32_t counter = static_cast<std::uint32_t>(sample[0]) |
                                      (static_cast<std::uint32_t>(sample[1]) << 8) |
                                      (static_cast<std::uint32_t>(sample[2]) << 16) |
                                      (static_cast<std::uint32_t>(sample[3]) << 24);
        static constexpr std::uint8_t kZeros[kHpMaskLength] = {};
        return crypto_stream_chacha20_ietf_xor_ic(out.data(), kZeros, kHpMaskLength, sample.data() + 4, counter,
                                                  key_.data()) == 0;
    }

private:
    std::array<std::uint8_t, kChachaKeyLength> key_{};
};

}  // namespace

std::unique_ptr<AeadContext> new_aead(AeadAlg alg, ByteView key) {
    if (!ready()) return nullptr;
    switch (alg) {
        case AeadAlg::aes_256_gcm:
            if (key.size() != crypto_aead_aes256gcm_KEYBYTES || crypto_aead_aes256gcm_is_available() == 0)
                return nullptr;
            return std::make_unique<SodiumAesGcm>(key);
        case AeadAlg::chacha20_poly1305:
            if (key.size() != kChachaKeyLength) return nullptr;
            return std::make_unique<SodiumChachaPoly>(key);
        case AeadAlg::aes_128_gcm: return nullptr;  // not in libsodium
    }
    return nullptr;
}

std::unique_ptr<HeaderProtection> new_header_protection(AeadAlg alg, ByteView key) {
    if (!ready() || alg != AeadAlg::chacha20_poly1305 || key.size() != kChachaKeyLength) return nullptr;
    return std::make_unique<SodiumChachaHp>(key);
}

}  // namespace qtls::crypto::sodium
