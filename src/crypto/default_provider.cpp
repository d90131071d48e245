// default_provider(): per primitive, the faster of libcrypto and libsodium on
// this machine, as a table (see default_provider.h) rather than hard-wired calls.
#include "crypto/default_provider.h"

#include <sodium.h>

namespace qtls::crypto {

namespace {

std::size_t index(HashAlg a) { return static_cast<std::size_t>(a); }
std::size_t index(AeadAlg a) { return static_cast<std::size_t>(a); }

// Maps entries libsodium cannot serve back to libcrypto (see the header).
ProviderChoices sanitize(ProviderChoices c, bool have_sodium) {
    auto fix = [&](Impl& impl, bool sodium_has_it) {
        if (impl == Impl::sodium && !(have_sodium && sodium_has_it)) impl = Impl::openssl;
    };
    for (HashAlg a : {HashAlg::sha256, HashAlg::sha384, HashAlg::sha512}) {
        const bool has = a != HashAlg::sha384;
        fix(c.hash[index(a)], has);
        fix(c.hmac[index(a)], has);
        fix(c.hkdf[index(a)], has);
    }
    const bool sodium_aes = have_sodium && crypto_aead_aes256gcm_is_available() != 0;
    fix(c.aead[index(AeadAlg::aes_128_gcm)], false);
    fix(c.aead[index(AeadAlg::aes_256_gcm)], sodium_aes);
    fix(c.aead[index(AeadAlg::chacha20_poly1305)], true);
    fix(c.header_protection[index(AeadAlg::aes_128_gcm)], false);
    fix(c.header_protection[index(AeadAlg::aes_256_gcm)], false);
    fix(c.header_protection[index(AeadAlg::chacha20_poly1305)], true);
    fix(c.key_exchange[group_slot(NamedGroup::x25519)], true);
    fix(c.key_exchange[group_slot(NamedGroup::secp256r1)], false);
    fix(c.key_exchange[group_slot(NamedGroup::secp384r1)], false);
    for (std::size_t i = 0; i < kVerifySchemes.size(); ++i)
        fix(c.verify[i], kVerifySchemes[i] == SignatureScheme::ed25519);
    fix(c.random, true);
    return c;
}

class CompositeProvider final : public CryptoProvider {
public:
    CompositeProvider(ProviderPtr ossl, ProviderPtr sodium, const ProviderChoices& choices)
        : ossl_(std::move(ossl)), sodium_(std::move(sodium)), c_(sanitize(choices, sodium_ != nullptr)) {}

    std::string_view name() const override { return "default"; }

    std::unique_ptr<HashContext> hash(HashAlg alg) const override { return at(c_.hash, index(alg)).hash(alg); }
    Digest hmac(HashAlg alg, ByteView key, ByteView data) const override {
        return at(c_.hmac, index(alg)).hmac(alg, key, data);
    }
    Secret hkdf_extract(HashAlg alg, ByteView salt, ByteView ikm) const override {
        return at(c_.hkdf, index(alg)).hkdf_extract(alg, salt, ikm);
    }
    bool hkdf_expand(HashAlg alg, ByteView prk, ByteView info, MutableByteView out) const override {
        return at(c_.hkdf, index(alg)).hkdf_expand(alg, prk, info, out);
    }

    std::unique_ptr<AeadContext> aead(AeadAlg alg, ByteView key) const override {
        return at(c_.aead, index(alg)).aead(alg, key);
    }
    std::unique_ptr<HeaderProtection> header_protection(AeadAlg alg, ByteView key) const override {
        return at(c_.header_protection, index(alg)).header_protection(alg, key);
    }

    Result<std::unique_ptr<KeyShare>> generate_key_share(NamedGroup group) const override {
        return at(c_.key_exchange, group_slot(group)).generate_key_share(group);
    }
    Result<std::unique_ptr<KeyShare>> key_share_from_private(NamedGroup group, ByteView private_key) const override {
        return at(c_.key_exchange, group_slot(group)).key_share_from_private(group, private_key);
    }

