#include "x509/decode_cache.h"

#include "x509/decode.h"

namespace qtls::x509 {

crypto::X509Ptr DecodedCertCache::Share::operator()(const crypto::X509Ptr& cert) const {
    if (!cert || X509_up_ref(cert.get()) != 1) return nullptr;
    return crypto::X509Ptr(cert.get());
}

crypto::X509Ptr DecodedCertCache::get(ByteView der) {
    if (crypto::X509Ptr hit = cache_.find(der)) return hit;
    // Decoded outside the cache's lock: a slow parse does not hold up other threads.
    crypto::X509Ptr cert = decode_certificate(der);
    if (cert) cache_.insert(der, cert);
    return cert;
}

}  // namespace qtls::x509
