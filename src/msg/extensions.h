// The generic extension block (RFC 8446 §4.2): a list of (type, opaque body)
// pairs kept in wire order, so that re-encoding a decoded message is
// byte-exact. Typed bodies are in extension_codecs.h.
#pragma once

#include <cstdint>
#include <vector>

#include "msg/types.h"
#include "qtls/error.h"
#include "wire/reader.h"
#include "wire/writer.h"

namespace qtls::msg {

struct Extension {
    std::uint16_t type = 0;
    Bytes body;
};
using Extensions = std::vector<Extension>;

// First extension of the given type, or nullptr.
const Extension* find_extension(const Extensions& exts, ExtensionType type);

// Reads an Extension extensions<0..2^16-1> block (2-byte length prefix) from
// `r` into `out` (replacing its contents) and checks, per RFC 8446 §4.2:
//  - truncated / overlong framing                     -> decode_error
//  - the same type twice                              -> illegal_parameter
//  - a known extension (one in ExtensionType) in a message whose context does
//    not allow it (RFC 8446 §4.2 table; RFC 8449 §4, §7 for record_size_limit;
//    RFC 9001 §8.2 for quic_transport_parameters)   -> illegal_parameter
//  - pre_shared_key not last in a ClientHello (§4.2.11) -> illegal_parameter
// Unknown types (including GREASE, RFC 8701) are kept for the caller: a
// client must reject unsolicited ones (unsupported_extension), a server
// ignores them.
//
// `context` is the message carrying the block; for a CertificateEntry use
// HandshakeType::certificate. HelloRetryRequest is a ServerHello with the
// special random (§4.1.3) whose allowed set differs (key_share, cookie,
// supported_versions only): pass context = server_hello and is_hrr = true.
Status decode_extensions(wire::Reader& r, HandshakeType context, Extensions& out, bool is_hrr = false);

// True when RFC 8446 §4.2 (and the RFCs above) allow the known extension
// `type` in `context` (is_hrr as for decode_extensions). Unknown types: true.
bool extension_allowed(std::uint16_t type, HandshakeType context, bool is_hrr = false);

// Writes the block with its 2-byte length prefix, in the given order.
void encode_extensions(wire::Writer& w, const Extensions& exts);

}  // namespace qtls::msg
