// One-line, human-readable descriptions of handshake messages for the trace
// log. Used by both roles at the engine's single send and receive points,
// so what a client logs for a ClientHello it sent reads the same as what a
// server logs for one it received. Descriptions carry code points, names,
// lengths and counts only: never key shares, binders, tickets, signatures
// or Finished data.
#pragma once

#include <string>

#include "msg/types.h"

namespace qtls::msg {

// At most this many entries of a list (suites, groups, ALPN, ...) are
// spelled out; the rest is summarised as "+N".
inline constexpr std::size_t kMaxDescribedListItems = 16;
// Peer-chosen strings (SNI, ALPN, certificate subject) are cut to this length.
inline constexpr std::size_t kMaxDescribedStringLength = 128;

// `body` excludes the 4-byte header. A body that does not decode is
// described as "malformed: <cause>" (the engine then rejects it).
std::string describe_message(HandshakeType type, ByteView body);

// Every complete message in `framed` (headers included), separated by "; ".
std::string describe_messages(ByteView framed);

}  // namespace qtls::msg
