#include "compress/codec.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace qtls {

std::vector<CertificateCompression> all_certificate_compressions() {
    return {CertificateCompression::brotli, CertificateCompression::zstd, CertificateCompression::zlib};
}

std::string_view to_string(CertificateCompression c) {
    switch (c) {
        case CertificateCompression::zlib: return "zlib";
        case CertificateCompression::brotli: return "brotli";
        case CertificateCompression::zstd: return "zstd";
    }
    return "unknown";
}

std::optional<CertificateCompression> parse_certificate_compression(std::string_view name) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    for (CertificateCompression c : all_certificate_compressions())
        if (to_string(c) == lower) return c;
    return std::nullopt;
}

namespace compress {

const Codec* find_codec(std::uint16_t algorithm) {
    switch (static_cast<CertificateCompression>(algorithm)) {
        case CertificateCompression::zlib: return &kZlibCodec;
        case CertificateCompression::brotli: return &kBrotliCodec;
        case CertificateCompression::zstd: return &kZstdCodec;
    }
    return nullptr;
}

}  // namespace compress
}  // namespace qtls
