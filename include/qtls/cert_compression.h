/// @file
/// Certificate compression (RFC 8879): the algorithms a ClientConfig or
/// ServerConfig offers for certificates it receives and uses for the
/// certificates it sends.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "qtls/export.h"

// Everything declared below is part of the exported API (qtls/export.h).
QTLS_PUBLIC_BEGIN

namespace qtls {

/// CertificateCompressionAlgorithm code points (RFC 8879 §3, IANA registry §7.3).
enum class CertificateCompression : std::uint16_t {
    zlib = 1,    // RFC 1950
    brotli = 2,  // RFC 7932
    zstd = 3,    // RFC 8478
};

/// Every algorithm qtls implements, best ratio first: brotli, zstd, zlib.
std::vector<CertificateCompression> all_certificate_compressions();

/// "zlib", "brotli", "zstd".
std::string_view to_string(CertificateCompression c);
/// The names to_string prints (case-insensitive); nullopt for anything else.
std::optional<CertificateCompression> parse_certificate_compression(std::string_view name);

}  // namespace qtls
QTLS_PUBLIC_END
