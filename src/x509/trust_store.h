// The roots a verifier trusts (RFC 5280 §6.1.1 "trust anchor information"):
// a PEM bundle, an OpenSSL hashed directory and the platform store, loaded
// into one X509_STORE. Each source is checked up front so a typo in a path
// fails when the config is built, not as unknown_ca on the first handshake.
#pragma once

#include <openssl/x509_vfy.h>

#include <cstddef>

#include "crypto/libcrypto_ptr.h"
#include "qtls/certs.h"

namespace qtls::x509 {

// A hashed directory is scanned for its first "<8 hex>.<n>" name; a
// directory with more entries than this and none hashed is refused anyway.
inline constexpr std::size_t kMaxTrustDirEntriesScanned = 100000;

// On failure *failure (when not null) names the file or directory.
Result<crypto::X509StorePtr> load_trust_store(const X509VerifierOptions& options, FileError* failure);

// Roots held in memory: those of the bundle and of the system bundle file.
// A hashed directory is read lazily during path building and adds nothing
// here until a lookup has used it.
std::size_t trust_store_size(X509_STORE* store);

}  // namespace qtls::x509
