// Extension bodies that are plain lists of code points: supported_groups
// (RFC 8446 §4.2.7), signature_algorithms / signature_algorithms_cert
// (§4.2.3), supported_versions (§4.2.1), psk_key_exchange_modes (§4.2.9).
// Decoders take the extension body (without type and length) and reject
// trailing bytes, odd lengths and empty lists with decode_error.
#pragma once

#include <cstdint>
#include <vector>

#include "qtls/error.h"
#include "qtls/types.h"

namespace qtls::msg {

// NamedGroup named_group_list<2..2^16-1> (§4.2.7).
Bytes encode_supported_groups(const std::vector<std::uint16_t>& groups);
Result<std::vector<std::uint16_t>> decode_supported_groups(ByteView body);

// SignatureScheme supported_signature_algorithms<2..2^16-2> (§4.2.3).
Bytes encode_signature_algorithms(const std::vector<std::uint16_t>& schemes);
Result<std::vector<std::uint16_t>> decode_signature_algorithms(ByteView body);
// Same wire format, different extension type (§4.2.3).
Bytes encode_signature_algorithms_cert(const std::vector<std::uint16_t>& schemes);
Result<std::vector<std::uint16_t>> decode_signature_algorithms_cert(ByteView body);

// ClientHello: ProtocolVersion versions<2..254> (§4.2.1).
Bytes encode_supported_versions_client(const std::vector<std::uint16_t>& versions);
Result<std::vector<std::uint16_t>> decode_supported_versions_client(ByteView body);
// ServerHello / HelloRetryRequest: ProtocolVersion selected_version (§4.2.1).
Bytes encode_supported_versions_server(std::uint16_t version);
Result<std::uint16_t> decode_supported_versions_server(ByteView body);

// PskKeyExchangeMode ke_modes<1..255> (§4.2.9); values are kept as is
// (unknown modes are ignored by the engine, not rejected).
Bytes encode_psk_key_exchange_modes(const std::vector<std::uint8_t>& modes);
Result<std::vector<std::uint8_t>> decode_psk_key_exchange_modes(ByteView body);

}  // namespace qtls::msg
