#include "msg/encrypted_extensions.h"

#include "msg/codec_util.h"

namespace qtls::msg {

// RFC 8446 §4.3.1: Extension extensions<0..2^16-1>;
Bytes EncryptedExtensions::encode() const {
    Bytes out;
    wire::Writer w(out);
    std::size_t msg = detail::open_message(w, HandshakeType::encrypted_extensions);
    encode_extensions(w, extensions);
    detail::close_vec(w, msg);
    return out;
}

Result<EncryptedExtensions> EncryptedExtensions::decode(ByteView body) {
    wire::Reader r(body);
    EncryptedExtensions ee;
    QTLS_TRY(decode_extensions(r, HandshakeType::encrypted_extensions, ee.extensions));
    if (!r.empty()) return detail::decode_error("trailing bytes after EncryptedExtensions");
    return ee;
}

}  // namespace qtls::msg
