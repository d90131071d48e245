#include "wire/reader.h"

namespace qtls::wire {

bool Reader::u8(std::uint8_t& out) {
    if (remaining() < 1) return false;
    out = data_[pos_++];
    return true;
}

bool Reader::u16(std::uint16_t& out) {
    if (remaining() < 2) return false;
    out = static_cast<std::uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
    pos_ += 2;
    return true;
}

bool Reader::u24(std::uint32_t& out) {
    if (remaining() < 3) return false;
    out = (std::uint32_t{data_[pos_]} << 16) | (std::uint32_t{data_[pos_ + 1]} << 8) | data_[pos_ + 2];
    pos_ += 3;
    return true;
}

bool Reader::u32(std::uint32_t& out) {
    if (remaining() < 4) return false;
    out = 0;
    for (int i = 0; i < 4; ++i) out = (out << 8) | data_[pos_++];
    return true;
}

bool Reader::u64(std::uint64_t& out) {
    if (remaining() < 8) return false;
    out = 0;
    for (int i = 0; i < 8; ++i) out = (out << 8) | data_[pos_++];
    return true;
}

bool Reader::bytes(std::size_t n, ByteView& out) {
    if (remaining() < n) return false;
    out = data_.subspan(pos_, n);
    pos_ += n;
    return true;
}

bool Reader::skip(std::size_t n) {
    ByteView ignored;
    return bytes(n, ignored);
}

bool Reader::vec(int prefix_len, ByteView& out) {
    std::uint32_t len = 0;
    bool ok = false;
    if (prefix_len == 1) {
        std::uint8_t v = 0;
        ok = u8(v);
        len = v;
    } else if (prefix_len == 2) {
        std::uint16_t v = 0;
        ok = u16(v);
        len = v;
    } else {
        ok = u24(len);
    }
    return ok && bytes(len, out);
}

bool Reader::sub8(Reader& out) {
    ByteView v;
    if (!vec8(v)) return false;
    out = Reader(v);
    return true;
}

bool Reader::sub16(Reader& out) {
    ByteView v;
    if (!vec16(v)) return false;
    out = Reader(v);
    return true;
}

bool Reader::sub24(Reader& out) {
    ByteView v;
    if (!vec24(v)) return false;
    out = Reader(v);
    return true;
}

}  // namespace qtls::wire