    Status verify_signature(SignatureScheme scheme, ByteView spki_der, ByteView message,
                            ByteView signature) const override {
        return at(c_.verify, scheme_slot(scheme)).verify_signature(scheme, spki_der, message, signature);
    }

    void random(MutableByteView out) const override { pick(c_.random).random(out); }

private:
    const CryptoProvider& pick(Impl impl) const { return impl == Impl::sodium ? *sodium_ : *ossl_; }
    // Out-of-range slots (a code point outside the enums) go to libcrypto,
    // which reports them as unsupported.
    template <std::size_t N>
    const CryptoProvider& at(const std::array<Impl, N>& table, std::size_t i) const {
        return pick(i < N ? table[i] : Impl::openssl);
    }

    ProviderPtr ossl_;
    ProviderPtr sodium_;
    ProviderChoices c_;
};

}  // namespace

// Choices for the project machine (AMD EPYC Zen 5, OpenSSL 3.0, libsodium
// 1.0.18). Raw primitive speeds are in /work/shared/perf-anchors.md; what
// matters here is the cost through this interface, per-call EVP object setup
// included, so the two providers were timed side by side in one process
// (min of 7 interleaved rounds, shared and loaded machine, so ratios only):
//  - ChaCha20 header protection: libsodium ~2.7x faster (151 vs 411 ns per
//    mask; libcrypto re-initialises an EVP cipher context per sample).
//  - Ed25519 verify: libsodium ~1.9x faster (89-95 vs 174-186 us). libsodium
//    is also the stricter verifier (it rejects small-order public keys), which
//    only affects forged or degenerate keys, never honest signatures.
//  - X25519 generate+agree: libsodium. The raw scalar multiplication is a
//    little faster in libcrypto (anchors: 28.8 vs 31-34 us), but through EVP
//    every key generation and derivation fetches key management and key
//    exchange by name and builds PKEY contexts: in the handshake profile
//    (callgrind, 2026-11-29) EVP_PKEY_Q_keygen + EVP_PKEY_derive were ~31%
//    of a pair's instructions; through this interface libsodium measured
//    38 vs 41 us (keygen) and 37 vs 42 us (agree).
//  - HMAC/HKDF-SHA-256 on handshake-sized inputs: a tie within noise;
//    libcrypto, whose SHA-NI code wins clearly on longer inputs (SHA-256 of
//    1 KB: 2.5 vs 9.7 us) and which also serves SHA-384.
//  - random(): libsodium ~1.9x faster for 32 bytes (2.0 vs 3.7 us; it is a
//    plain getrandom() call).
//  - AEAD: libcrypto (anchors: ChaCha20-Poly1305 4,239 vs 1,309 MB/s,
//    AES-256-GCM 4,464 vs 1,949 MB/s; here 1.1-2.9x at 1-16 KB records).
//  - Transcript hashing, NIST curves, RSA/ECDSA: libcrypto (SHA-NI as above,
//    or the only implementation).
ProviderChoices default_choices() {
    ProviderChoices c;  // value-initialised: Impl::openssl everywhere
    c.header_protection[index(AeadAlg::chacha20_poly1305)] = Impl::sodium;
    c.verify[scheme_slot(SignatureScheme::ed25519)] = Impl::sodium;
    c.key_exchange[group_slot(NamedGroup::x25519)] = Impl::sodium;
    c.random = Impl::sodium;
    return c;
}

ProviderPtr composite_provider(const ProviderChoices& choices) {
    return std::make_shared<const CompositeProvider>(openssl_provider(), sodium_provider(), choices);
}

}  // namespace qtls::crypto

namespace qtls {

ProviderPtr default_provider() {
    static const ProviderPtr instance = crypto::composite_provider(crypto::default_choices());
    return instance;
}

}  // namespace qtls
