// The composite provider behind default_provider(): a per-primitive table
// naming which implementation serves each algorithm, so a benchmark can flip
// one entry and measure. Internal: the public API only exposes the result.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "qtls/provider.h"

namespace qtls::crypto {

enum class Impl : std::uint8_t { openssl, sodium };

// Every scheme the verify table has a slot for, in slot order.
inline constexpr std::array<SignatureScheme, 13> kVerifySchemes = {
    SignatureScheme::rsa_pkcs1_sha256,       SignatureScheme::rsa_pkcs1_sha384,
    SignatureScheme::rsa_pkcs1_sha512,       SignatureScheme::ecdsa_secp256r1_sha256,
    SignatureScheme::ecdsa_secp384r1_sha384, SignatureScheme::ecdsa_secp521r1_sha512,
    SignatureScheme::rsa_pss_rsae_sha256,    SignatureScheme::rsa_pss_rsae_sha384,
    SignatureScheme::rsa_pss_rsae_sha512,    SignatureScheme::ed25519,
    SignatureScheme::rsa_pss_pss_sha256,     SignatureScheme::rsa_pss_pss_sha384,
    SignatureScheme::rsa_pss_pss_sha512,
};

// Slot of a group in ProviderChoices::key_exchange.
inline constexpr std::size_t group_slot(NamedGroup g) {
    switch (g) {
        case NamedGroup::x25519: return 0;
        case NamedGroup::secp256r1: return 1;
        case NamedGroup::secp384r1: return 2;
    }
    return 0;
}

// Slot of a scheme in ProviderChoices::verify; kVerifySchemes.size() if none.
constexpr std::size_t scheme_slot(SignatureScheme s) {
    for (std::size_t i = 0; i < kVerifySchemes.size(); ++i)
        if (kVerifySchemes[i] == s) return i;
    return kVerifySchemes.size();
}

struct ProviderChoices {
    std::array<Impl, 3> hash{};               // by HashAlg
    std::array<Impl, 3> hmac{};               // by HashAlg
    std::array<Impl, 3> hkdf{};               // by HashAlg
    std::array<Impl, 3> aead{};               // by AeadAlg
    std::array<Impl, 3> header_protection{};  // by AeadAlg
    std::array<Impl, 3> key_exchange{};       // by group_slot()
    std::array<Impl, kVerifySchemes.size()> verify{};  // by scheme_slot()
    Impl random = Impl::openssl;

    Impl& for_hash(HashAlg a) { return hash[static_cast<std::size_t>(a)]; }
    Impl& for_aead(AeadAlg a) { return aead[static_cast<std::size_t>(a)]; }
};

// The table default_provider() uses on this machine (reasons in the .cpp).
ProviderChoices default_choices();

// A provider routing each primitive per `choices`. Entries naming libsodium
// for an algorithm it lacks (SHA-384, AES-128-GCM, AES header protection,
// AES-256-GCM without AES-NI, NIST curves, RSA/ECDSA) fall back to libcrypto,
// so any table is safe to try.
ProviderPtr composite_provider(const ProviderChoices& choices);

}  // namespace qtls::crypto
