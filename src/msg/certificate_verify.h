// CertificateVerify (RFC 8446 §4.4.3).
#pragma once

#include <cstdint>

#include "qtls/error.h"
#include "qtls/types.h"

namespace qtls::msg {

struct CertificateVerify {
    std::uint16_t scheme = 0;  // SignatureScheme
    Bytes signature;  // <0..2^16-1>

    Bytes encode() const;
    static Result<CertificateVerify> decode(ByteView body);
};

}  // namespace qtls::msg
