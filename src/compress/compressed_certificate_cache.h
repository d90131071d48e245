// A small process-wide cache of compressed Certificate messages, so a
// server compresses its chain once per (certificate message, algorithm)
// instead of once per handshake (RFC 8879 §4 leaves the compression to the
// sender; the result for the same input never changes).
#pragma once

#include <cstddef>
#include <optional>

#include "qtls/cert_compression.h"
#include "qtls/types.h"

namespace qtls::compress {

// Entries kept; the oldest is replaced when full. A server has one chain
// per certificate it serves and stapled responses change rarely.
inline constexpr std::size_t kCompressedCertificateCacheEntries = 32;
// Larger Certificate bodies are compressed every time instead of cached,
// so the cache stays under ~kEntries x (64 KiB + its compressed form).
inline constexpr std::size_t kMaxCachedCertificateSize = 64 * 1024;

// The cached compressed form of `certificate_body` with `algorithm`.
std::optional<Bytes> cached_compressed_certificate(CertificateCompression algorithm, ByteView certificate_body);
void cache_compressed_certificate(CertificateCompression algorithm, ByteView certificate_body, ByteView compressed);
// Tests: the number of lookups answered from the cache so far.
std::size_t compressed_certificate_cache_hits();

}  // namespace qtls::compress
