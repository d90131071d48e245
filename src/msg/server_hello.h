// ServerHello and HelloRetryRequest (RFC 8446 §4.1.3, §4.1.4).
#pragma once

#include <array>
#include <cstdint>

#include "msg/extensions.h"
#include "msg/types.h"
#include "qtls/error.h"

namespace qtls::msg {

// SHA-256("HelloRetryRequest"): the ServerHello.random that marks a
// HelloRetryRequest (RFC 8446 §4.1.3).
extern const std::array<std::uint8_t, kRandomSize> kHelloRetryRequestRandom;
// Last 8 bytes of ServerHello.random when a TLS 1.3 server negotiates
// TLS 1.2 / TLS 1.1 or below (RFC 8446 §4.1.3): "DOWNGRD" || 01 / 00.
extern const std::array<std::uint8_t, 8> kDowngradeTls12;
extern const std::array<std::uint8_t, 8> kDowngradeTls11;

struct ServerHello {
    std::uint16_t legacy_version = kLegacyVersionTls12;
    std::array<std::uint8_t, kRandomSize> random{};
    Bytes legacy_session_id_echo;  // <0..32>
    std::uint16_t cipher_suite = 0;
    std::uint8_t legacy_compression_method = 0;
    Extensions extensions;

    bool is_hello_retry_request() const { return random == kHelloRetryRequestRandom; }

    // Full message including the 4-byte handshake header.
    Bytes encode() const;
    // `body` excludes the header. The extension context follows the random:
    // a HelloRetryRequest allows only key_share, cookie, supported_versions.
    // Framing errors / trailing bytes -> decode_error; a non-zero
    // legacy_compression_method -> illegal_parameter (§4.1.3). A body that
    // ends after the compression method (a pre-TLS-1.3 server) decodes with
    // no extensions, leaving the version decision to the engine.
    static Result<ServerHello> decode(ByteView body);
};

}  // namespace qtls::msg
