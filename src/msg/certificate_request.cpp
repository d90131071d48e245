#include "msg/certificate_request.h"

#include "msg/codec_util.h"

namespace qtls::msg {

// RFC 8446 §4.3.2:
//   opaque certificate_request_context<0..2^8-1>;
//   Extension extensions<2..2^16-1>;
Bytes CertificateRequest::encode() const {
    Bytes out;
    wire::Writer w(out);
    std::size_t msg = detail::open_message(w, HandshakeType::certificate_request);
    w.vec8(context);
    encode_extensions(w, extensions);
    detail::close_vec(w, msg);
    return out;
}

Result<CertificateRequest> CertificateRequest::decode(ByteView body) {
    wire::Reader r(body);
    CertificateRequest cr;
    ByteView ctx;
    if (!r.vec8(ctx)) return detail::decode_error("truncated CertificateRequest");
    cr.context.assign(ctx.begin(), ctx.end());
    QTLS_TRY(decode_extensions(r, HandshakeType::certificate_request, cr.extensions));
    if (!r.empty()) return detail::decode_error("trailing bytes after CertificateRequest");
    // §4.3.2: "The signature_algorithms extension MUST be specified".
    if (find_extension(cr.extensions, ExtensionType::signature_algorithms) == nullptr)
        return Error{Alert::missing_extension, "CertificateRequest without signature_algorithms"};
    return cr;
}

}  // namespace qtls::msg
