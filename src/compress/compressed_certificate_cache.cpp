#include "compress/compressed_certificate_cache.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>

namespace qtls::compress {
namespace {

// The key is the whole Certificate body (compared byte for byte, never a
// hash alone), so a changed chain or stapled response is a different entry.
struct Entry {
    CertificateCompression algorithm{};
    Bytes certificate_body;
    Bytes compressed;
};

struct Cache {
    std::mutex mutex;
    std::array<Entry, kCompressedCertificateCacheEntries> entries;
    std::size_t used = 0;
    std::size_t next = 0;  // the slot replaced next once all are used
    std::atomic<std::size_t> hits{0};
};

Cache& cache() {
    static Cache c;
    return c;
}

bool same(ByteView a, ByteView b) { return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin()); }

}  // namespace

std::optional<Bytes> cached_compressed_certificate(CertificateCompression algorithm, ByteView certificate_body) {
    if (certificate_body.size() > kMaxCachedCertificateSize) return std::nullopt;
    Cache& c = cache();
    std::lock_guard lock(c.mutex);
    for (std::size_t i = 0; i < c.used; ++i) {
        const Entry& e = c.entries[i];
        if (e.algorithm == algorithm && same(e.certificate_body, certificate_body)) {
            c.hits.fetch_add(1, std::memory_order_relaxed);
            return e.compressed;
        }
    }
    return std::nullopt;
}

void cache_compressed_certificate(CertificateCompression algorithm, ByteView certificate_body, ByteView compressed) {
    if (certificate_body.size() > kMaxCachedCertificateSize) return;
    Cache& c = cache();
    std::lock_guard lock(c.mutex);
    for (std::size_t i = 0; i < c.used; ++i)
        if (c.entries[i].algorithm == algorithm && same(c.entries[i].certificate_body, certificate_body)) return;
    std::size_t slot = c.used;
    if (c.used < c.entries.size()) {
        ++c.used;
    } else {
        slot = c.next;
        c.next = (c.next + 1) % c.entries.size();
    }
    c.entries[slot] = Entry{algorithm, Bytes(certificate_body.begin(), certificate_body.end()),
                            Bytes(compressed.begin(), compressed.end())};
}

std::size_t compressed_certificate_cache_hits() { return cache().hits.load(std::memory_order_relaxed); }

}  // namespace qtls::compress
