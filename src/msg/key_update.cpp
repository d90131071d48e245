#include "msg/key_update.h"

#include "msg/codec_util.h"

namespace qtls::msg {

// RFC 8446 §4.6.3: KeyUpdateRequest request_update;
Bytes KeyUpdate::encode() const {
    const std::uint8_t body[1] = {static_cast<std::uint8_t>(request)};
    return frame_message(HandshakeType::key_update, body);
}

Result<KeyUpdate> KeyUpdate::decode(ByteView body) {
    if (body.size() != 1) return detail::decode_error("KeyUpdate has the wrong length");
    // §4.6.3: any other value -> illegal_parameter.
    if (body[0] > static_cast<std::uint8_t>(Request::requested))
        return detail::illegal_parameter("invalid KeyUpdate request");
    return KeyUpdate{static_cast<Request>(body[0])};
}

// RFC 8446 §4.5: struct {} EndOfEarlyData;
Bytes EndOfEarlyData::encode() const { return frame_message(HandshakeType::end_of_early_data, {}); }

Result<EndOfEarlyData> EndOfEarlyData::decode(ByteView body) {
    if (!body.empty()) return detail::decode_error("non-empty EndOfEarlyData");
    return EndOfEarlyData{};
}

}  // namespace qtls::msg
