// Translating libcrypto chain-verification results into the alert
// RFC 8446 §6.2 says to send.
#pragma once

#include "qtls/error.h"

namespace qtls::x509 {

// err: an X509_V_ERR_* code from X509_STORE_CTX_get_error (never X509_V_OK).
Error verify_error_to_alert(int err);

}  // namespace qtls::x509
