// CertificateVerify helpers shared by client and server (RFC 8446 §4.4.3).
#pragma once

#include <optional>
#include <span>

#include "qtls/provider.h"

namespace qtls::handshake {

// 64 spaces || context string || 0x00 || transcript hash (§4.4.3).
Bytes certificate_verify_input(Side signer, const Digest& transcript);

// Schemes allowed in a TLS 1.3 CertificateVerify: no PKCS#1 v1.5, no SHA-1 (§4.4.3).
bool allowed_for_certificate_verify(SignatureScheme scheme);

// The first scheme in `peer_preference` (wire code points) that `ours`
// enables and the signer can produce.
std::optional<SignatureScheme> choose_signature_scheme(std::span<const std::uint16_t> peer_preference,
                                                       std::span<const SignatureScheme> ours,
                                                       std::span<const SignatureScheme> signer_can);

}  // namespace qtls::handshake
