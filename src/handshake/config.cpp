#include "qtls/config.h"

#include <algorithm>

namespace qtls {

std::vector<CipherSuite> default_cipher_suites() {
    return {CipherSuite::aes_128_gcm_sha256, CipherSuite::aes_256_gcm_sha384, CipherSuite::chacha20_poly1305_sha256};
}

std::vector<NamedGroup> default_groups() {
    return {NamedGroup::x25519, NamedGroup::secp256r1, NamedGroup::secp384r1};
}

std::vector<SignatureScheme> default_signature_schemes() {
    return {SignatureScheme::ecdsa_secp256r1_sha256, SignatureScheme::ecdsa_secp384r1_sha384,
            SignatureScheme::ed25519,                SignatureScheme::rsa_pss_rsae_sha256,
            SignatureScheme::rsa_pss_rsae_sha384,    SignatureScheme::rsa_pss_rsae_sha512,
            SignatureScheme::rsa_pss_pss_sha256,     SignatureScheme::rsa_pss_pss_sha384,
            SignatureScheme::rsa_pss_pss_sha512};
}

namespace {
Status validate_common(const std::vector<CipherSuite>& suites, const std::vector<NamedGroup>& groups,
                       const std::vector<SignatureScheme>& schemes, const std::vector<std::string>& alpn) {
    if (suites.empty()) return Error{Alert::internal_error, "config: no cipher suites"};
    for (auto s : suites)
        if (!suite_info(s)) return Error{Alert::internal_error, "config: unknown cipher suite"};
    if (groups.empty()) return Error{Alert::internal_error, "config: no key exchange groups"};
    if (schemes.empty()) return Error{Alert::internal_error, "config: no signature schemes"};
    for (const auto& p : alpn)
        if (p.empty() || p.size() > 255) return Error{Alert::internal_error, "config: ALPN names must be 1..255 bytes"};
    return {};
}
}  // namespace

Status validate(const ClientConfig& c) {
    QTLS_TRY(validate_common(c.cipher_suites, c.groups, c.signature_schemes, c.alpn));
    if (!c.verifier) return Error{Alert::internal_error, "config: client has no certificate verifier"};
    for (auto g : c.key_share_groups)
        if (std::find(c.groups.begin(), c.groups.end(), g) == c.groups.end())
            return Error{Alert::internal_error, "config: key share group not in supported groups"};
    if (c.record_size_limit != 0 && c.record_size_limit < 64)
        return Error{Alert::internal_error, "config: record_size_limit below 64 (RFC 8449)"};
    return {};
}

Status validate(const ServerConfig& c) {
    QTLS_TRY(validate_common(c.cipher_suites, c.groups, c.signature_schemes, c.alpn));
    if (!c.cert_resolver) return Error{Alert::internal_error, "config: server has no certificate"};
    if (c.ticket_lifetime_s > 604800) return Error{Alert::internal_error, "config: ticket lifetime above 7 days (RFC 8446 §4.6.1)"};
    if (c.client_auth != ClientAuth::none && !c.client_verifier)
        return Error{Alert::internal_error, "config: client authentication needs a client verifier"};
    if (c.record_size_limit != 0 && c.record_size_limit < 64)
        return Error{Alert::internal_error, "config: record_size_limit below 64 (RFC 8449)"};
    return {};
}

}  // namespace qtls
