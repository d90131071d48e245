#include "msg/finished.h"

#include "msg/codec_util.h"

namespace qtls::msg {

// RFC 8446 §4.4.4: opaque verify_data[Hash.length];
Bytes Finished::encode() const { return frame_message(HandshakeType::finished, verify_data); }

Result<Finished> Finished::decode(ByteView body, std::size_t hash_len) {
    if (body.size() != hash_len) return detail::decode_error("Finished has the wrong length");
    return Finished{Bytes(body.begin(), body.end())};
}

}  // namespace qtls::msg
