#include <algorithm>
#include <cctype>
#include <string>

#include "qtls/types.h"

namespace qtls {

namespace {
std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}
}  // namespace

std::optional<NamedGroup> parse_group(std::string_view name) {
    std::string n = lower(name);
    if (n == "x25519") return NamedGroup::x25519;
    if (n == "p-256" || n == "p256" || n == "secp256r1" || n == "prime256v1") return NamedGroup::secp256r1;
    if (n == "p-384" || n == "p384" || n == "secp384r1") return NamedGroup::secp384r1;
    return std::nullopt;
}

std::optional<CipherSuite> parse_cipher_suite(std::string_view name) {
    std::string n = lower(name);
    for (CipherSuite s : {CipherSuite::aes_128_gcm_sha256, CipherSuite::aes_256_gcm_sha384,
                          CipherSuite::chacha20_poly1305_sha256})
        if (lower(to_string(s)) == n) return s;
    if (n == "aes128gcm" || n == "aes-128-gcm") return CipherSuite::aes_128_gcm_sha256;
    if (n == "aes256gcm" || n == "aes-256-gcm") return CipherSuite::aes_256_gcm_sha384;
    if (n == "chacha20" || n == "chacha20-poly1305") return CipherSuite::chacha20_poly1305_sha256;
    return std::nullopt;
}

std::optional<SignatureScheme> parse_signature_scheme(std::string_view name) {
    std::string n = lower(name);
    static constexpr SignatureScheme kAll[] = {
        SignatureScheme::ecdsa_secp256r1_sha256, SignatureScheme::ecdsa_secp384r1_sha384,
        SignatureScheme::ecdsa_secp521r1_sha512, SignatureScheme::rsa_pss_rsae_sha256,
        SignatureScheme::rsa_pss_rsae_sha384,    SignatureScheme::rsa_pss_rsae_sha512,
        SignatureScheme::ed25519,                SignatureScheme::rsa_pss_pss_sha256,
        SignatureScheme::rsa_pss_pss_sha384,     SignatureScheme::rsa_pss_pss_sha512,
        SignatureScheme::rsa_pkcs1_sha256,       SignatureScheme::rsa_pkcs1_sha384,
        SignatureScheme::rsa_pkcs1_sha512};
    for (SignatureScheme s : kAll)
        if (lower(to_string(s)) == n) return s;
    // OpenSSL spellings.
    if (n == "ecdsa+sha256") return SignatureScheme::ecdsa_secp256r1_sha256;
    if (n == "ecdsa+sha384") return SignatureScheme::ecdsa_secp384r1_sha384;
    if (n == "rsa-pss+sha256" || n == "rsa_pss_sha256") return SignatureScheme::rsa_pss_rsae_sha256;
    if (n == "rsa-pss+sha384" || n == "rsa_pss_sha384") return SignatureScheme::rsa_pss_rsae_sha384;
    if (n == "rsa-pss+sha512" || n == "rsa_pss_sha512") return SignatureScheme::rsa_pss_rsae_sha512;
    return std::nullopt;
}

}  // namespace qtls
