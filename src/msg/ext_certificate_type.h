// client_certificate_type (19) and server_certificate_type (20) bodies,
// RFC 7250 §3 as used by TLS 1.3 (the server's answer travels in
// EncryptedExtensions, RFC 8446 §4.3.1).
#pragma once

#include <cstdint>
#include <vector>

#include "qtls/error.h"
#include "qtls/types.h"

namespace qtls::msg {

// CertificateType code points (IANA "TLS Certificate Types"): X509(0),
// OpenPGP(1, RFC 6091, not used by TLS 1.3), RawPublicKey(2).
inline constexpr std::uint8_t kCertificateTypeX509 = 0;
inline constexpr std::uint8_t kCertificateTypeRawPublicKey = 2;

// ClientHello: CertificateType client_/server_certificate_types<1..2^8-1>.
// Values are kept as sent (the engine ignores the ones it does not know);
// an empty list, a bad length or trailing bytes -> decode_error.
Bytes encode_certificate_types(const std::vector<std::uint8_t>& types);
Result<std::vector<std::uint8_t>> decode_certificate_types(ByteView body);

// EncryptedExtensions: the one CertificateType the server selected; any
// other body length -> decode_error.
Bytes encode_certificate_type_selected(std::uint8_t type);
Result<std::uint8_t> decode_certificate_type_selected(ByteView body);

}  // namespace qtls::msg
