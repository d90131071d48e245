/// @file
/// Raw public keys instead of X.509 certificates (RFC 7250 with TLS 1.3,
/// RFC 8446 §4.4.2): the Certificate message then carries one
/// SubjectPublicKeyInfo, and the peer is trusted because that exact key is
/// known to it in advance (a pinned key set), not through a CA.
///
/// Server: set CertifiedKey::raw_public_key (load_certified_raw_public_key,
/// or the SPKI of an existing certificate's key); it is presented to clients
/// that list RawPublicKey in server_certificate_type, the X.509 chain to the
/// others. Client: list CertificateType::raw_public_key in
/// ClientConfig::server_certificate_types and set
/// ClientConfig::server_raw_public_key_verifier.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "qtls/certs.h"
#include "qtls/error.h"
#include "qtls/types.h"
#include "qtls/export.h"

QTLS_PUBLIC_BEGIN

namespace qtls {

/// The TLS certificate types qtls speaks (RFC 7250 §3; IANA code points).
enum class CertificateType : std::uint8_t { x509 = 0, raw_public_key = 2 };
std::string_view to_string(CertificateType type);  ///< "x509" | "raw-public-key"

/// Decides whether a peer's raw public key is trusted.
class RawPublicKeyVerifier {
public:
    virtual ~RawPublicKeyVerifier() = default;
    /// spki: the SubjectPublicKeyInfo DER exactly as the peer sent it.
    /// peer_name: as for CertVerifier::verify (the server name the client
    /// connected to; empty for client keys). An untrusted key fails with
    /// bad_certificate (RFC 8446 §6.2).
    virtual Status verify(ByteView spki, std::string_view peer_name) = 0;
};

/// Trusts exactly the given keys (SubjectPublicKeyInfo DER each) for any
/// peer name. Every key must decode, and the set must not be empty.
Result<std::shared_ptr<RawPublicKeyVerifier>> pinned_raw_public_keys(std::vector<Bytes> spkis);

/// A public key in PEM ("-----BEGIN PUBLIC KEY-----") or DER
/// SubjectPublicKeyInfo form -> canonical SPKI DER.
Result<Bytes> decode_raw_public_key(ByteView pem_or_der);
Result<Bytes> load_raw_public_key(const std::string& path);
/// The SPKI DER of the public half of a private key file (PEM or DER, the
/// formats load_private_key_file reads).
Result<Bytes> raw_public_key_of_private_key_file(const std::string& path);

/// A key that presents only a raw public key (no X.509 chain): the signer
/// from key_path and its SPKI. Clients that do not accept raw public keys get
/// handshake_failure from a server holding only this.
Result<std::shared_ptr<const CertifiedKey>> load_certified_raw_public_key(const std::string& key_path);

}  // namespace qtls
QTLS_PUBLIC_END
