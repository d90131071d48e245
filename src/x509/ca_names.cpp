// Distinguished names for certificate_authorities (RFC 8446 §4.2.4): the
// DER subject of each CA certificate the peer may chain to.
#include <openssl/err.h>
#include <openssl/x509.h>

#include "qtls/certs.h"
#include "qtls/provider.h"
#include "x509/decode.h"

namespace qtls {

namespace {
// opaque DistinguishedName<1..2^16-1> (RFC 8446 §4.2.4).
constexpr int kMaxDistinguishedNameSize = 65535;
}  // namespace

Result<std::vector<Bytes>> load_certificate_authority_names(const std::string& ca_pem_path) {
    QTLS_ASSIGN_OR_RETURN(std::vector<Bytes> certs, load_certificate_chain_file(ca_pem_path));
    std::vector<Bytes> names;
    names.reserve(certs.size());
    for (const Bytes& der : certs) {
        auto cert = x509::decode_certificate(der);
        if (!cert) return Error{Alert::internal_error, "invalid CA certificate"};
        unsigned char* out = nullptr;
        const int len = i2d_X509_NAME(X509_get_subject_name(cert.get()), &out);
        if (len <= 0) {
            ERR_clear_error();
            return Error{Alert::internal_error, "cannot encode a CA subject name"};
        }
        names.emplace_back(out, out + len);
        OPENSSL_free(out);
        if (len > kMaxDistinguishedNameSize) return Error{Alert::internal_error, "CA subject name too long"};
    }
    return names;
}

}  // namespace qtls
