#include "x509/verify_error.h"

#include <openssl/x509_vfy.h>

namespace qtls::x509 {

Error verify_error_to_alert(int err) {
    switch (err) {
        // certificate_expired: "a certificate has expired or is not currently valid".
        case X509_V_ERR_CERT_HAS_EXPIRED:
            return {Alert::certificate_expired, "certificate has expired"};
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return {Alert::certificate_expired, "certificate is not yet valid"};

        // unknown_ca: "the CA certificate could not be located or could not
        // be matched with a known trust anchor".
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
            return {Alert::unknown_ca, "certificate issuer is unknown"};
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
            return {Alert::unknown_ca, "self-signed certificate is not trusted"};
        case X509_V_ERR_CERT_UNTRUSTED:
            return {Alert::unknown_ca, "certificate chain does not end at a trusted root"};

        case X509_V_ERR_CERT_REVOKED:
            return {Alert::certificate_revoked, "certificate has been revoked"};

        // bad_certificate: "a certificate was corrupt, contained signatures
        // that did not verify correctly, etc."
        case X509_V_ERR_CERT_SIGNATURE_FAILURE:
        case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
        case X509_V_ERR_SIGNATURE_ALGORITHM_MISMATCH:
        case X509_V_ERR_SIGNATURE_ALGORITHM_INCONSISTENCY:
            return {Alert::bad_certificate, "certificate signature does not verify"};
        case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
        case X509_V_ERR_NO_ISSUER_PUBLIC_KEY:
        case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
        case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
        case X509_V_ERR_INVALID_EXTENSION:
        case X509_V_ERR_EXTENSIONS_REQUIRE_VERSION_3:
        case X509_V_ERR_EC_KEY_EXPLICIT_PARAMS:
            return {Alert::bad_certificate, "certificate is malformed"};
        case X509_V_ERR_INVALID_CA:
        case X509_V_ERR_INVALID_NON_CA:
        case X509_V_ERR_PATH_LENGTH_EXCEEDED:
        case X509_V_ERR_CERT_CHAIN_TOO_LONG:
        case X509_V_ERR_PATH_LOOP:
        case X509_V_ERR_PERMITTED_VIOLATION:
        case X509_V_ERR_EXCLUDED_VIOLATION:
        case X509_V_ERR_CERT_REJECTED:
            return {Alert::bad_certificate, "certificate chain is invalid"};

        // unsupported_certificate: "a certificate was of an unsupported
        // type" -- including one not issued for this use (RFC 5280 §4.2.1.3,
        // §4.2.1.12).
        case X509_V_ERR_INVALID_PURPOSE:
        case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
        case X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE:
            return {Alert::unsupported_certificate, "certificate is not valid for this purpose"};
        case X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION:
        case X509_V_ERR_UNSUPPORTED_SIGNATURE_ALGORITHM:
        case X509_V_ERR_EE_KEY_TOO_SMALL:
        case X509_V_ERR_CA_KEY_TOO_SMALL:
        case X509_V_ERR_CA_MD_TOO_WEAK:
            return {Alert::unsupported_certificate, "certificate uses an unsupported feature or weak key"};

        case X509_V_ERR_OUT_OF_MEM:
            return {Alert::internal_error, "out of memory during certificate verification"};

        // certificate_unknown: "some other (unspecified) issue arose".
        default:
            return {Alert::certificate_unknown, "certificate verification failed"};
    }
}

}  // namespace qtls::x509
