#include "x509/ocsp_staple.h"

#include <openssl/err.h>
#include <openssl/ocsp.h>

#include <climits>
#include <ctime>

#include "crypto/libcrypto_ptr.h"
#include "qtls/certs.h"

namespace qtls::x509 {

using OcspResponsePtr = crypto::LibcryptoPtr<OCSP_RESPONSE, OCSP_RESPONSE_free>;
using OcspBasicPtr = crypto::LibcryptoPtr<OCSP_BASICRESP, OCSP_BASICRESP_free>;

namespace {

using OcspCertIdPtr = crypto::LibcryptoPtr<OCSP_CERTID, OCSP_CERTID_free>;

Error bad(std::string_view what) { return Error{Alert::bad_certificate_status_response, what}; }

// The single response about `leaf`: the responder picks the CertID hash
// (RFC 6960 §4.1.1), so each entry is compared with an ID of the leaf made
// with that entry's own hash algorithm.
OCSP_SINGLERESP* find_leaf_response(OCSP_BASICRESP* basic, X509* leaf, X509* issuer) {
    const int n = OCSP_resp_count(basic);
    for (int i = 0; i < n; ++i) {
        OCSP_SINGLERESP* single = OCSP_resp_get0(basic, i);
        const OCSP_CERTID* id = OCSP_SINGLERESP_get0_id(single);
        ASN1_OBJECT* hash_oid = nullptr;
        if (OCSP_id_get0_info(nullptr, &hash_oid, nullptr, nullptr, const_cast<OCSP_CERTID*>(id)) != 1) continue;
        const EVP_MD* md = EVP_get_digestbyobj(hash_oid);
        if (md == nullptr) continue;
        OcspCertIdPtr ours(OCSP_cert_to_id(md, leaf, issuer));
        if (ours && OCSP_id_cmp(ours.get(), id) == 0) return single;
    }
    return nullptr;
}

}  // namespace

Status check_ocsp_staple(ByteView der, STACK_OF(X509) * verified, X509_STORE* store, std::int64_t now) {
    if (der.empty() || der.size() > static_cast<std::size_t>(LONG_MAX)) return bad("empty or oversized OCSP staple");
    const int chain_len = sk_X509_num(verified);
    if (chain_len < 1) return bad("no verified chain for the OCSP staple");
    X509* leaf = sk_X509_value(verified, 0);
    // A self-issued leaf (chain of one) is its own issuer.
    X509* issuer = sk_X509_value(verified, chain_len > 1 ? 1 : 0);

    const unsigned char* p = der.data();
    OcspResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
    if (!response || p != der.data() + der.size()) {
        ERR_clear_error();
        return bad("OCSP staple is not a DER OCSPResponse");
    }
    // RFC 6960 §4.2.1: only "successful" carries a response at all.
    if (OCSP_response_status(response.get()) != OCSP_RESPONSE_STATUS_SUCCESSFUL)
        return bad("OCSP staple status is not successful");
    OcspBasicPtr basic(OCSP_response_get1_basic(response.get()));
    if (!basic) {
        ERR_clear_error();
        return bad("OCSP staple is not a basic response");
    }
    // RFC 6960 §4.2.2.2: signed by the issuer itself or by a responder the
    // issuer certified for OCSPSigning; the signer's own chain must reach
    // our trust store. The verified chain helps find the signer.
    const int rc = OCSP_basic_verify(basic.get(), verified, store, 0);
    ERR_clear_error();
    if (rc != 1) return bad("OCSP staple signature or signer does not verify");

    OCSP_SINGLERESP* single = find_leaf_response(basic.get(), leaf, issuer);
    ERR_clear_error();
    if (single == nullptr) return bad("OCSP staple says nothing about the leaf certificate");
    int reason = 0;
    ASN1_GENERALIZEDTIME* revoked_at = nullptr;
    ASN1_GENERALIZEDTIME* this_update = nullptr;
    ASN1_GENERALIZEDTIME* next_update = nullptr;
    const int status = OCSP_single_get0_status(single, &reason, &revoked_at, &this_update, &next_update);

    // Freshness (RFC 6960 §4.2.2.1, §3.2 item 6): thisUpdate not in the
    // future and nextUpdate, when given, not in the past, both with slack.
    time_t early = static_cast<time_t>(now + kOcspClockSkewSeconds);
    time_t late = static_cast<time_t>(now - kOcspClockSkewSeconds);
    // X509_cmp_time: -1 earlier, 1 later, 0 when the time does not parse.
    const int starts = this_update != nullptr ? X509_cmp_time(this_update, &early) : 0;
    const int ends = next_update != nullptr ? X509_cmp_time(next_update, &late) : 1;
    ERR_clear_error();
    if (starts == 0 || ends == 0) return bad("OCSP staple has a malformed time");
    if (starts > 0) return bad("OCSP staple not yet valid");
    if (ends < 0) return bad("OCSP staple has expired");

    switch (status) {
        case V_OCSP_CERTSTATUS_GOOD: return {};
        case V_OCSP_CERTSTATUS_REVOKED: return Error{Alert::certificate_revoked, "OCSP staple: certificate revoked"};
        default: return bad("OCSP staple: certificate status unknown");
    }
}

}  // namespace qtls::x509

namespace qtls {

std::string ocsp_response_summary(ByteView der) {
    using x509::OcspBasicPtr;
    using x509::OcspResponsePtr;
    if (der.size() > static_cast<std::size_t>(LONG_MAX)) return "oversized OCSPResponse";
    const unsigned char* p = der.data();
    OcspResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
    if (!response) {
        ERR_clear_error();
        return "malformed OCSPResponse";
    }
    const int status = OCSP_response_status(response.get());
    std::string out = OCSP_response_status_str(status);
    if (status != OCSP_RESPONSE_STATUS_SUCCESSFUL) return out;
    OcspBasicPtr basic(OCSP_response_get1_basic(response.get()));
    ERR_clear_error();
    if (!basic || OCSP_resp_count(basic.get()) < 1) return out + ", no certificate status";
    int reason = 0;
    const int cert_status = OCSP_single_get0_status(OCSP_resp_get0(basic.get(), 0), &reason, nullptr, nullptr, nullptr);
    return out + ", cert status " + OCSP_cert_status_str(cert_status);
}

}  // namespace qtls
