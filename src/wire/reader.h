// Bounded reader over a byte span (in the spirit of BoringSSL's CBS): every
// read checks the remaining length first, and a failed read poisons nothing
// but returns false, so decoders map it to decode_error (RFC 8446 §6.2).
#pragma once

#include <cstddef>
#include <cstdint>

#include "qtls/types.h"

namespace qtls::wire {

class Reader {
public:
    Reader() = default;
    explicit Reader(ByteView data) : data_(data) {}

    std::size_t remaining() const { return data_.size() - pos_; }
    bool empty() const { return remaining() == 0; }
    ByteView rest() const { return data_.subspan(pos_); }
    std::size_t position() const { return pos_; }

    bool u8(std::uint8_t& out);
    bool u16(std::uint16_t& out);
    bool u24(std::uint32_t& out);
    bool u32(std::uint32_t& out);
    bool u64(std::uint64_t& out);
    bool bytes(std::size_t n, ByteView& out);
    bool skip(std::size_t n);

    // Length-prefixed vectors <min..max> (RFC 8446 §3.4): the prefix is 1, 2
    // or 3 bytes; the body must lie within the reader.
    bool vec8(ByteView& out) { return vec(1, out); }
    bool vec16(ByteView& out) { return vec(2, out); }
    bool vec24(ByteView& out) { return vec(3, out); }
    bool sub8(Reader& out);
    bool sub16(Reader& out);
    bool sub24(Reader& out);

private:
    bool vec(int prefix_len, ByteView& out);
    ByteView data_;
    std::size_t pos_ = 0;
};

}  // namespace qtls::wire
