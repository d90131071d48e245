// Leaf certificate helpers: the public key the engine verifies
// CertificateVerify with (RFC 8446 §4.4.3) and the names a server
// certificate claims (RFC 6125 §6.4: subjectAltName dNSName first).
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <cstring>

#include "crypto/libcrypto_ptr.h"
#include "qtls/certs.h"
#include "x509/spki.h"
#include "x509/decode.h"

namespace qtls {

namespace {

std::string bio_contents(BIO* bio) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

// An ASN.1 string as a name, refusing embedded NULs (the classic
// "www.bank.com\0.evil.com" spoof).
bool asn1_text(const ASN1_STRING* s, std::string& out) {
    const unsigned char* data = ASN1_STRING_get0_data(s);
    const int len = ASN1_STRING_length(s);
    if (!data || len <= 0) return false;
    if (std::memchr(data, 0, static_cast<std::size_t>(len)) != nullptr) return false;
    out.assign(reinterpret_cast<const char*>(data), static_cast<std::size_t>(len));
    return true;
}

std::string common_name(X509* cert) {
    const X509_NAME* subject = X509_get_subject_name(cert);
    const int idx = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
    if (idx < 0) return {};
    const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx));
    unsigned char* utf8 = nullptr;
    const int len = ASN1_STRING_to_UTF8(&utf8, value);
    std::string out;
    if (len > 0 && std::memchr(utf8, 0, static_cast<std::size_t>(len)) == nullptr)
        out.assign(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(len));
    OPENSSL_free(utf8);
    ERR_clear_error();
    return out;
}

}  // namespace

Result<Bytes> certificate_public_key(ByteView cert_der) {
    // Fast path: copy the key's DER out of the certificate (no decode).
    if (auto spki = x509::find_subject_public_key_info(cert_der)) return Bytes(spki->begin(), spki->end());
    crypto::X509Ptr cert = x509::decode_certificate(cert_der);
    if (!cert) return Error{Alert::bad_certificate, "malformed certificate"};
    EVP_PKEY* key = X509_get0_pubkey(cert.get());  // owned by cert
    if (!key) {
        ERR_clear_error();
        return Error{Alert::unsupported_certificate, "unsupported certificate public key"};
    }
    const int len = i2d_PUBKEY(key, nullptr);
    if (len <= 0) {
        ERR_clear_error();
        return Error{Alert::unsupported_certificate, "cannot encode certificate public key"};
    }
    Bytes spki(static_cast<std::size_t>(len));
    unsigned char* p = spki.data();
    if (i2d_PUBKEY(key, &p) != len) {
        ERR_clear_error();
        return Error{Alert::internal_error, "cannot encode certificate public key"};
    }
    return spki;
}

std::string certificate_subject(ByteView cert_der) {
    crypto::X509Ptr cert = x509::decode_certificate(cert_der);
    if (!cert) return {};
    crypto::BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio) return {};
    // RFC 2253 order (most specific first: "CN=..., O=...") with ", " between
    // attributes, UTF-8 shown as text rather than \XX escapes.
    const unsigned long flags = ((XN_FLAG_RFC2253 & ~XN_FLAG_SEP_MASK) | XN_FLAG_SEP_CPLUS_SPC) &
                                ~static_cast<unsigned long>(ASN1_STRFLGS_ESC_MSB);
    if (X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert.get()), 0, flags) < 0) {
        ERR_clear_error();
        return {};
    }
    return bio_contents(bio.get());
}

std::vector<std::string> certificate_dns_names(ByteView cert_der) {
    std::vector<std::string> names;
    crypto::X509Ptr cert = x509::decode_certificate(cert_der);
    if (!cert) return names;
    crypto::GeneralNamesPtr sans(
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr)));
    ERR_clear_error();
    bool any_dns = false;
    if (sans) {
        for (int i = 0; i < sk_GENERAL_NAME_num(sans.get()); ++i) {
            const GENERAL_NAME* gn = sk_GENERAL_NAME_value(sans.get(), i);
            if (gn->type != GEN_DNS) continue;
            any_dns = true;
            std::string name;
            if (asn1_text(gn->d.dNSName, name)) names.push_back(std::move(name));
        }
    }
    // RFC 6125 §6.4.4: the CN is consulted only when there are no DNS SANs.
    if (!any_dns) {
        std::string cn = common_name(cert.get());
        if (!cn.empty()) names.push_back(std::move(cn));
    }
    return names;
}

}  // namespace qtls
