// Checking a stapled OCSP response (RFC 6960, stapled per RFC 6066 §8 and
// RFC 8446 §4.4.2.1) against a chain X509_STORE has already verified.
#pragma once

#include <openssl/x509_vfy.h>

#include <cstdint>

#include "qtls/error.h"
#include "qtls/types.h"

namespace qtls::x509 {

// `verified` is the chain X509_verify_cert built (leaf first, anchor last),
// `store` the trust store it was built from; `now` is seconds since the
// epoch. Good -> ok; revoked -> certificate_revoked; anything else
// (undecodable, not successful, bad signature or signer, no answer for the
// leaf, stale, unknown status) -> bad_certificate_status_response.
Status check_ocsp_staple(ByteView der, STACK_OF(X509) * verified, X509_STORE* store, std::int64_t now);

}  // namespace qtls::x509
