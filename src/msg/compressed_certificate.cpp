#include "msg/compressed_certificate.h"

#include "msg/codec_util.h"

namespace qtls::msg {

// RFC 8879 §4: CertificateCompressionAlgorithm algorithm; uint24
// uncompressed_length; opaque compressed_certificate_message<1..2^24-1>;
Bytes CompressedCertificate::encode() const {
    Bytes out;
    out.reserve(kHandshakeHeaderSize + 8 + compressed.size());
    wire::Writer w(out);
    std::size_t msg = detail::open_message(w, HandshakeType::compressed_certificate);
    w.u16(algorithm);
    w.u24(uncompressed_length);
    std::size_t m = w.open(3);
    w.bytes(compressed);
    detail::close_vec(w, m);
    detail::close_vec(w, msg);
    return out;
}

Result<CompressedCertificate> CompressedCertificate::decode(ByteView body) {
    wire::Reader r(body);
    CompressedCertificate cc;
    ByteView data;
    if (!r.u16(cc.algorithm) || !r.u24(cc.uncompressed_length) || !r.vec24(data))
        return detail::decode_error("truncated CompressedCertificate");
    if (data.empty()) return detail::decode_error("empty compressed_certificate_message");
    if (!r.empty()) return detail::decode_error("trailing bytes after CompressedCertificate");
    cc.compressed.assign(data.begin(), data.end());
    return cc;
}

}  // namespace qtls::msg
