// The libsodium provider's primitives, assembled into a CryptoProvider by
// sodium_provider.cpp. libsodium 1.0.18 covers a subset of what TLS 1.3 needs
// (no SHA-384, no AES-128-GCM, no NIST curves, no RSA/ECDSA), so each factory
// reports what it lacks (nullptr, an empty value or false) instead of failing
// loudly; the composite provider routes those primitives to libcrypto.
#pragma once

#include <memory>

#include "qtls/provider.h"

namespace qtls::crypto::sodium {

// True once sodium_init() has succeeded; runs it on first call (thread-safe).
bool ready();

// sodium_hash.cpp: SHA-256/512, HMAC-SHA-256/512 (RFC 2104), HKDF (RFC 5869).
std::unique_ptr<HashContext> new_hash(HashAlg alg);
Digest hmac(HashAlg alg, ByteView key, ByteView data);
Secret hkdf_extract(HashAlg alg, ByteView salt, ByteView ikm);
bool hkdf_expand(HashAlg alg, ByteView prk, ByteView info, MutableByteView out);

// sodium_aead.cpp: AES-256-GCM (AES-NI CPUs only) and ChaCha20-Poly1305
// (RFC 8439), ChaCha20 header protection (RFC 9001 §5.4.4).
std::unique_ptr<AeadContext> new_aead(AeadAlg alg, ByteView key);
std::unique_ptr<HeaderProtection> new_header_protection(AeadAlg alg, ByteView key);

}  // namespace qtls::crypto::sodium
