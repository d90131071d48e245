// Extension bodies that carry names: server_name (RFC 6066 §3),
// application_layer_protocol_negotiation (RFC 7301 §3.1) and
// certificate_authorities (RFC 8446 §4.2.4).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "qtls/error.h"
#include "qtls/types.h"

namespace qtls::msg {

// ClientHello server_name: a ServerNameList holding one host_name entry
// (RFC 6066 §3). `host` must be 1..2^16-1 bytes.
Bytes encode_server_name(std::string_view host);
// Returns the host_name. Empty list, empty host name, truncation, trailing
// bytes, or an unknown name_type (whose length cannot be parsed) ->
// decode_error; a second host_name entry or a NUL byte in the name ->
// illegal_parameter.
Result<std::string> decode_server_name(ByteView body);
// The server's acknowledgement in EncryptedExtensions is an empty body
// (RFC 6066 §3); decode_server_name_ack rejects a non-empty one.
inline Bytes encode_server_name_ack() { return {}; }
Status decode_server_name_ack(ByteView body);

// ProtocolName protocol_name_list<2..2^16-1>, ProtocolName<1..2^8-1>
// (RFC 7301 §3.1). Empty list or empty name -> decode_error.
Bytes encode_alpn(const std::vector<std::string>& protocols);
Result<std::vector<std::string>> decode_alpn(ByteView body);
// The server's reply names exactly one protocol (RFC 7301 §3.1); more than
// one -> decode_error.
Bytes encode_alpn_server(std::string_view protocol);
Result<std::string> decode_alpn_server(ByteView body);

// DistinguishedName authorities<3..2^16-1>, DistinguishedName<1..2^16-1>
// (RFC 8446 §4.2.4). The DER names are returned unparsed.
Bytes encode_certificate_authorities(const std::vector<Bytes>& names);
Result<std::vector<Bytes>> decode_certificate_authorities(ByteView body);

}  // namespace qtls::msg
