// The libsodium CryptoProvider. Beyond the hash and AEAD families
// (sodium_hash.cpp, sodium_aead.cpp) it offers X25519 key shares and Ed25519
// verification; the NIST curves, RSA and ECDSA are not in libsodium.
#include <sodium.h>

#include <algorithm>
#include <array>
#include <mutex>

#include "crypto/sodium_primitives.h"

namespace qtls {

namespace crypto::sodium {

bool ready() {
    static std::once_flag once;
    static bool ok = false;
    // sodium_init() picks the CPU-specific implementations; it must run before
    // any other libsodium call (returns 1 when already initialised).
    std::call_once(once, [] { ok = sodium_init() >= 0; });
    return ok;
}

}  // namespace crypto::sodium

namespace {

constexpr Error kUnsupportedGroup{Alert::illegal_parameter, "key exchange group not supported by libsodium provider"};
constexpr Error kUnsupportedScheme{Alert::illegal_parameter, "signature scheme not supported by libsodium provider"};
constexpr Error kBadShare{Alert::illegal_parameter, "invalid key_share public value"};

// RFC 8410 §4: the DER SubjectPublicKeyInfo of an Ed25519 key is always
// SEQUENCE { SEQUENCE { OID 1.3.101.112 } BIT STRING (0 unused bits) key }:
// this fixed prefix followed by the 32-byte key, nothing more.
constexpr std::array<std::uint8_t, 12> kEd25519SpkiPrefix = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                                             0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

class SodiumX25519 final : public KeyShare {
public:
    // RFC 7748 §5: the scalar is clamped by crypto_scalarmult itself, so any
    // 32 bytes are a valid private key.
    explicit SodiumX25519(ByteView priv) {
        std::copy_n(priv.data(), priv_.size(), priv_.begin());
        ok_ = crypto_scalarmult_base(pub_.data(), priv_.data()) == 0;
    }
    ~SodiumX25519() override { sodium_memzero(priv_.data(), priv_.size()); }
    SodiumX25519(const SodiumX25519&) = delete;
    SodiumX25519& operator=(const SodiumX25519&) = delete;
    bool ok() const { return ok_; }

    NamedGroup group() const override { return NamedGroup::x25519; }
    ByteView public_key() const override { return pub_; }

    Result<Secret> agree(ByteView peer_public) override {
        if (peer_public.size() != crypto_scalarmult_BYTES) return kBadShare;
        Secret s;
        s.resize(crypto_scalarmult_BYTES);
        // RFC 8446 §7.4.2 / RFC 7748 §6.1: a low-order peer point yields an
        // all-zero secret, which must be rejected. libsodium returns -1 for it;
        // the explicit check keeps the rule visible and version-independent.
        if (crypto_scalarmult(s.data(), priv_.data(), peer_public.data()) != 0 ||
            sodium_is_zero(s.data(), s.size()) != 0)
            return kBadShare;
        return s;
    }

private:
    std::array<std::uint8_t, crypto_scalarmult_SCALARBYTES> priv_{};
    std::array<std::uint8_t, crypto_scalarmult_BYTES> pub_{};
    bool ok_ = false;
};

Result<std::unique_ptr<KeyShare>> make_x25519(ByteView priv) {
    auto share = std::make_unique<SodiumX25519>(priv);
    if (!share->ok()) return Error{Alert::internal_error, "X25519 key generation failed"};
    return std::unique_ptr<KeyShare>(std::move(share));
}

class SodiumProvider final : public CryptoProvider {
public:
    std::string_view name() const override { return "libsodium"; }

    std::unique_ptr<HashContext> hash(HashAlg alg) const override { return crypto::sodium::new_hash(alg); }
    Digest hmac(HashAlg alg, ByteView key, ByteView data) const override {
        return crypto::sodium::hmac(alg, key, data);
    }
    Secret hkdf_extract(HashAlg alg, ByteView salt, ByteView ikm) const override {
        return crypto::sodium::hkdf_extract(alg, salt, ikm);
    }
    bool hkdf_expand(HashAlg alg, ByteView prk, ByteView info, MutableByteView out) const override {
        return crypto::sodium::hkdf_expand(alg, prk, info, out);
    }

    std::unique_ptr<AeadContext> aead(AeadAlg alg, ByteView key) const override {
        return crypto::sodium::new_aead(alg, key);
    }
    std::unique_ptr<HeaderProtection> header_protection(AeadAlg alg, ByteView key) const override {
        return crypto::sodium::new_header_protection(alg, key);
    }

    Result<std::unique_ptr<KeyShare>> generate_key_share(NamedGroup group) const override {
        if (group != NamedGroup::x25519) return kUnsupportedGroup;
        std::array<std::uint8_t, crypto_scalarmult_SCALARBYTES> priv{};
        randombytes_buf(priv.data(), priv.size());
        auto share = make_x25519(priv);
        sodium_memzero(priv.data(), priv.size());
        return share;
    }

    Result<std::unique_ptr<KeyShare>> key_share_from_private(NamedGroup group, ByteView private_key) const override {
        if (group != NamedGroup::x25519) return kUnsupportedGroup;
        if (private_key.size() != crypto_scalarmult_SCALARBYTES)
            return Error{Alert::internal_error, "X25519 private key must be 32 bytes"};
        return make_x25519(private_key);
    }

    Status verify_signature(SignatureScheme scheme, ByteView spki_der, ByteView message,
                            ByteView signature) const override {
        if (scheme != SignatureScheme::ed25519) return kUnsupportedScheme;
        if (spki_der.size() != kEd25519SpkiPrefix.size() + crypto_sign_PUBLICKEYBYTES ||
            !std::equal(kEd25519SpkiPrefix.begin(), kEd25519SpkiPrefix.end(), spki_der.begin()))
            return Error{Alert::illegal_parameter, "public key does not fit the signature scheme"};
        const std::uint8_t* pk = spki_der.data() + kEd25519SpkiPrefix.size();
        if (signature.size() != crypto_sign_BYTES ||
            crypto_sign_verify_detached(signature.data(), message.data(), message.size(), pk) != 0)
            return Error{Alert::decrypt_error, "signature does not verify"};
        return {};
    }

    void random(MutableByteView out) const override {
        if (!out.empty()) randombytes_buf(out.data(), out.size());  // declared nonnull
    }
};

}  // namespace

// nullptr if libsodium cannot initialise (it then has no usable primitives).
ProviderPtr sodium_provider() {
    if (!crypto::sodium::ready()) return nullptr;
    static const ProviderPtr instance = std::make_shared<const SodiumProvider>();
    return instance;
}

}  // namespace qtls
