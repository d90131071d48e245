// CertificateRequest (RFC 8446 §4.3.2).
#pragma once

#include "msg/extensions.h"
#include "qtls/error.h"

namespace qtls::msg {

struct CertificateRequest {
    Bytes context;  // certificate_request_context<0..2^8-1>
    Extensions extensions;  // <2..2^16-1>; signature_algorithms required

    Bytes encode() const;
    // No signature_algorithms extension -> missing_extension (§4.3.2).
    static Result<CertificateRequest> decode(ByteView body);
};

}  // namespace qtls::msg
