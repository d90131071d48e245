// Reassembles handshake messages from arbitrarily fragmented bytes (TLS
// records may split and coalesce messages, RFC 8446 §5.1; QUIC CRYPTO frames
// likewise, RFC 9001 §4).
#pragma once

#include <cstddef>
#include <optional>

#include "msg/types.h"
#include "qtls/error.h"

namespace qtls::msg {

struct RawMessage {
    HandshakeType type = HandshakeType::client_hello;
    ByteView body;  // without the 4-byte header
    ByteView full;  // header + body (for the transcript)
    // Both views point into the assembler's buffer and stay valid until the
    // next append(), next() or clear() call.
};

class MessageAssembler {
public:
    explicit MessageAssembler(std::size_t max_message_size = kMaxHandshakeMessageSize);

    // Buffers `bytes`. Every header that becomes complete is checked at once,
    // so what stays buffered is complete messages the caller handed over plus
    // at most one partial message no larger than the limit. A declared body
    // length above max_message_size -> decode_error ("handshake message too
    // large"). Errors are sticky until clear().
    Status append(ByteView bytes);

    // true and `out` set when a complete message is available; false when
    // more bytes are needed. A message type that cannot appear on the wire
    // -> unexpected_message.
    Result<bool> next(RawMessage& out);

    // Bytes are buffered that next() has not returned: part of a message,
    // or whole messages not yet taken. At a key change this must be false
    // (RFC 8446 §5.1: handshake messages must not span a key change).
    bool has_partial() const { return buffered() != 0; }
    // Number of bytes buffered and not yet returned by next().
    std::size_t buffered() const { return buf_.size() - start_; }
    std::size_t max_message_size() const { return max_; }
    void clear();

private:
    Status check_headers();

    std::size_t max_;
    Bytes buf_;
    std::size_t start_ = 0;  // first byte not yet returned by next()
    std::size_t scan_ = 0;   // first header not yet size-checked
    std::optional<Error> failed_;
};

}  // namespace qtls::msg
