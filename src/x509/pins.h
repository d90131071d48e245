// Public-key pinning (RFC 7469 §2.4 pin-sha256) checked on a verified chain.
#pragma once

#include <openssl/x509.h>

#include <vector>

#include "qtls/error.h"
#include "qtls/types.h"

namespace qtls::x509 {

// SHA-256 output size: the length of every pin.
inline constexpr std::size_t kSpkiPinSize = 32;

// ok when `pins` is empty or some certificate of `verified_chain` (leaf to
// anchor, as X509_STORE_CTX_get0_chain returns it) has a matching key;
// bad_certificate otherwise (RFC 8446 §6.2: the certificate is unacceptable).
Status check_spki_pins(STACK_OF(X509) * verified_chain, const std::vector<Bytes>& pins);

}  // namespace qtls::x509
