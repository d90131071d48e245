#include "msg/ext_lists.h"

#include "msg/codec_util.h"

namespace qtls::msg {
namespace {

// Encodes a u16 list with a `prefix_len`-byte length prefix.
Bytes encode_u16_list(const std::vector<std::uint16_t>& values, int prefix_len) {
    Bytes out;
    wire::Writer w(out);
    std::size_t m = w.open(prefix_len);
    for (std::uint16_t v : values) w.u16(v);
    detail::close_vec(w, m);
    return out;
}

// Decodes a non-empty u16 list with a 2-byte prefix that fills `body`.
Result<std::vector<std::uint16_t>> decode_u16_list16(ByteView body, std::string_view what) {
    wire::Reader r(body);
    ByteView list;
    std::vector<std::uint16_t> out;
    if (!r.vec16(list) || !r.empty() || !detail::read_u16_list(list, true, out)) return detail::decode_error(what);
    return out;
}

}  // namespace

// §4.2.7: NamedGroup named_group_list<2..2^16-1>.
Bytes encode_supported_groups(const std::vector<std::uint16_t>& groups) { return encode_u16_list(groups, 2); }

Result<std::vector<std::uint16_t>> decode_supported_groups(ByteView body) {
    return decode_u16_list16(body, "malformed supported_groups");
}

// §4.2.3: SignatureScheme supported_signature_algorithms<2..2^16-2>.
Bytes encode_signature_algorithms(const std::vector<std::uint16_t>& schemes) { return encode_u16_list(schemes, 2); }

Result<std::vector<std::uint16_t>> decode_signature_algorithms(ByteView body) {
    return decode_u16_list16(body, "malformed signature_algorithms");
}

Bytes encode_signature_algorithms_cert(const std::vector<std::uint16_t>& schemes) {
    return encode_u16_list(schemes, 2);
}

Result<std::vector<std::uint16_t>> decode_signature_algorithms_cert(ByteView body) {
    return decode_u16_list16(body, "malformed signature_algorithms_cert");
}

// §4.2.1: ProtocolVersion versions<2..254> (1-byte prefix).
Bytes encode_supported_versions_client(const std::vector<std::uint16_t>& versions) {
    return encode_u16_list(versions, 1);
}

Result<std::vector<std::uint16_t>> decode_supported_versions_client(ByteView body) {
    wire::Reader r(body);
    ByteView list;
    std::vector<std::uint16_t> out;
    if (!r.vec8(list) || !r.empty() || list.size() > 254 || !detail::read_u16_list(list, true, out))
        return detail::decode_error("malformed supported_versions");
    return out;
}

// §4.2.1: ProtocolVersion selected_version.
Bytes encode_supported_versions_server(std::uint16_t version) {
    Bytes out;
    wire::Writer(out).u16(version);
    return out;
}

Result<std::uint16_t> decode_supported_versions_server(ByteView body) {
    wire::Reader r(body);
    std::uint16_t v = 0;
    if (!r.u16(v) || !r.empty()) return detail::decode_error("malformed supported_versions");
    return v;
}

// §4.2.9: PskKeyExchangeMode ke_modes<1..255>.
Bytes encode_psk_key_exchange_modes(const std::vector<std::uint8_t>& modes) {
    Bytes out;
    wire::Writer w(out);
    std::size_t m = w.open(1);
    for (std::uint8_t v : modes) w.u8(v);
    detail::close_vec(w, m);
    return out;
}

Result<std::vector<std::uint8_t>> decode_psk_key_exchange_modes(ByteView body) {
    wire::Reader r(body);
    ByteView list;
    if (!r.vec8(list) || !r.empty() || list.empty()) return detail::decode_error("malformed psk_key_exchange_modes");
    return std::vector<std::uint8_t>(list.begin(), list.end());
}

}  // namespace qtls::msg
