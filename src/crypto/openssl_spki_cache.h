// Public keys decoded from DER SubjectPublicKeyInfo, remembered by their
// exact bytes. A client verifies the same server key on every connection to
// that server, and OpenSSL 3.0's d2i_PUBKEY runs the provider decoder
// machinery, which for an RSA key costs several times the RSA verification
// itself. Only the decode is reused; every signature is still verified.
#pragma once

#include <cstddef>

#include "crypto/libcrypto_ptr.h"
#include "qtls/types.h"

namespace qtls::crypto::ossl {

// Small: a process verifies a handful of peer keys at a time; a miss costs
// one decode, as without the cache.
inline constexpr std::size_t kDecodedSpkiCacheEntries = 16;

// The key decoded from `der` with d2i_PUBKEY (the whole input, no trailing
// bytes), or null. Returns a new reference; safe from several threads.
PkeyPtr decode_spki_cached(ByteView der);

}  // namespace qtls::crypto::ossl
