// Private keys held in libcrypto: decoding them and signing TLS 1.3
// CertificateVerify messages with them (RFC 8446 §4.4.3). Internal: the public
// surface is load_private_key* and the Signer interface in qtls/provider.h.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "crypto/libcrypto_ptr.h"
#include "qtls/provider.h"

namespace qtls::crypto {

// An unencrypted private key from PEM (PKCS#8, PKCS#1 RSA, SEC1 EC) or DER
// (the same structures). Encrypted keys are refused rather than prompting.
Result<PkeyPtr> decode_private_key(ByteView pem_or_der);
Result<PkeyPtr> decode_private_key_file(const std::string& path);

// The TLS 1.3 signature schemes (RFC 8446 §4.2.3) this key can produce; empty
// when the key type is unusable for TLS 1.3 (DSA, X25519, RSA too small ...).
std::vector<SignatureScheme> signature_schemes_for_key(const EVP_PKEY* key);

// Wraps a decoded key; fails when the key can produce no TLS 1.3 scheme.
Result<std::shared_ptr<Signer>> make_openssl_signer(PkeyPtr key);

}  // namespace qtls::crypto
