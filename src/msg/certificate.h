// Certificate (RFC 8446 §4.4.2), X.509 certificate type only.
#pragma once

#include <vector>

#include "msg/extensions.h"
#include "qtls/error.h"

namespace qtls::msg {

struct Certificate {
    struct Entry {
        Bytes data;  // cert_data<1..2^24-1> (DER)
        Extensions extensions;  // <0..2^16-1>, CertificateEntry context
    };

    Bytes context;  // certificate_request_context<0..2^8-1>
    std::vector<Entry> entries;  // certificate_list<0..2^24-1>, leaf first

    Bytes encode() const;
    // Empty cert_data, bad lengths or trailing bytes -> decode_error. An
    // empty list is accepted here; the engine decides (decode_error from a
    // server, certificate_required policy for a client, §4.4.2.4).
    static Result<Certificate> decode(ByteView body);
};

}  // namespace qtls::msg
