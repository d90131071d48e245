// The default verifier's check of a stapled OCSP response (RFC 6960 §3.2,
// §4.2.2.2; RFC 8446 §4.4.2.1): responses are built here with libcrypto for a
// small CA of the test's own (the shared test PKI keeps its CA key private),
// so every verdict — good, revoked, unknown, stale, wrong signer, delegated
// responder — is exercised without a network or an external tool.
#include <gtest/gtest.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <string>

#include "crypto/libcrypto_ptr.h"
#include "qtls/certs.h"
#include "support/temp_dir.h"

namespace qtls::test {
namespace {

using crypto::PkeyPtr;
using crypto::X509Ptr;
using OcspBasicPtr = crypto::LibcryptoPtr<OCSP_BASICRESP, OCSP_BASICRESP_free>;
using OcspResponsePtr = crypto::LibcryptoPtr<OCSP_RESPONSE, OCSP_RESPONSE_free>;

constexpr long kHour = 3600;
constexpr long kDay = 24 * kHour;

PkeyPtr p256() { return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")); }

void extend(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    ASSERT_NE(ext, nullptr);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

// kind: "ca", "server" (localhost, serverAuth) or "responder" (OCSPSigning
// when `delegated`, else no EKU at all).
X509Ptr issue(const char* cn, const char* kind, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key,
              bool delegated = true) {
    static long serial = 1000;
    X509Ptr cert(X509_new());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_set_version(cert.get(), X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), ++serial);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kDay);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 30 * kDay);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
    X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
    X509_set_pubkey(cert.get(), key);
    X509* signer = issuer ? issuer : cert.get();
    const std::string k = kind;
    if (k == "ca") {
        extend(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
        extend(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        extend(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
        extend(cert.get(), signer, NID_key_usage, "critical,digitalSignature");
        if (k == "server") {
            extend(cert.get(), signer, NID_ext_key_usage, "serverAuth");
            extend(cert.get(), signer, NID_subject_alt_name, "DNS:localhost");
        } else if (delegated) {
            extend(cert.get(), signer, NID_ext_key_usage, "OCSPSigning");
        }
    }
    X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256());
    return cert;
}

Bytes der_of(X509* cert) {
    unsigned char* out = nullptr;
    const int len = i2d_X509(cert, &out);
    Bytes b(out, out + (len > 0 ? len : 0));
    OPENSSL_free(out);
    return b;
}

std::string pem_of(X509* cert) {
    crypto::BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), cert);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

struct Response {
    int cert_status = V_OCSP_CERTSTATUS_GOOD;
    long this_update = -kHour;  // seconds from now
    long next_update = kDay;    // seconds from now; 0: no nextUpdate
    int response_status = OCSP_RESPONSE_STATUS_SUCCESSFUL;
};

// A DER OCSPResponse about `about` (issued by `issuer`), signed by `signer`.
Bytes ocsp(const Response& r, X509* about, X509* issuer, X509* signer, EVP_PKEY* signer_key) {
    if (r.response_status != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
        OcspResponsePtr resp(OCSP_response_create(r.response_status, nullptr));
        unsigned char* out = nullptr;
        const int len = i2d_OCSP_RESPONSE(resp.get(), &out);
        Bytes b(out, out + len);
        OPENSSL_free(out);
        return b;
    }
    OcspBasicPtr basic(OCSP_BASICRESP_new());
    OCSP_CERTID* id = OCSP_cert_to_id(EVP_sha1(), about, issuer);
    crypto::LibcryptoPtr<ASN1_TIME, ASN1_TIME_free> this_upd(X509_gmtime_adj(nullptr, r.this_update));
    crypto::LibcryptoPtr<ASN1_TIME, ASN1_TIME_free> next_upd(r.next_update ? X509_gmtime_adj(nullptr, r.next_update)
                                                                           : nullptr);
    crypto::LibcryptoPtr<ASN1_TIME, ASN1_TIME_free> revoked_at(X509_gmtime_adj(nullptr, -kDay));
    const bool revoked = r.cert_status == V_OCSP_CERTSTATUS_REVOKED;
    OCSP_basic_add1_status(basic.get(), id, r.cert_status, revoked ? OCSP_REVOKED_STATUS_KEYCOMPROMISE : 0,
                           revoked ? revoked_at.get() : nullptr, this_upd.get(), next_upd.get());
    OCSP_CERTID_free(id);
    OCSP_basic_sign(basic.get(), signer, signer_key, EVP_sha256(), nullptr, 0);
    OcspResponsePtr resp(OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()));
    unsigned char* out = nullptr;
    const int len = i2d_OCSP_RESPONSE(resp.get(), &out);
    Bytes b(out, out + len);
    OPENSSL_free(out);
    return b;
}

class OcspStaple : public ::testing::Test {
protected:
    void SetUp() override {
        ca_key = p256();
        ca = issue("OCSP Test CA", "ca", ca_key.get(), nullptr, nullptr);
        leaf_key = p256();
        leaf = issue("localhost", "server", leaf_key.get(), ca.get(), ca_key.get());
        ca_file = dir.write("ca.pem", pem_of(ca.get()));
        chain = {der_of(leaf.get())};
    }
    Status verify(const Bytes& staple, bool require = false, bool check = true, std::int64_t fixed_time = 0) {
        X509VerifierOptions o;
        o.ca_file = ca_file;
        o.fixed_time = fixed_time;
        o.require_ocsp_staple = require;
        o.check_ocsp_staple = check;
        auto v = x509_verifier(o);
        EXPECT_TRUE(v.ok());
        if (!v.ok()) return v.error();
        return (*v)->verify_stapled(chain, "localhost", StapledResponses{staple, {}});
    }
    Bytes by_ca(const Response& r) { return ocsp(r, leaf.get(), ca.get(), ca.get(), ca_key.get()); }
    static Alert alert(const Status& s) { return s.ok() ? Alert::close_notify : s.error().alert; }

