#include "crypto/openssl_spki_cache.h"

#include <openssl/x509.h>

#include <climits>

#include "common/exact_bytes_lru.h"

namespace qtls::crypto::ossl {

namespace {

struct SharePkey {
    PkeyPtr operator()(const PkeyPtr& key) const {
        if (!key || EVP_PKEY_up_ref(key.get()) != 1) return PkeyPtr();
        return PkeyPtr(key.get());
    }
};

ExactBytesLru<PkeyPtr, SharePkey>& cache() {
    static ExactBytesLru<PkeyPtr, SharePkey> c(kDecodedSpkiCacheEntries);
    return c;
}

PkeyPtr decode(ByteView der) {
    if (der.size() > static_cast<std::size_t>(LONG_MAX)) return nullptr;
    const unsigned char* p = der.data();
    PkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
    if (p != der.data() + der.size()) return nullptr;  // trailing bytes
    return key;
}

}  // namespace

PkeyPtr decode_spki_cached(ByteView der) {
    if (PkeyPtr hit = cache().find(der)) return hit;
    PkeyPtr key = decode(der);  // outside the cache's lock: decoding is the slow part
    if (key) cache().insert(der, key);
    return key;
}

}  // namespace qtls::crypto::ossl
