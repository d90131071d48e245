// Locates the SubjectPublicKeyInfo inside a DER certificate without a full
// decode (RFC 5280 §4.1): the handshake needs the leaf's key once more after
// the chain was verified, and re-decoding the certificate with libcrypto
// costs more than the signature check itself.
#pragma once

#include <optional>

#include "qtls/types.h"

namespace qtls::x509 {

// The complete SubjectPublicKeyInfo element (tag and length included), or
// nullopt when `cert_der` is not a well-formed certificate prefix.
std::optional<ByteView> find_subject_public_key_info(ByteView cert_der);

}  // namespace qtls::x509
