// CompressedCertificate (RFC 8879 §4): a Certificate message body run
// through one of the algorithms the receiver offered. The engine turns it
// back into a Certificate (src/handshake/certificate_compression.h).
#pragma once

#include <cstdint>

#include "qtls/error.h"
#include "qtls/types.h"

namespace qtls::msg {

struct CompressedCertificate {
    std::uint16_t algorithm = 0;            // CertificateCompressionAlgorithm
    std::uint32_t uncompressed_length = 0;  // uint24: the Certificate body, without its header
    Bytes compressed;                       // compressed_certificate_message<1..2^24-1>

    // The whole handshake message, header included.
    Bytes encode() const;
    // Truncation, an empty compressed_certificate_message or trailing bytes
    // -> decode_error. Algorithm and length are checked by the engine,
    // which knows what it offered and how large a message it accepts.
    static Result<CompressedCertificate> decode(ByteView body);
};

}  // namespace qtls::msg
