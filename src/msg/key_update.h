// KeyUpdate (RFC 8446 §4.6.3) and EndOfEarlyData (§4.5): the two
// fixed-shape post-ClientHello control messages.
#pragma once

#include <cstdint>

#include "qtls/error.h"
#include "qtls/types.h"

namespace qtls::msg {

struct KeyUpdate {
    enum class Request : std::uint8_t { not_requested = 0, requested = 1 };
    Request request = Request::not_requested;

    Bytes encode() const;
    // Other values -> illegal_parameter (§4.6.3); wrong length -> decode_error.
    static Result<KeyUpdate> decode(ByteView body);
};

struct EndOfEarlyData {
    Bytes encode() const;
    // A non-empty body -> decode_error.
    static Result<EndOfEarlyData> decode(ByteView body);
};

}  // namespace qtls::msg
