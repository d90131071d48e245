#include "msg/ext_certificate_type.h"

#include "msg/codec_util.h"

namespace qtls::msg {

// RFC 7250 §3: the client's preference-ordered list, a u8-prefixed vector.
Bytes encode_certificate_types(const std::vector<std::uint8_t>& types) {
    Bytes out;
    wire::Writer w(out);
    std::size_t m = w.open(1);
    for (std::uint8_t t : types) w.u8(t);
    detail::close_vec(w, m);
    return out;
}

Result<std::vector<std::uint8_t>> decode_certificate_types(ByteView body) {
    wire::Reader r(body);
    ByteView list;
    if (!r.vec8(list) || !r.empty()) return detail::decode_error("malformed certificate type list");
    if (list.empty()) return detail::decode_error("empty certificate type list");
    return std::vector<std::uint8_t>(list.begin(), list.end());
}

// RFC 7250 §3: the server answers with exactly one type, no length prefix.
Bytes encode_certificate_type_selected(std::uint8_t type) { return Bytes{type}; }

Result<std::uint8_t> decode_certificate_type_selected(ByteView body) {
    if (body.size() != 1) return detail::decode_error("malformed selected certificate type");
    return body[0];
}

}  // namespace qtls::msg
