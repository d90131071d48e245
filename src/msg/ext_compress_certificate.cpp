#include "msg/ext_compress_certificate.h"

#include "msg/codec_util.h"

namespace qtls::msg {

Bytes encode_compress_certificate(const std::vector<std::uint16_t>& algorithms) {
    Bytes out;
    wire::Writer w(out);
    std::size_t m = w.open(1);
    for (std::uint16_t a : algorithms) w.u16(a);
    detail::close_vec(w, m);
    return out;
}

Result<std::vector<std::uint16_t>> decode_compress_certificate(ByteView body) {
    wire::Reader r(body);
    ByteView list;
    if (!r.vec8(list)) return detail::decode_error("truncated compress_certificate");
    if (!r.empty()) return detail::decode_error("trailing bytes after compress_certificate");
    std::vector<std::uint16_t> out;
    // <2..2^8-2>: at least one algorithm, whole u16 entries only.
    if (!detail::read_u16_list(list, true, out)) return detail::decode_error("malformed compress_certificate list");
    return out;
}

}  // namespace qtls::msg
