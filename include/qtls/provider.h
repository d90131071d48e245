/// @file
/// The crypto provider: every primitive qtls uses, behind one interface, so
/// the engine never names a crypto library. Two implementations ship:
/// OpenSSL libcrypto (EVP) and libsodium; default_provider() combines them,
/// choosing the faster implementation per primitive.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "qtls/error.h"
#include "qtls/secret.h"
#include "qtls/types.h"
#include "qtls/export.h"

// Everything declared below is part of the exported API (qtls/export.h).
QTLS_PUBLIC_BEGIN

namespace qtls {

class HashContext {
public:
    virtual ~HashContext() = default;
    virtual void update(ByteView data) = 0;
    /// Hash of everything so far; the context stays usable (transcript hashes).
    virtual Digest peek() const = 0;
    virtual std::unique_ptr<HashContext> clone() const = 0;
};

/// An AEAD keyed once and reused for every record/packet.
class AeadContext {
public:
    virtual ~AeadContext() = default;
    /// out.size() must be plaintext.size() + kAeadTagLength; out may alias plaintext.
    virtual bool seal(ByteView nonce, ByteView aad, ByteView plaintext, MutableByteView out) = 0;
    /// out.size() must be ciphertext.size() - kAeadTagLength; out may alias
    /// ciphertext. Returns false when the tag does not verify.
    virtual bool open(ByteView nonce, ByteView aad, ByteView ciphertext, MutableByteView out) = 0;
};

/// QUIC header protection (RFC 9001 §5.4): a 5-byte mask from a 16-byte sample.
class HeaderProtection {
public:
    virtual ~HeaderProtection() = default;
    virtual bool mask(ByteView sample, std::array<std::uint8_t, 5>& out) = 0;
};

/// One ephemeral (EC)DHE key pair (RFC 8446 §4.2.8). The private half never
/// leaves the object and is wiped with it.
class KeyShare {
public:
    virtual ~KeyShare() = default;
    virtual NamedGroup group() const = 0;
    /// X25519: 32 bytes; P-256/P-384: uncompressed point (RFC 8446 §4.2.8.2).
    virtual ByteView public_key() const = 0;
    /// Validates the peer's share (illegal_parameter when invalid) and returns the shared secret.
    virtual Result<Secret> agree(ByteView peer_public) = 0;
};

/// A private key able to produce TLS 1.3 signatures. Implement this for keys
/// held outside the library (an HSM, a remote signer): qtls only ever asks
/// which schemes it can produce and for one signature.
class Signer {
public:
    virtual ~Signer() = default;
    virtual std::vector<SignatureScheme> schemes() const = 0;
    virtual Result<Bytes> sign(SignatureScheme scheme, ByteView message) = 0;
};

class CryptoProvider {
public:
    virtual ~CryptoProvider() = default;
    virtual std::string_view name() const = 0;

    /// Returns nullptr where the provider lacks the algorithm.
    virtual std::unique_ptr<HashContext> hash(HashAlg alg) const = 0;
    virtual Digest hmac(HashAlg alg, ByteView key, ByteView data) const = 0;
    virtual Secret hkdf_extract(HashAlg alg, ByteView salt, ByteView ikm) const = 0;
    /// Fills out (at most 255 * hash length bytes, RFC 5869 §2.3).
    virtual bool hkdf_expand(HashAlg alg, ByteView prk, ByteView info, MutableByteView out) const = 0;

    virtual std::unique_ptr<AeadContext> aead(AeadAlg alg, ByteView key) const = 0;
    virtual std::unique_ptr<HeaderProtection> header_protection(AeadAlg alg, ByteView key) const = 0;

    virtual Result<std::unique_ptr<KeyShare>> generate_key_share(NamedGroup group) const = 0;
    /// Deterministic key share from a raw private key (tests, RFC 8448 replay).
    virtual Result<std::unique_ptr<KeyShare>> key_share_from_private(NamedGroup group,
                                                                   ByteView private_key) const = 0;

    /// spki_der: the DER SubjectPublicKeyInfo of the signer's certificate.
    /// Fails with decrypt_error when the signature does not verify, and with
    /// illegal_parameter when the key does not fit the scheme.
    virtual Status verify_signature(SignatureScheme scheme, ByteView spki_der, ByteView message,
                                    ByteView signature) const = 0;

    virtual void random(MutableByteView out) const = 0;
};

using ProviderPtr = std::shared_ptr<const CryptoProvider>;

ProviderPtr openssl_provider();
ProviderPtr sodium_provider();
/// Per primitive the faster of the two on this CPU (libsodium AES-GCM only with AES-NI).
ProviderPtr default_provider();

/// Private keys from PEM or DER (PKCS#8, PKCS#1 RSA, SEC1 EC), signing with libcrypto.
Result<std::shared_ptr<Signer>> load_private_key(ByteView pem_or_der);
Result<std::shared_ptr<Signer>> load_private_key_file(const std::string& path);
/// Certificate chain (leaf first) from a PEM file, as DER blobs.
Result<std::vector<Bytes>> load_certificate_chain(ByteView pem);
Result<std::vector<Bytes>> load_certificate_chain_file(const std::string& path);

}  // namespace qtls
QTLS_PUBLIC_END
