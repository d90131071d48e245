// Finished (RFC 8446 §4.4.4).
#pragma once

#include <cstddef>

#include "qtls/error.h"
#include "qtls/types.h"

namespace qtls::msg {

struct Finished {
    Bytes verify_data;  // Hash.length bytes, no length prefix

    Bytes encode() const;
    // The body must be exactly `hash_len` bytes; otherwise decode_error.
    static Result<Finished> decode(ByteView body, std::size_t hash_len);
};

}  // namespace qtls::msg
