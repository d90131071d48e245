// pre_shared_key extension bodies (RFC 8446 §4.2.11).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "qtls/error.h"
#include "qtls/types.h"

namespace qtls::msg {

// PskIdentity { opaque identity<1..2^16-1>; uint32 obfuscated_ticket_age; }
struct PskIdentity {
    Bytes identity;
    std::uint32_t obfuscated_ticket_age = 0;
};

// OfferedPsks { PskIdentity identities<7..2^16-1>;
//               PskBinderEntry binders<33..2^16-1>; }  PskBinderEntry<32..255>
struct OfferedPsks {
    std::vector<PskIdentity> identities;
    std::vector<Bytes> binders;
};

// ClientHello. Decode: empty lists, empty identity, binder shorter than 32
// bytes, truncation or trailing bytes -> decode_error; identities.size() !=
// binders.size() -> illegal_parameter.
Bytes encode_pre_shared_key_client(const OfferedPsks& psks);
Result<OfferedPsks> decode_pre_shared_key_client(ByteView body);

// Length of the encoded binders list including its 2-byte prefix. Because
// pre_shared_key is the last ClientHello extension, the ClientHello truncated
// for binder computation (§4.2.11.2) is the full encoded message minus this
// many trailing bytes.
std::size_t binders_encoded_length(const OfferedPsks& psks);

// ServerHello: uint16 selected_identity.
Bytes encode_pre_shared_key_server(std::uint16_t selected_identity);
Result<std::uint16_t> decode_pre_shared_key_server(ByteView body);

}  // namespace qtls::msg
