#include "msg/server_hello.h"

#include <algorithm>

#include "msg/codec_util.h"

namespace qtls::msg {

// RFC 8446 §4.1.3: SHA-256("HelloRetryRequest").
const std::array<std::uint8_t, kRandomSize> kHelloRetryRequestRandom = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

// RFC 8446 §4.1.3: "DOWNGRD" followed by 01 (TLS 1.2) or 00 (TLS 1.1 and below).
const std::array<std::uint8_t, 8> kDowngradeTls12 = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01};
const std::array<std::uint8_t, 8> kDowngradeTls11 = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00};

// RFC 8446 §4.1.3:
//   ProtocolVersion legacy_version; Random random;
//   opaque legacy_session_id_echo<0..32>; CipherSuite cipher_suite;
//   uint8 legacy_compression_method = 0; Extension extensions<6..2^16-1>;
Bytes ServerHello::encode() const {
    Bytes out;
    wire::Writer w(out);
    std::size_t msg = detail::open_message(w, HandshakeType::server_hello);
    w.u16(legacy_version);
    w.bytes(random);
    w.vec8(legacy_session_id_echo);
    w.u16(cipher_suite);
    w.u8(legacy_compression_method);
    encode_extensions(w, extensions);
    detail::close_vec(w, msg);
    return out;
}

Result<ServerHello> ServerHello::decode(ByteView body) {
    wire::Reader r(body);
    ServerHello sh;
    ByteView random;
    ByteView session_id;
    if (!r.u16(sh.legacy_version) || !r.bytes(kRandomSize, random) || !r.vec8(session_id) ||
        !r.u16(sh.cipher_suite) || !r.u8(sh.legacy_compression_method))
        return detail::decode_error("truncated ServerHello");
    if (session_id.size() > kMaxLegacySessionIdSize) return detail::decode_error("ServerHello session id too long");
    if (sh.legacy_compression_method != 0) return detail::illegal_parameter("ServerHello compression method not 0");
    std::copy(random.begin(), random.end(), sh.random.begin());
    sh.legacy_session_id_echo.assign(session_id.begin(), session_id.end());
    // A pre-TLS-1.3 ServerHello may end here (RFC 5246 §7.4.1.3); the engine
    // sees no supported_versions and decides (protocol_version).
    if (r.empty()) return sh;
    QTLS_TRY(decode_extensions(r, HandshakeType::server_hello, sh.extensions, sh.is_hello_retry_request()));
    if (!r.empty()) return detail::decode_error("trailing bytes after ServerHello");
    return sh;
}

}  // namespace qtls::msg
