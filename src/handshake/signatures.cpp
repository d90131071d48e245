#include "handshake/signatures.h"

#include <algorithm>
#include <cstring>
#include <string_view>

namespace qtls::handshake {

Bytes certificate_verify_input(Side signer, const Digest& transcript) {
    constexpr std::string_view kServer = "TLS 1.3, server CertificateVerify";
    constexpr std::string_view kClient = "TLS 1.3, client CertificateVerify";
    std::string_view context = signer == Side::server ? kServer : kClient;
    const ByteView hash = transcript.view();
    Bytes out(64 + context.size() + 1 + hash.size(), 0x20);
    std::memcpy(out.data() + 64, context.data(), context.size());
    out[64 + context.size()] = 0;
    if (!hash.empty()) std::memcpy(out.data() + 64 + context.size() + 1, hash.data(), hash.size());
    return out;
}

bool allowed_for_certificate_verify(SignatureScheme scheme) {
    switch (scheme) {
        case SignatureScheme::ecdsa_secp256r1_sha256:
        case SignatureScheme::ecdsa_secp384r1_sha384:
        case SignatureScheme::ecdsa_secp521r1_sha512:
        case SignatureScheme::rsa_pss_rsae_sha256:
        case SignatureScheme::rsa_pss_rsae_sha384:
        case SignatureScheme::rsa_pss_rsae_sha512:
        case SignatureScheme::ed25519:
        case SignatureScheme::rsa_pss_pss_sha256:
        case SignatureScheme::rsa_pss_pss_sha384:
        case SignatureScheme::rsa_pss_pss_sha512: return true;
        default: return false;
    }
}

std::optional<SignatureScheme> choose_signature_scheme(std::span<const std::uint16_t> peer_preference,
                                                       std::span<const SignatureScheme> ours,
                                                       std::span<const SignatureScheme> signer_can) {
    for (std::uint16_t code : peer_preference) {
        auto scheme = static_cast<SignatureScheme>(code);
        if (!allowed_for_certificate_verify(scheme)) continue;
        if (std::find(ours.begin(), ours.end(), scheme) == ours.end()) continue;
        if (std::find(signer_can.begin(), signer_can.end(), scheme) == signer_can.end()) continue;
        return scheme;
    }
    return std::nullopt;
}

}  // namespace qtls::handshake
