#include "msg/certificate.h"

#include "msg/codec_util.h"

namespace qtls::msg {

// RFC 8446 §4.4.2:
//   opaque certificate_request_context<0..2^8-1>;
//   CertificateEntry certificate_list<0..2^24-1>;
//   CertificateEntry { opaque cert_data<1..2^24-1>; Extension extensions<0..2^16-1>; }
Bytes Certificate::encode() const {
    Bytes out;
    wire::Writer w(out);
    std::size_t msg = detail::open_message(w, HandshakeType::certificate);
    w.vec8(context);
    std::size_t list = w.open(3);
    for (const Entry& e : entries) {
        std::size_t m = w.open(3);
        w.bytes(e.data);
        detail::close_vec(w, m);
        encode_extensions(w, e.extensions);
    }
    detail::close_vec(w, list);
    detail::close_vec(w, msg);
    return out;
}

Result<Certificate> Certificate::decode(ByteView body) {
    wire::Reader r(body);
    Certificate c;
    ByteView ctx;
    wire::Reader list;
    if (!r.vec8(ctx) || !r.sub24(list)) return detail::decode_error("truncated Certificate");
    if (!r.empty()) return detail::decode_error("trailing bytes after Certificate");
    c.context.assign(ctx.begin(), ctx.end());
    while (!list.empty()) {
        Entry e;
        ByteView data;
        if (!list.vec24(data) || data.empty()) return detail::decode_error("malformed certificate entry");
        e.data.assign(data.begin(), data.end());
        QTLS_TRY(decode_extensions(list, HandshakeType::certificate, e.extensions));
        c.entries.push_back(std::move(e));
    }
    return c;
}

}  // namespace qtls::msg
