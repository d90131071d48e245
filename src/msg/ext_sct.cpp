#include "msg/ext_sct.h"

#include "msg/codec_util.h"

namespace qtls::msg {

Status decode_sct_request(ByteView body) {
    if (!body.empty()) return detail::decode_error("non-empty signed_certificate_timestamp request");
    return {};
}

// RFC 6962 §3.3: a non-empty u16 list of non-empty u16-prefixed SCTs, and
// nothing after it.
Status check_sct_list(ByteView body) {
    wire::Reader r(body);
    wire::Reader list;
    if (!r.sub16(list) || !r.empty() || list.empty()) return detail::decode_error("malformed SCT list");
    while (!list.empty()) {
        ByteView sct;
        if (!list.vec16(sct) || sct.empty()) return detail::decode_error("malformed SerializedSCT");
    }
    return {};
}

Result<Bytes> decode_sct_list(ByteView body) {
    QTLS_TRY(check_sct_list(body));
    return Bytes(body.begin(), body.end());
}

}  // namespace qtls::msg
