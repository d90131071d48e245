// libcrypto helpers shared by the OpenSSL provider's source files: owning
// handles for the EVP objects the provider keeps, and algorithm objects
// fetched once per process. Internal only (never included by public headers).
#pragma once

#include <openssl/evp.h>

#include <climits>
#include <cstddef>

#include "crypto/libcrypto_ptr.h"
#include "qtls/types.h"

namespace qtls::crypto::ossl {

using CipherCtxPtr = LibcryptoPtr<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;
using MacCtxPtr = LibcryptoPtr<EVP_MAC_CTX, EVP_MAC_CTX_free>;

// Explicit fetches are cached here for the life of the process: in OpenSSL 3
// the implicit lookup behind EVP_sha256() & co. costs a method-store query on
// every init, which is measurable per record and per handshake message. The
// objects are deliberately never freed (they are reachable until exit).
const EVP_MD* md(HashAlg alg);
EVP_MAC* hmac_mac();
// The AEAD cipher for alg (AES-GCM or ChaCha20-Poly1305, RFC 8446 §5.3).
const EVP_CIPHER* aead_cipher(AeadAlg alg);
// Header-protection ciphers (RFC 9001 §5.4.3, §5.4.4): AES-ECB or raw ChaCha20.
const EVP_CIPHER* hp_cipher(AeadAlg alg);
// OpenSSL names for EVP_DigestVerifyInit_ex / OSSL_PARAM digests.
const char* md_name(HashAlg alg);

// An EC public key from an uncompressed point on a named curve ("P-256"...).
// The import checks the point lies on the curve (EC_POINT_oct2point); nullptr
// when it does not.
PkeyPtr import_ec_public(const char* group_name, ByteView point);

// EVP lengths are int: every call site checks this before narrowing.
inline bool fits_int(std::size_t n) { return n <= static_cast<std::size_t>(INT_MAX); }

}  // namespace qtls::crypto::ossl
