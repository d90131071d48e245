#include "qtls/config.h"

#include <algorithm>

#include "handshake/certificate_compression.h"
#include "handshake/certificate_type.h"

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

Status validate_external_psk(const ExternalPsk& p) {
    if (p.identity.empty() || p.identity.size() > kMaxExternalPskIdentityLength)
        return Error{Alert::internal_error, "config: external PSK identity must be 1..kMaxExternalPskIdentityLength bytes"};
    if (p.key.size() < kMinExternalPskKeyLength)
        return Error{Alert::internal_error, "config: external PSK key shorter than kMinExternalPskKeyLength"};
    if (!suite_info(p.suite)) return Error{Alert::internal_error, "config: external PSK with an unknown cipher suite"};
    return {};
}
// RFC 8446 §4: a handshake message body is at most 2^24 - 1 bytes; 0 would
// refuse every message.
Status validate_max_handshake_message_size(std::size_t n) {
    if (n == 0 || n > 0xffffff)
        return Error{Alert::internal_error, "config: max_handshake_message_size must be 1..2^24-1"};
    return {};
}
}  // namespace

Status validate(const ClientConfig& c) {
    QTLS_TRY(validate_common(c.cipher_suites, c.groups, c.signature_schemes, c.alpn));
    QTLS_TRY(handshake::validate_server_certificate_types(c));
    QTLS_TRY(handshake::validate_certificate_compression(c.certificate_compression));
    // RFC 7250: a client that accepts raw public keys only needs no X.509 verifier.
    const bool accepts_x509 = std::find(c.server_certificate_types.begin(), c.server_certificate_types.end(),
                                        CertificateType::x509) != c.server_certificate_types.end();
    // With external PSKs and no verifier the client accepts only PSK handshakes.
    for (const auto& p : c.external_psks) QTLS_TRY(validate_external_psk(p));
    if (accepts_x509 && !c.verifier && !c.deferred.verify_peer && c.external_psks.empty())
        return Error{Alert::internal_error, "config: client has no certificate verifier"};
    if (c.deferred.select_certificate)
        return Error{Alert::internal_error, "config: a client has no certificate selection to defer"};
    for (auto g : c.key_share_groups)
        if (std::find(c.groups.begin(), c.groups.end(), g) == c.groups.end())
            return Error{Alert::internal_error, "config: key share group not in supported groups"};
    if (c.record_size_limit != 0 && c.record_size_limit < 64)
        return Error{Alert::internal_error, "config: record_size_limit below 64 (RFC 8449)"};
    QTLS_TRY(validate_max_handshake_message_size(c.max_handshake_message_size));
    return {};
}

Status validate(const ServerConfig& c) {
    QTLS_TRY(validate_common(c.cipher_suites, c.groups, c.signature_schemes, c.alpn));
    if (!c.cert_resolver && !c.deferred.select_certificate && !c.external_psks)
        return Error{Alert::internal_error, "config: server has no certificate (and no external PSKs)"};
    QTLS_TRY(handshake::validate_certificate_compression(c.certificate_compression));
    if (c.ticket_lifetime_s > 604800) return Error{Alert::internal_error, "config: ticket lifetime above 7 days (RFC 8446 §4.6.1)"};
    QTLS_TRY(handshake::validate_client_certificate_types(c));
    // RFC 7250: a server that accepts client raw public keys only needs no X.509 verifier.
    const bool accepts_x509 = std::find(c.client_certificate_types.begin(), c.client_certificate_types.end(),
                                        CertificateType::x509) != c.client_certificate_types.end();
    if (c.client_auth != ClientAuth::none && accepts_x509 && !c.client_verifier && !c.deferred.verify_peer)
        return Error{Alert::internal_error, "config: client authentication needs a client verifier"};
    if (c.record_size_limit != 0 && c.record_size_limit < 64)
        return Error{Alert::internal_error, "config: record_size_limit below 64 (RFC 8449)"};
    QTLS_TRY(validate_max_handshake_message_size(c.max_handshake_message_size));
    return {};
}

}  // namespace qtls
