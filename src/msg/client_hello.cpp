#include "msg/client_hello.h"

#include <algorithm>

#include "msg/codec_util.h"

namespace qtls::msg {

// RFC 8446 §4.1.2:
//   ProtocolVersion legacy_version; Random random;
//   opaque legacy_session_id<0..32>; CipherSuite cipher_suites<2..2^16-2>;
//   opaque legacy_compression_methods<1..2^8-1>;
//   Extension extensions<8..2^16-1>;
Bytes ClientHello::encode() const {
    Bytes out;
    wire::Writer w(out);
    std::size_t msg = detail::open_message(w, HandshakeType::client_hello);
    w.u16(legacy_version);
    w.bytes(random);
    w.vec8(legacy_session_id);
    std::size_t suites = w.open(2);
    for (std::uint16_t s : cipher_suites) w.u16(s);
    detail::close_vec(w, suites);
    w.vec8(legacy_compression_methods);
    encode_extensions(w, extensions);
    detail::close_vec(w, msg);
    return out;
}

Result<ClientHello> ClientHello::decode(ByteView body) {
    wire::Reader r(body);
    ClientHello ch;
    ByteView random;
    ByteView session_id;
    ByteView suites;
    ByteView compression;
    if (!r.u16(ch.legacy_version) || !r.bytes(kRandomSize, random) || !r.vec8(session_id) || !r.vec16(suites) ||
        !r.vec8(compression))
        return detail::decode_error("truncated ClientHello");
    if (session_id.size() > kMaxLegacySessionIdSize) return detail::decode_error("ClientHello session id too long");
    if (!detail::read_u16_list(suites, true, ch.cipher_suites))
        return detail::decode_error("malformed ClientHello cipher_suites");
    if (compression.empty()) return detail::decode_error("empty ClientHello compression methods");
    std::copy(random.begin(), random.end(), ch.random.begin());
    ch.legacy_session_id.assign(session_id.begin(), session_id.end());
    ch.legacy_compression_methods.assign(compression.begin(), compression.end());
    // A pre-TLS-1.3 ClientHello may end here (RFC 5246 §7.4.1.2); the engine
    // then finds no supported_versions and answers protocol_version.
    if (r.empty()) return ch;
    QTLS_TRY(decode_extensions(r, HandshakeType::client_hello, ch.extensions));
    if (!r.empty()) return detail::decode_error("trailing bytes after ClientHello");
    return ch;
}

}  // namespace qtls::msg
