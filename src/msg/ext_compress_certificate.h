// The compress_certificate extension (RFC 8879 §3), sent in ClientHello
// and CertificateRequest by whoever will receive a certificate.
#pragma once

#include <cstdint>
#include <vector>

#include "qtls/error.h"
#include "qtls/types.h"

namespace qtls::msg {

// CertificateCompressionAlgorithm algorithms<2..2^8-2>. Code points are
// kept as sent: unknown ones are ignored by the engine, not rejected.
Bytes encode_compress_certificate(const std::vector<std::uint16_t>& algorithms);
// Empty list, odd length or trailing bytes -> decode_error.
Result<std::vector<std::uint16_t>> decode_compress_certificate(ByteView body);

}  // namespace qtls::msg
