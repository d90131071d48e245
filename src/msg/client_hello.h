// ClientHello (RFC 8446 §4.1.2).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "msg/extensions.h"
#include "msg/types.h"
#include "qtls/error.h"

namespace qtls::msg {

struct ClientHello {
    // Always 0x0303 on the wire in TLS 1.3; decode stores whatever was sent
    // (the engine decides from supported_versions, §4.2.1).
    std::uint16_t legacy_version = kLegacyVersionTls12;
    std::array<std::uint8_t, kRandomSize> random{};
    Bytes legacy_session_id;                  // <0..32>
    std::vector<std::uint16_t> cipher_suites;  // <2..2^16-2>
    // <1..2^8-1>; must be exactly {0} in TLS 1.3: decode keeps it, the
    // engine checks (illegal_parameter, §4.1.2).
    Bytes legacy_compression_methods{0};
    Extensions extensions;  // wire order; pre_shared_key last (§4.2.11)

    // Full message including the 4-byte handshake header. legacy_version is
    // written as stored (0x0303 unless changed).
    Bytes encode() const;
    // `body` excludes the header. Truncation, bad vector lengths, an empty
    // cipher_suites or compression list, an odd cipher_suites length or
    // trailing bytes -> decode_error; extension rules per decode_extensions.
    // A ClientHello that ends after the compression methods (no extension
    // block, as pre-TLS-1.3 clients may send) decodes with no extensions.
    static Result<ClientHello> decode(ByteView body);
};

}  // namespace qtls::msg
