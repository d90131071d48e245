#include "wire/writer.h"

namespace qtls::wire {

void Writer::u16(std::uint16_t v) {
    out_.push_back(static_cast<std::uint8_t>(v >> 8));
    out_.push_back(static_cast<std::uint8_t>(v));
}

void Writer::u24(std::uint32_t v) {
    out_.push_back(static_cast<std::uint8_t>(v >> 16));
    out_.push_back(static_cast<std::uint8_t>(v >> 8));
    out_.push_back(static_cast<std::uint8_t>(v));
}

void Writer::u32(std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out_.push_back(static_cast<std::uint8_t>(v >> shift));
}

void Writer::u64(std::uint64_t v) {
    for (int shift = 56; shift >= 0; shift -= 8) out_.push_back(static_cast<std::uint8_t>(v >> shift));
}

// The mark encodes the prefix length in its low two bits and the prefix
// position above them, so close() needs no side table.
std::size_t Writer::open(int prefix_len) {
    std::size_t pos = out_.size();
    out_.insert(out_.end(), static_cast<std::size_t>(prefix_len), 0);
    return (pos << 2) | static_cast<std::size_t>(prefix_len);
}

bool Writer::close(std::size_t mark) {
    std::size_t prefix_len = mark & 3;
    std::size_t pos = mark >> 2;
    std::size_t body = out_.size() - pos - prefix_len;
    if (body >= (std::size_t{1} << (8 * prefix_len))) return false;
    for (std::size_t i = 0; i < prefix_len; ++i)
        out_[pos + i] = static_cast<std::uint8_t>(body >> (8 * (prefix_len - 1 - i)));
    return true;
}

void Writer::vec8(ByteView v) {
    u8(static_cast<std::uint8_t>(v.size()));
    bytes(v);
}

void Writer::vec16(ByteView v) {
    u16(static_cast<std::uint16_t>(v.size()));
    bytes(v);
}

void Writer::vec24(ByteView v) {
    u24(static_cast<std::uint32_t>(v.size()));
    bytes(v);
}

}  // namespace qtls::wire
