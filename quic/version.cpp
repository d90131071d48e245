// Per-version constants of QUIC packet protection.
#include <array>
#include <cstdint>

#include "qtls/quic_crypto.h"

namespace qtls::quic {

namespace {

// RFC 9001 §5.2.
constexpr std::array<std::uint8_t, 20> kSaltV1 = {0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
                                                  0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a};
// RFC 9001 §5.8.
constexpr std::array<std::uint8_t, 16> kRetryKeyV1 = {0xbe, 0x0c, 0x69, 0x0b, 0x9f, 0x66, 0x57, 0x5a,
                                                      0x1d, 0x76, 0x6b, 0x54, 0xe3, 0x68, 0xc8, 0x4e};
constexpr std::array<std::uint8_t, 12> kRetryNonceV1 = {0x46, 0x15, 0x99, 0xd3, 0x5d, 0x63,
                                                        0x2b, 0xf2, 0x23, 0x98, 0x25, 0xbb};

// RFC 9369 §3.3.1.
constexpr std::array<std::uint8_t, 20> kSaltV2 = {0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
                                                  0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9};
// RFC 9369 §3.3.3.
constexpr std::array<std::uint8_t, 16> kRetryKeyV2 = {0x8f, 0xb4, 0xb0, 0x1b, 0x56, 0xac, 0x48, 0xe2,
                                                      0x60, 0xfb, 0xcb, 0xce, 0xad, 0x7c, 0xcc, 0x92};
constexpr std::array<std::uint8_t, 12> kRetryNonceV2 = {0xd8, 0x69, 0x69, 0xbc, 0x2d, 0x7c,
                                                        0x6d, 0x99, 0x90, 0xef, 0xb0, 0x4a};

constexpr VersionInfo kVersions[] = {
    // RFC 9001 §5.1 and §6.1.
    {Version::v1, {"quic key", "quic iv", "quic hp", "quic ku"}, kSaltV1, kRetryKeyV1, kRetryNonceV1},
    // RFC 9369 §3.3.2.
    {Version::v2, {"quicv2 key", "quicv2 iv", "quicv2 hp", "quicv2 ku"}, kSaltV2, kRetryKeyV2, kRetryNonceV2},
};

}  // namespace

const VersionInfo* version_info(Version v) { return version_info(static_cast<std::uint32_t>(v)); }

const VersionInfo* version_info(std::uint32_t wire_version) {
    for (const auto& info : kVersions)
        if (static_cast<std::uint32_t>(info.version) == wire_version) return &info;
    return nullptr;
}

}  // namespace qtls::quic
