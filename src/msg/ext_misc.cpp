#include "msg/ext_misc.h"

#include "msg/codec_util.h"

namespace qtls::msg {
namespace {

// RFC 6066 §8: CertificateStatusType ocsp(1).
constexpr std::uint8_t kStatusTypeOcsp = 1;

}  // namespace

// RFC 8446 §4.2.10: empty in ClientHello and EncryptedExtensions.
Status decode_early_data(ByteView body) {
    if (!body.empty()) return detail::decode_error("non-empty early_data");
    return {};
}

// §4.2.10: uint32 max_early_data_size in NewSessionTicket.
Bytes encode_early_data_ticket(std::uint32_t max_early_data_size) {
    Bytes out;
    wire::Writer(out).u32(max_early_data_size);
    return out;
}

Result<std::uint32_t> decode_early_data_ticket(ByteView body) {
    wire::Reader r(body);
    std::uint32_t v = 0;
    if (!r.u32(v) || !r.empty()) return detail::decode_error("malformed early_data");
    return v;
}

// §4.2.2: opaque cookie<1..2^16-1>.
Bytes encode_cookie(ByteView cookie) {
    Bytes out;
    wire::Writer w(out);
    std::size_t m = w.open(2);
    w.bytes(cookie);
    detail::close_vec(w, m);
    return out;
}

Result<Bytes> decode_cookie(ByteView body) {
    wire::Reader r(body);
    ByteView cookie;
    if (!r.vec16(cookie) || !r.empty() || cookie.empty()) return detail::decode_error("malformed cookie");
    return Bytes(cookie.begin(), cookie.end());
}

// §4.2.6: empty body.
Status decode_post_handshake_auth(ByteView body) {
    if (!body.empty()) return detail::decode_error("non-empty post_handshake_auth");
    return {};
}

// RFC 8449 §4: uint16 RecordSizeLimit.
Bytes encode_record_size_limit(std::uint16_t limit) {
    Bytes out;
    wire::Writer(out).u16(limit);
    return out;
}

Result<std::uint16_t> decode_record_size_limit(ByteView body) {
    wire::Reader r(body);
    std::uint16_t v = 0;
    if (!r.u16(v) || !r.empty()) return detail::decode_error("malformed record_size_limit");
    if (v < kMinRecordSizeLimit) return detail::illegal_parameter("record_size_limit below 64");
    return v;
}

// RFC 6066 §8: CertificateStatusRequest { status_type ocsp(1);
//   OCSPStatusRequest { ResponderID responder_id_list<0..2^16-1>;
//                       Extensions request_extensions; } }
Bytes encode_status_request_ocsp() {
    Bytes out;
    wire::Writer w(out);
    w.u8(kStatusTypeOcsp);
    w.u16(0);  // responder_id_list
    w.u16(0);  // request_extensions
    return out;
}

Status decode_status_request(ByteView body) {
    // RFC 8446 §4.4.2.1: the server's request in CertificateRequest is empty.
    if (body.empty()) return {};
    wire::Reader r(body);
    std::uint8_t type = 0;
    if (!r.u8(type)) return detail::decode_error("malformed status_request");
    // Other status types (e.g. ocsp_multi, RFC 6961) are opaque here.
    if (type != kStatusTypeOcsp) return {};
    wire::Reader ids;
    ByteView exts;
    if (!r.sub16(ids) || !r.vec16(exts) || !r.empty()) return detail::decode_error("malformed status_request");
    while (!ids.empty()) {
        ByteView id;  // opaque ResponderID<1..2^16-1>
        if (!ids.vec16(id) || id.empty()) return detail::decode_error("malformed status_request responder id");
    }
    return {};
}

bool is_ocsp_status_request(ByteView body) { return !body.empty() && body[0] == kStatusTypeOcsp; }

// RFC 8446 §4.4.2.1 / RFC 6066 §8: CertificateStatus { status_type ocsp(1);
//   opaque OCSPResponse<1..2^24-1>; }
Bytes encode_certificate_status(ByteView ocsp_response) {
    Bytes out;
    wire::Writer w(out);
    w.u8(kStatusTypeOcsp);
    std::size_t m = w.open(3);
    w.bytes(ocsp_response);
    detail::close_vec(w, m);
    return out;
}

Result<Bytes> decode_certificate_status(ByteView body) {
    wire::Reader r(body);
    std::uint8_t type = 0;
    ByteView resp;
    if (!r.u8(type)) return detail::decode_error("malformed certificate status");
    // Only ocsp is requested in TLS 1.3 (§4.4.2.1), so another type is an
    // answer to nothing we asked.
    if (type != kStatusTypeOcsp) return detail::illegal_parameter("unsupported certificate status type");
    if (!r.vec24(resp) || !r.empty() || resp.empty()) return detail::decode_error("malformed certificate status");
    return Bytes(resp.begin(), resp.end());
}

}  // namespace qtls::msg
