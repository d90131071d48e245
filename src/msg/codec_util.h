// Internal helpers shared by the msg codecs (not part of the msg API).
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "msg/types.h"
#include "qtls/error.h"
#include "wire/reader.h"
#include "wire/writer.h"

namespace qtls::msg::detail {

inline Error decode_error(std::string_view what) { return Error{Alert::decode_error, what}; }
inline Error illegal_parameter(std::string_view what) { return Error{Alert::illegal_parameter, what}; }

// Closes a vector opened with Writer::open. Encoders take in-range values
// from the engine; an oversized vector is a programming error.
inline void close_vec(wire::Writer& w, std::size_t mark) {
    [[maybe_unused]] bool ok = w.close(mark);
    assert(ok && "vector body exceeds its length prefix");
}

// Starts a handshake message (RFC 8446 §4): type byte and a u24 length
// placeholder. Returns the mark to pass to close_vec once the body is written.
inline std::size_t open_message(wire::Writer& w, HandshakeType type) {
    w.u8(static_cast<std::uint8_t>(type));
    return w.open(3);
}

// Reads a u16 list whose body is `body` (after the vector prefix): the
// length must be even and, when non_empty, non-zero.
inline bool read_u16_list(ByteView body, bool non_empty, std::vector<std::uint16_t>& out) {
    if (body.size() % 2 != 0 || (non_empty && body.empty())) return false;
    wire::Reader r(body);
    out.clear();
    out.reserve(body.size() / 2);
    std::uint16_t v = 0;
    while (r.u16(v)) out.push_back(v);
    return true;
}

}  // namespace qtls::msg::detail
