#include "msg/assembler.h"

#include "msg/codec_util.h"

namespace qtls::msg {
namespace {

// Body length from the u24 in bytes 1..3 of a handshake header (RFC 8446 §4).
std::size_t header_length(const Bytes& buf, std::size_t at) {
    return (std::size_t{buf[at + 1]} << 16) | (std::size_t{buf[at + 2]} << 8) | buf[at + 3];
}

}  // namespace

MessageAssembler::MessageAssembler(std::size_t max_message_size)
    : max_(max_message_size < kMaxU24 ? max_message_size : kMaxU24) {}

Status MessageAssembler::append(ByteView bytes) {
    if (failed_) return *failed_;
    // Compact: drop what next() already returned (its views end here), keeping
    // the allocation for reuse.
    if (start_ > 0) {
        buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(start_));
        scan_ -= start_;
        start_ = 0;
    }
    buf_.insert(buf_.end(), bytes.begin(), bytes.end());
    return check_headers();
}

// Walks every header that is now complete, so an oversized declaration is
// refused before its body is buffered.
Status MessageAssembler::check_headers() {
    while (scan_ + kHandshakeHeaderSize <= buf_.size()) {
        std::size_t len = header_length(buf_, scan_);
        if (len > max_) {
            failed_ = detail::decode_error("handshake message too large");
            return *failed_;
        }
        scan_ += kHandshakeHeaderSize + len;
    }
    return {};
}

Result<bool> MessageAssembler::next(RawMessage& out) {
    if (failed_) return *failed_;
    std::size_t avail = buf_.size() - start_;
    if (avail < kHandshakeHeaderSize) return false;
    std::uint8_t type = buf_[start_];
    // Report a bad type as soon as the header is here, before its body.
    if (!is_wire_handshake_type(type)) {
        failed_ = Error{Alert::unexpected_message, "unknown handshake message type"};
        return *failed_;
    }
    std::size_t len = header_length(buf_, start_);
    if (len > max_) {  // already refused by append(); kept for safety
        failed_ = detail::decode_error("handshake message too large");
        return *failed_;
    }
    if (avail < kHandshakeHeaderSize + len) return false;
    ByteView all(buf_);
    out.type = static_cast<HandshakeType>(type);
    out.full = all.subspan(start_, kHandshakeHeaderSize + len);
    out.body = out.full.subspan(kHandshakeHeaderSize);
    start_ += kHandshakeHeaderSize + len;
    return true;
}

void MessageAssembler::clear() {
    buf_.clear();
    start_ = 0;
    scan_ = 0;
    failed_.reset();
}

}  // namespace qtls::msg
