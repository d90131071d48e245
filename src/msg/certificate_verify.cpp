#include "msg/certificate_verify.h"

#include "msg/codec_util.h"

namespace qtls::msg {

// RFC 8446 §4.4.3: SignatureScheme algorithm; opaque signature<0..2^16-1>;
Bytes CertificateVerify::encode() const {
    Bytes out;
    wire::Writer w(out);
    std::size_t msg = detail::open_message(w, HandshakeType::certificate_verify);
    w.u16(scheme);
    std::size_t m = w.open(2);
    w.bytes(signature);
    detail::close_vec(w, m);
    detail::close_vec(w, msg);
    return out;
}

Result<CertificateVerify> CertificateVerify::decode(ByteView body) {
    wire::Reader r(body);
    CertificateVerify cv;
    ByteView sig;
    if (!r.u16(cv.scheme) || !r.vec16(sig)) return detail::decode_error("truncated CertificateVerify");
    if (!r.empty()) return detail::decode_error("trailing bytes after CertificateVerify");
    cv.signature.assign(sig.begin(), sig.end());
    return cv;
}

}  // namespace qtls::msg
