// Small extension bodies: early_data (RFC 8446 §4.2.10), cookie (§4.2.2),
// post_handshake_auth (§4.2.6), record_size_limit (RFC 8449 §4) and
// status_request (RFC 6066 §8, RFC 8446 §4.4.2.1).
#pragma once

#include <cstdint>

#include "qtls/error.h"
#include "qtls/types.h"

namespace qtls::msg {

// early_data in ClientHello and EncryptedExtensions: empty body.
inline Bytes encode_early_data() { return {}; }
Status decode_early_data(ByteView body);
// early_data in NewSessionTicket: uint32 max_early_data_size.
Bytes encode_early_data_ticket(std::uint32_t max_early_data_size);
Result<std::uint32_t> decode_early_data_ticket(ByteView body);

// opaque cookie<1..2^16-1>.
Bytes encode_cookie(ByteView cookie);
Result<Bytes> decode_cookie(ByteView body);

// post_handshake_auth: empty body.
inline Bytes encode_post_handshake_auth() { return {}; }
Status decode_post_handshake_auth(ByteView body);

// uint16 RecordSizeLimit; a value below 64 -> illegal_parameter (RFC 8449 §4).
Bytes encode_record_size_limit(std::uint16_t limit);
Result<std::uint16_t> decode_record_size_limit(ByteView body);

// status_request in ClientHello: CertificateStatusRequest with
// status_type ocsp(1) and empty responder_id_list / request_extensions
// (RFC 6066 §8).
Bytes encode_status_request_ocsp();
// Validates the framing of a CertificateStatusRequest. An ocsp request is
// parsed fully (ResponderID<1..2^16-1> entries, extensions, no trailing
// bytes); another status_type carries an opaque body and is accepted.
// An empty body (as the server sends in CertificateRequest, §4.4.2.1) is
// accepted too.
Status decode_status_request(ByteView body);
// True when a (well-formed) CertificateStatusRequest asks for ocsp, the
// only status type TLS 1.3 staples (RFC 8446 §4.4.2.1).
bool is_ocsp_status_request(ByteView body);
// status_request in a CertificateEntry (RFC 8446 §4.4.2.1): CertificateStatus
// { status_type ocsp(1); opaque OCSPResponse<1..2^24-1>; }.
Bytes encode_certificate_status(ByteView ocsp_response);
Result<Bytes> decode_certificate_status(ByteView body);

}  // namespace qtls::msg
