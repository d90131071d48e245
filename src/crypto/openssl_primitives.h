// The OpenSSL provider's primitives, one family per source file, assembled
// into a CryptoProvider by openssl_provider.cpp. No libcrypto types appear
// here, so the composite provider can name them without pulling in OpenSSL.
#pragma once

#include <memory>

#include "qtls/provider.h"

namespace qtls::crypto::ossl {

// openssl_hash.cpp: SHA-2 (FIPS 180-4), HMAC (RFC 2104), HKDF (RFC 5869).
std::unique_ptr<HashContext> new_hash(HashAlg alg);
Digest hmac(HashAlg alg, ByteView key, ByteView data);
Secret hkdf_extract(HashAlg alg, ByteView salt, ByteView ikm);
bool hkdf_expand(HashAlg alg, ByteView prk, ByteView info, MutableByteView out);

// openssl_aead.cpp: record/packet protection (RFC 8446 §5.3) and QUIC header
// protection (RFC 9001 §5.4).
std::unique_ptr<AeadContext> new_aead(AeadAlg alg, ByteView key);
std::unique_ptr<HeaderProtection> new_header_protection(AeadAlg alg, ByteView key);

// openssl_kex.cpp: (EC)DHE shares (RFC 8446 §4.2.8, §7.4).
Result<std::unique_ptr<KeyShare>> generate_key_share(NamedGroup group);
Result<std::unique_ptr<KeyShare>> key_share_from_private(NamedGroup group, ByteView private_key);

// openssl_verify.cpp: signature verification (RFC 8446 §4.2.3, §4.4.3).
Status verify_signature(SignatureScheme scheme, ByteView spki_der, ByteView message, ByteView signature);

}  // namespace qtls::crypto::ossl
