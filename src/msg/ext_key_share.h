// key_share extension bodies (RFC 8446 §4.2.8).
#pragma once

#include <cstdint>
#include <vector>

#include "qtls/error.h"
#include "qtls/types.h"

namespace qtls::msg {

// KeyShareEntry { NamedGroup group; opaque key_exchange<1..2^16-1>; }
struct KeyShareEntry {
    std::uint16_t group = 0;
    Bytes key_exchange;
};

// ClientHello: KeyShareEntry client_shares<0..2^16-1> (may be empty, to
// ask for a HelloRetryRequest). Empty key_exchange -> decode_error; a group
// offered twice -> illegal_parameter.
Bytes encode_key_share_client(const std::vector<KeyShareEntry>& shares);
Result<std::vector<KeyShareEntry>> decode_key_share_client(ByteView body);

// ServerHello: one KeyShareEntry server_share.
Bytes encode_key_share_server(const KeyShareEntry& share);
Result<KeyShareEntry> decode_key_share_server(ByteView body);

// HelloRetryRequest: NamedGroup selected_group.
Bytes encode_key_share_hrr(std::uint16_t selected_group);
Result<std::uint16_t> decode_key_share_hrr(ByteView body);

}  // namespace qtls::msg
