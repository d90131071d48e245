#include "x509/decode_cache.h"

#include <algorithm>

#include "x509/decode.h"

namespace qtls::x509 {

namespace {

crypto::X509Ptr share(X509* cert) {
    if (cert == nullptr || X509_up_ref(cert) != 1) return nullptr;
    return crypto::X509Ptr(cert);
}

}  // namespace

crypto::X509Ptr DecodedCertCache::get(ByteView der) {
    {
        std::lock_guard<std::mutex> lock(mu_);
        for (Entry& e : entries_) {
            if (e.der.size() == der.size() && std::equal(der.begin(), der.end(), e.der.begin())) {
                e.last_use = ++uses_;
                return share(e.cert.get());
            }
        }
    }
    // Decoded outside the lock: a slow parse does not hold up other threads.
    crypto::X509Ptr cert = decode_certificate(der);
    if (!cert) return nullptr;
    crypto::X509Ptr kept = share(cert.get());
    if (!kept) return cert;
    std::lock_guard<std::mutex> lock(mu_);
    Entry entry{Bytes(der.begin(), der.end()), std::move(kept), ++uses_};
    if (entries_.size() < kDecodedCertCacheEntries) {
        entries_.push_back(std::move(entry));
    } else {
        auto oldest = std::min_element(entries_.begin(), entries_.end(),
                                       [](const Entry& a, const Entry& b) { return a.last_use < b.last_use; });
        *oldest = std::move(entry);
    }
    return cert;
}

}  // namespace qtls::x509
