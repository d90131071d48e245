#include "x509/decode.h"

#include <openssl/err.h>

#include <climits>

namespace qtls::x509 {

crypto::X509Ptr decode_certificate(ByteView der) {
    if (der.empty() || der.size() > static_cast<std::size_t>(LONG_MAX)) return nullptr;
    const unsigned char* p = der.data();
    crypto::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (!cert) {
        ERR_clear_error();
        return nullptr;
    }
    // Trailing bytes would let two different byte strings pass as the same
    // certificate; a TLS CertificateEntry holds exactly one (RFC 8446 §4.4.2).
    if (p != der.data() + der.size()) return nullptr;
    return cert;
}

}  // namespace qtls::x509
