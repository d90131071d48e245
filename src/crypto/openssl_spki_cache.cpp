#include "crypto/openssl_spki_cache.h"

#include <openssl/x509.h>

#include <algorithm>
#include <climits>

namespace qtls::crypto::ossl {

namespace {

struct Entry {
    Bytes der;
    PkeyPtr key;
    std::uint64_t last_use = 0;
};

struct Cache {
    std::mutex mu;
    std::vector<Entry> entries;
    std::uint64_t uses = 0;
};

Cache& cache() {
    static Cache c;
    return c;
}

PkeyPtr new_reference(EVP_PKEY* key) {
    return EVP_PKEY_up_ref(key) == 1 ? PkeyPtr(key) : PkeyPtr();
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
    Cache& c = cache();
    {
        std::lock_guard lock(c.mu);
        for (Entry& e : c.entries)
            if (std::equal(e.der.begin(), e.der.end(), der.begin(), der.end())) {
                e.last_use = ++c.uses;
                return new_reference(e.key.get());
            }
    }
    PkeyPtr key = decode(der);  // outside the lock: decoding is the slow part
    if (!key) return nullptr;
    std::lock_guard lock(c.mu);
    if (c.entries.size() >= kDecodedSpkiCacheEntries) {
        auto oldest = std::min_element(c.entries.begin(), c.entries.end(),
                                       [](const Entry& a, const Entry& b) { return a.last_use < b.last_use; });
        c.entries.erase(oldest);
    }
    PkeyPtr kept = new_reference(key.get());
    if (kept) c.entries.push_back(Entry{Bytes(der.begin(), der.end()), std::move(kept), ++c.uses});
    return key;
}

}  // namespace qtls::crypto::ossl
