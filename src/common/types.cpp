#include "qtls/error.h"
#include "qtls/types.h"

namespace qtls {

namespace {
// RFC 8446 §B.4: each suite fixes the transcript hash and the AEAD.
constexpr SuiteInfo kSuites[] = {
    {CipherSuite::aes_128_gcm_sha256, HashAlg::sha256, AeadAlg::aes_128_gcm, 32, 16, "TLS_AES_128_GCM_SHA256"},
    {CipherSuite::aes_256_gcm_sha384, HashAlg::sha384, AeadAlg::aes_256_gcm, 48, 32, "TLS_AES_256_GCM_SHA384"},
    {CipherSuite::chacha20_poly1305_sha256, HashAlg::sha256, AeadAlg::chacha20_poly1305, 32, 32,
     "TLS_CHACHA20_POLY1305_SHA256"},
};
}  // namespace

const SuiteInfo* suite_info(CipherSuite suite) { return suite_info(static_cast<std::uint16_t>(suite)); }

const SuiteInfo* suite_info(std::uint16_t code) {
    for (const auto& s : kSuites)
        if (static_cast<std::uint16_t>(s.suite) == code) return &s;
    return nullptr;
}

std::size_t hash_length(HashAlg alg) {
    switch (alg) {
        case HashAlg::sha256: return 32;
        case HashAlg::sha384: return 48;
        case HashAlg::sha512: return 64;
    }
    return 0;
}

std::size_t aead_key_length(AeadAlg alg) { return alg == AeadAlg::aes_128_gcm ? 16 : 32; }

std::string_view to_string(CipherSuite s) {
    const SuiteInfo* info = suite_info(s);
    return info ? info->name : "unknown";
}

std::string_view to_string(NamedGroup g) {
    switch (g) {
        case NamedGroup::x25519: return "X25519";
        case NamedGroup::secp256r1: return "P-256";
        case NamedGroup::secp384r1: return "P-384";
    }
    return "unknown";
}

std::string_view to_string(SignatureScheme s) {
    switch (s) {
        case SignatureScheme::rsa_pkcs1_sha256: return "rsa_pkcs1_sha256";
        case SignatureScheme::rsa_pkcs1_sha384: return "rsa_pkcs1_sha384";
        case SignatureScheme::rsa_pkcs1_sha512: return "rsa_pkcs1_sha512";
        case SignatureScheme::ecdsa_secp256r1_sha256: return "ecdsa_secp256r1_sha256";
        case SignatureScheme::ecdsa_secp384r1_sha384: return "ecdsa_secp384r1_sha384";
        case SignatureScheme::ecdsa_secp521r1_sha512: return "ecdsa_secp521r1_sha512";
        case SignatureScheme::rsa_pss_rsae_sha256: return "rsa_pss_rsae_sha256";
        case SignatureScheme::rsa_pss_rsae_sha384: return "rsa_pss_rsae_sha384";
        case SignatureScheme::rsa_pss_rsae_sha512: return "rsa_pss_rsae_sha512";
        case SignatureScheme::ed25519: return "ed25519";
        case SignatureScheme::rsa_pss_pss_sha256: return "rsa_pss_pss_sha256";
        case SignatureScheme::rsa_pss_pss_sha384: return "rsa_pss_pss_sha384";
        case SignatureScheme::rsa_pss_pss_sha512: return "rsa_pss_pss_sha512";
    }
    return "unknown";
}

std::string_view to_string(Epoch e) {
    switch (e) {
        case Epoch::initial: return "initial";
        case Epoch::early_data: return "early_data";
        case Epoch::handshake: return "handshake";
        case Epoch::application: return "application";
    }
    return "unknown";
}

std::string_view to_string(Alert a) {
    switch (a) {
        case Alert::close_notify: return "close_notify";
        case Alert::unexpected_message: return "unexpected_message";
        case Alert::bad_record_mac: return "bad_record_mac";
        case Alert::record_overflow: return "record_overflow";
        case Alert::handshake_failure: return "handshake_failure";
        case Alert::bad_certificate: return "bad_certificate";
        case Alert::unsupported_certificate: return "unsupported_certificate";
        case Alert::certificate_revoked: return "certificate_revoked";
        case Alert::certificate_expired: return "certificate_expired";
        case Alert::certificate_unknown: return "certificate_unknown";
        case Alert::illegal_parameter: return "illegal_parameter";
        case Alert::unknown_ca: return "unknown_ca";
        case Alert::access_denied: return "access_denied";
        case Alert::decode_error: return "decode_error";
        case Alert::decrypt_error: return "decrypt_error";
        case Alert::protocol_version: return "protocol_version";
        case Alert::insufficient_security: return "insufficient_security";
        case Alert::internal_error: return "internal_error";
        case Alert::inappropriate_fallback: return "inappropriate_fallback";
        case Alert::user_canceled: return "user_canceled";
        case Alert::missing_extension: return "missing_extension";
        case Alert::unsupported_extension: return "unsupported_extension";
        case Alert::unrecognized_name: return "unrecognized_name";
        case Alert::bad_certificate_status_response: return "bad_certificate_status_response";
        case Alert::unknown_psk_identity: return "unknown_psk_identity";
        case Alert::certificate_required: return "certificate_required";
        case Alert::no_application_protocol: return "no_application_protocol";
    }
    return "unknown_alert";
}

}  // namespace qtls
