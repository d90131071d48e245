// signed_certificate_timestamp (RFC 6962 §3.3, carried per RFC 8446 §4.4.2.1):
// the client's empty request and the SCT list a server staples to its leaf.
#pragma once

#include "qtls/error.h"
#include "qtls/types.h"

namespace qtls::msg {

// In ClientHello (and CertificateRequest) the body is empty (RFC 6962 §3.3.1).
inline Bytes encode_sct_request() { return {}; }
Status decode_sct_request(ByteView body);

// In a CertificateEntry: SignedCertificateTimestampList
//   { SerializedSCT sct_list<1..2^16-1>; }  opaque SerializedSCT<1..2^16-1>;
// The list is kept as on the wire (the body itself): qtls checks only its
// framing and leaves the SCTs to the application's policy.
Status check_sct_list(ByteView body);
inline Bytes encode_sct_list(ByteView list) { return Bytes(list.begin(), list.end()); }
Result<Bytes> decode_sct_list(ByteView body);

}  // namespace qtls::msg
