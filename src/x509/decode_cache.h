// Decoded certificates remembered by their exact DER bytes. A client sees
// the same server chain on every connection to a server, and in OpenSSL 3.0
// d2i_X509 is costly: decoding the public key runs the provider decoder
// machinery (about a sixth of a whole ECDSA handshake pair in callgrind).
// Only the parse is reused: path building, signatures, validity dates and
// the name check still run on every verification. Bytes that differ in any
// way are decoded afresh.
#pragma once

#include "common/exact_bytes_lru.h"
#include "crypto/libcrypto_ptr.h"
#include "qtls/types.h"

namespace qtls::x509 {

// Small: one verifier talks to a handful of chains at a time; a miss costs
// one decode, as without the cache.
inline constexpr std::size_t kDecodedCertCacheEntries = 8;

class DecodedCertCache {
public:
    // A reference to the certificate decoded from `der`, or null when `der`
    // is not exactly one DER certificate. Safe to call from several threads.
    crypto::X509Ptr get(ByteView der);

private:
    struct Share {
        crypto::X509Ptr operator()(const crypto::X509Ptr& cert) const;
    };
    ExactBytesLru<crypto::X509Ptr, Share> cache_{kDecodedCertCacheEntries};
};

}  // namespace qtls::x509