    TempDir dir;
    PkeyPtr ca_key, leaf_key;
    X509Ptr ca, leaf;
    std::string ca_file;
    std::vector<Bytes> chain;
};

TEST_F(OcspStaple, GoodResponseFromTheIssuerPasses) {
    const Bytes staple = by_ca({});
    EXPECT_TRUE(verify(staple).ok());
    EXPECT_EQ(ocsp_response_summary(staple), "successful, cert status good");
}

TEST_F(OcspStaple, RevokedIsCertificateRevoked) {
    EXPECT_EQ(alert(verify(by_ca({.cert_status = V_OCSP_CERTSTATUS_REVOKED}))), Alert::certificate_revoked);
}

TEST_F(OcspStaple, UnknownStatusIsBadStatusResponse) {
    EXPECT_EQ(alert(verify(by_ca({.cert_status = V_OCSP_CERTSTATUS_UNKNOWN}))),
              Alert::bad_certificate_status_response);
}

TEST_F(OcspStaple, ExpiredResponseIsRejected) {
    // nextUpdate an hour ago: beyond the kOcspClockSkewSeconds slack.
    EXPECT_EQ(alert(verify(by_ca({.this_update = -2 * kDay, .next_update = -kHour}))),
              Alert::bad_certificate_status_response);
    // Inside the slack it still passes.
    EXPECT_TRUE(verify(by_ca({.this_update = -kDay, .next_update = -kOcspClockSkewSeconds / 2})).ok());
}

TEST_F(OcspStaple, ResponseFromTheFutureIsRejected) {
    EXPECT_EQ(alert(verify(by_ca({.this_update = kHour, .next_update = kDay}))),
              Alert::bad_certificate_status_response);
}

TEST_F(OcspStaple, NoNextUpdateIsAccepted) {
    EXPECT_TRUE(verify(by_ca({.next_update = 0})).ok());
}

TEST_F(OcspStaple, UnsuccessfulOrMalformedResponsesAreRejected) {
    const Bytes try_later = by_ca({.response_status = OCSP_RESPONSE_STATUS_TRYLATER});
    EXPECT_EQ(alert(verify(try_later)), Alert::bad_certificate_status_response);
    EXPECT_EQ(ocsp_response_summary(try_later), "trylater");
    const Bytes garbage = {0x30, 0x03, 0x02, 0x01};
    EXPECT_EQ(alert(verify(garbage)), Alert::bad_certificate_status_response);
    EXPECT_EQ(ocsp_response_summary(garbage), "malformed OCSPResponse");
    Bytes trailing = by_ca({});
    trailing.push_back(0);
    EXPECT_EQ(alert(verify(trailing)), Alert::bad_certificate_status_response);
}

TEST_F(OcspStaple, SignerOutsideTheTrustStoreIsRejected) {
    PkeyPtr other_key = p256();
    X509Ptr other = issue("Other CA", "ca", other_key.get(), nullptr, nullptr);
    EXPECT_EQ(alert(verify(ocsp({}, leaf.get(), ca.get(), other.get(), other_key.get()))),
              Alert::bad_certificate_status_response);
}

TEST_F(OcspStaple, DelegatedResponderNeedsOcspSigning) {
    // RFC 6960 §4.2.2.2: a responder certified by the issuer for OCSPSigning.
    PkeyPtr rkey = p256();
    X509Ptr responder = issue("OCSP responder", "responder", rkey.get(), ca.get(), ca_key.get(), true);
    EXPECT_TRUE(verify(ocsp({}, leaf.get(), ca.get(), responder.get(), rkey.get())).ok());
    // The same, without the extendedKeyUsage: not authorized to answer.
    X509Ptr plain = issue("Not a responder", "responder", rkey.get(), ca.get(), ca_key.get(), false);
    EXPECT_EQ(alert(verify(ocsp({}, leaf.get(), ca.get(), plain.get(), rkey.get()))),
              Alert::bad_certificate_status_response);
}

TEST_F(OcspStaple, ResponseAboutAnotherCertificateIsRejected) {
    PkeyPtr k = p256();
    X509Ptr sibling = issue("localhost", "server", k.get(), ca.get(), ca_key.get());
    EXPECT_EQ(alert(verify(ocsp({}, sibling.get(), ca.get(), ca.get(), ca_key.get()))),
              Alert::bad_certificate_status_response);
}

TEST_F(OcspStaple, RequiredStapleMissingAndCheckingOff) {
    EXPECT_TRUE(verify({}).ok());
    EXPECT_EQ(alert(verify({}, /*require=*/true)), Alert::bad_certificate_status_response);
    // check_ocsp_staple off: the staple is passed over, not judged.
    EXPECT_TRUE(verify(by_ca({.cert_status = V_OCSP_CERTSTATUS_REVOKED}), false, /*check=*/false).ok());
}

TEST_F(OcspStaple, FixedTimeJudgesFreshness) {
    // X509VerifierOptions::fixed_time is "now" for the response as well.
    const Bytes staple = by_ca({});  // valid from an hour ago for a day
    const std::int64_t now = std::time(nullptr);
    EXPECT_TRUE(verify(staple, false, true, now + 12 * kHour).ok());
    EXPECT_EQ(alert(verify(staple, false, true, now + 2 * kDay)), Alert::bad_certificate_status_response);
    EXPECT_EQ(alert(verify(staple, false, true, now - 2 * kHour)), Alert::bad_certificate_status_response);
}

TEST_F(OcspStaple, PlainVerifyIgnoresStaplingOptions) {
    X509VerifierOptions o;
    o.ca_file = ca_file;
    auto v = x509_verifier(o);
    ASSERT_TRUE(v.ok());
    EXPECT_TRUE((*v)->verify(chain, "localhost").ok());
}

}  // namespace
}  // namespace qtls::test
