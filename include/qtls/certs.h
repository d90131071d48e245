// Certificates: what a server (or authenticating client) presents, how the
// server picks one, and how a peer's chain is verified.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qtls/error.h"
#include "qtls/provider.h"
#include "qtls/types.h"
#include "qtls/export.h"

// Everything declared below is part of the exported API (qtls/export.h).
QTLS_PUBLIC_BEGIN

namespace qtls {

// A certificate chain (leaf first, DER) with the key that signs for it.
struct CertifiedKey {
    std::vector<Bytes> chain;
    std::shared_ptr<Signer> key;
};

Result<std::shared_ptr<const CertifiedKey>> load_certified_key(const std::string& cert_pem_path,
                                                               const std::string& key_path);

// What the server knows of the client when it chooses a certificate.
struct ClientHelloInfo {
    std::string_view server_name;  // empty when the client sent no SNI
    std::span<const SignatureScheme> signature_schemes;
    std::span<const std::string> alpn;
};

class ServerCertResolver {
public:
    virtual ~ServerCertResolver() = default;
    // nullptr means no suitable certificate (handshake_failure).
    virtual std::shared_ptr<const CertifiedKey> resolve(const ClientHelloInfo& hello) = 0;
};

// One certificate for every client.
std::shared_ptr<ServerCertResolver> single_cert_resolver(std::shared_ptr<const CertifiedKey> key);

// Several certificates: chosen by SNI (exact name, then "*.domain" wildcard
// in the certificate's names) and by the client's signature schemes.
class SniCertResolver : public ServerCertResolver {
public:
    // Names are taken from the leaf's subjectAltName DNS entries (CN if none).
    Status add(std::shared_ptr<const CertifiedKey> key);
    // Used when no name matches (or no SNI was sent); default: the first added.
    void set_default(std::shared_ptr<const CertifiedKey> key) { default_ = std::move(key); }
    std::shared_ptr<const CertifiedKey> resolve(const ClientHelloInfo& hello) override;

private:
    struct Entry {
        std::vector<std::string> names;
        std::shared_ptr<const CertifiedKey> key;
        std::vector<SignatureScheme> schemes;
    };
    std::vector<Entry> entries_;
    std::shared_ptr<const CertifiedKey> default_;
};

// Verifies a peer's chain. The engine verifies CertificateVerify itself with
// the leaf's public key after this call succeeds.
class CertVerifier {
public:
    virtual ~CertVerifier() = default;
    // chain: leaf first. peer_name: the name to match (server: the SNI or
    // IP literal the client connected to; empty for client certificates).
    // Fails with the RFC 8446 §6.2 alert: bad_certificate, unknown_ca,
    // certificate_expired, unsupported_certificate, certificate_unknown.
    virtual Status verify(std::span<const Bytes> chain, std::string_view peer_name) = 0;
};

struct X509VerifierOptions {
    std::string ca_file;         // PEM bundle
    std::string ca_dir;          // hashed directory
    bool system_roots = false;   // /etc/ssl/certs
    bool client_certificates = false;  // purpose clientAuth instead of serverAuth
    std::int64_t fixed_time = 0; // seconds since epoch; 0 means now (tests use fixed times)
    // Public-key pinning (the "pin-sha256" of RFC 7469 §2.4): SHA-256 digests
    // (32 bytes) of SubjectPublicKeyInfo DER. When not empty, a chain that
    // verifies must also hold a certificate (leaf, intermediate or anchor)
    // whose key matches one pin, else bad_certificate. In addition to the
    // CA checks, never instead of them.
    std::vector<Bytes> spki_sha256_pins;
};

// A pin as base64 text (44 characters, e.g. from `openssl x509 -pubkey |
// openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`)
// -> 32 bytes; anything else is an error.
Result<Bytes> parse_spki_sha256_pin(std::string_view base64);
// SHA-256 of a certificate's SubjectPublicKeyInfo (DER in): its pin.
Result<Bytes> certificate_spki_sha256(ByteView cert_der);

// The default verifier: libcrypto X509_STORE chain building with
// X509_check_host / X509_check_ip for the name.
Result<std::shared_ptr<CertVerifier>> x509_verifier(const X509VerifierOptions& options);

// Leaf helpers (DER in).
Result<Bytes> certificate_public_key(ByteView cert_der);  // SubjectPublicKeyInfo DER
std::string certificate_subject(ByteView cert_der);      // "CN=..., O=..." one line
std::vector<std::string> certificate_dns_names(ByteView cert_der);

}  // namespace qtls
QTLS_PUBLIC_END
