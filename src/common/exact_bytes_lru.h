// A small least-recently-used cache keyed by exact byte strings, safe from
// several threads: the shape of the decoded-certificate and decoded-key
// caches (OpenSSL 3.0 decoding is the costly part of verifying the same
// peer again). Lookups compare the whole key, so bytes that differ in any
// way miss. Linear scans: the capacities are a handful of entries, where a
// scan beats hashing a certificate.
//
// Handle: a nullable owning handle (a LibcryptoPtr). Share: a stateless
// callable giving a new reference to the same object (X509_up_ref,
// EVP_PKEY_up_ref), or null when that fails.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "qtls/types.h"

namespace qtls {

template <class Handle, class Share>
class ExactBytesLru {
public:
    explicit ExactBytesLru(std::size_t capacity) : capacity_(capacity) {}

    // A new reference to what is stored under exactly `key`, or null.
    Handle find(ByteView key) {
        std::lock_guard<std::mutex> lock(mu_);
        for (Entry& e : entries_)
            if (std::equal(e.key.begin(), e.key.end(), key.begin(), key.end())) {
                e.last_use = ++uses_;
                return Share{}(e.value);
            }
        return Handle();
    }

    // Keeps a new reference to `value` under `key`; when full, it replaces
    // the least recently used entry. Callers decode outside the cache, so a
    // slow decode never holds the lock; two threads missing on the same key
    // may both insert it, which costs a slot, not correctness.
    void insert(ByteView key, const Handle& value) {
        Handle kept = Share{}(value);
        if (!kept) return;
        std::lock_guard<std::mutex> lock(mu_);
        Entry entry{Bytes(key.begin(), key.end()), std::move(kept), ++uses_};
        if (entries_.size() < capacity_) {
            entries_.push_back(std::move(entry));
            return;
        }
        if (entries_.empty()) return;  // capacity 0: caching off
        auto oldest = std::min_element(entries_.begin(), entries_.end(),
                                       [](const Entry& a, const Entry& b) { return a.last_use < b.last_use; });
        *oldest = std::move(entry);
    }

    std::size_t size() {
        std::lock_guard<std::mutex> lock(mu_);
        return entries_.size();
    }

private:
    struct Entry {
        Bytes key;
        Handle value;
        std::uint64_t last_use = 0;
    };
    const std::size_t capacity_;
    std::mutex mu_;
    std::vector<Entry> entries_;
    std::uint64_t uses_ = 0;
};

}  // namespace qtls
