// NewSessionTicket (RFC 8446 §4.6.1).
#pragma once

#include <cstdint>

#include "msg/extensions.h"
#include "qtls/error.h"

namespace qtls::msg {

struct NewSessionTicket {
    std::uint32_t lifetime = 0;  // seconds, at most 604800
    std::uint32_t age_add = 0;
    Bytes nonce;   // <0..255>
    Bytes ticket;  // <1..2^16-1>
    Extensions extensions;  // <0..2^16-2>

    Bytes encode() const;
    // Empty ticket / framing errors -> decode_error; lifetime above 7 days
    // -> illegal_parameter (§4.6.1).
    static Result<NewSessionTicket> decode(ByteView body);
};

}  // namespace qtls::msg
