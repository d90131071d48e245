// Strict DER decoding of one certificate (RFC 5280 §4.1): the whole input
// must be exactly one Certificate, with no trailing bytes.
#pragma once

#include "crypto/libcrypto_ptr.h"
#include "qtls/types.h"

namespace qtls::x509 {

// nullptr when the bytes are not exactly one DER certificate.
crypto::X509Ptr decode_certificate(ByteView der);

}  // namespace qtls::x509
