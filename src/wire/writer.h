// Appending writer with length-prefixed nesting (in the spirit of
// BoringSSL's CBB): open a vector, write its body, close it, and the prefix
// is patched in. Closing a vector whose body exceeds its prefix fails.
#pragma once

#include <cstddef>
#include <cstdint>

#include "qtls/types.h"

namespace qtls::wire {

class Writer {
public:
    explicit Writer(Bytes& out) : out_(out) {}

    void u8(std::uint8_t v) { out_.push_back(v); }
    void u16(std::uint16_t v);
    void u24(std::uint32_t v);
    void u32(std::uint32_t v);
    void u64(std::uint64_t v);
    void bytes(ByteView v) { out_.insert(out_.end(), v.begin(), v.end()); }
    void zeros(std::size_t n) { out_.insert(out_.end(), n, 0); }

    // Starts a vector with a prefix of `prefix_len` (1, 2 or 3) bytes; returns
    // a mark to pass to close().
    std::size_t open(int prefix_len);
    // Patches the prefix; false when the body is too long for it.
    bool close(std::size_t mark);

    void vec8(ByteView v);
    void vec16(ByteView v);
    void vec24(ByteView v);

    std::size_t size() const { return out_.size(); }
    Bytes& buffer() { return out_; }

private:
    Bytes& out_;
};

}  // namespace qtls::wire
