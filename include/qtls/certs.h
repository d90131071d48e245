/// @file
/// Certificates: what a server (or authenticating client) presents, how the
/// server picks one, and how a peer's chain is verified.
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

/// A certificate chain (leaf first, DER) with the key that signs for it.
struct CertifiedKey {
    std::vector<Bytes> chain;
    std::shared_ptr<Signer> key;
    /// Stapled to the leaf's CertificateEntry when the client asks
    /// (RFC 8446 §4.4.2.1); empty: nothing is stapled. A DER OCSPResponse
    /// (RFC 6960 §4.2.1, e.g. from `openssl ocsp -respout`), to be
    /// refreshed by the application before its nextUpdate.
    Bytes ocsp_response;
    /// A SignedCertificateTimestampList as RFC 6962 §3.3 puts it on the wire
    /// (u16 length, then u16-prefixed SCTs), stapled when the client offers
    /// signed_certificate_timestamp.
    Bytes sct_list;
    /// SubjectPublicKeyInfo DER of `key`, presented instead of `chain` to a
    /// peer that accepts raw public keys (RFC 7250, qtls/raw_public_key.h);
    /// empty: X.509 only. With `chain` empty, raw public keys only.
    Bytes raw_public_key;
};

/// Which file a loader could not use, and why: Error::what stays a static
/// reason ("no such file", "private key does not match the certificate"),
/// path names the file it concerns. message() reads "PATH: REASON".
struct FileError {
    std::string path;
    Error error;
    std::string message() const;
};

/// cert_pem_path: PEM chain, leaf first. key_path: PEM or DER private key
/// (PKCS#8, PKCS#1 RSA or SEC1 EC; unencrypted). On failure, *failure (when
/// given) says which of the two files and why.
Result<std::shared_ptr<const CertifiedKey>> load_certified_key(const std::string& cert_pem_path,
                                                               const std::string& key_path,
                                                               FileError* failure = nullptr);

/// What the server knows of the client when it chooses a certificate.
struct ClientHelloInfo {
    std::string_view server_name;  ///< empty when the client sent no SNI
    std::span<const SignatureScheme> signature_schemes;
    std::span<const std::string> alpn;
    /// DER distinguished names from the client's certificate_authorities
    /// (RFC 8446 §4.2.4); empty when it sent none.
    std::span<const Bytes> certificate_authorities{};
};

class ServerCertResolver {
public:
    virtual ~ServerCertResolver() = default;
    /// nullptr means no suitable certificate (handshake_failure).
    virtual std::shared_ptr<const CertifiedKey> resolve(const ClientHelloInfo& hello) = 0;
};

/// One certificate for every client.
std::shared_ptr<ServerCertResolver> single_cert_resolver(std::shared_ptr<const CertifiedKey> key);

/// Several certificates: chosen by SNI (exact name, then "*.domain" wildcard
/// in the certificate's names) and by the client's signature schemes.
class SniCertResolver : public ServerCertResolver {
public:
    /// Names are taken from the leaf's subjectAltName DNS entries (CN if none).
    Status add(std::shared_ptr<const CertifiedKey> key);
    /// Used when no name matches (or no SNI was sent); default: the first added.
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

/// What the peer stapled to its leaf certificate (RFC 8446 §4.4.2.1): an
/// OCSP response (RFC 6066 §8 status_request) and a SignedCertificateTimestamp
/// list (RFC 6962 §3.3). Empty when nothing was stapled.
struct StapledResponses {
    Bytes ocsp_response;  ///< DER OCSPResponse
    Bytes sct_list;       ///< SignedCertificateTimestampList, as on the wire
};

/// Verifies a peer's chain. The engine verifies CertificateVerify itself with
/// the leaf's public key after this call succeeds.
class CertVerifier {
public:
    virtual ~CertVerifier() = default;
    /// What the engine calls: the chain with whatever the peer stapled. The
    /// default ignores the stapled responses and calls verify().
    virtual Status verify_stapled(std::span<const Bytes> chain, std::string_view peer_name,
                                  const StapledResponses& stapled) {
        (void)stapled;
        return verify(chain, peer_name);
    }
    /// chain: leaf first. peer_name: the name to match (server: the SNI or
    /// IP literal the client connected to; empty for client certificates).
    /// Fails with the RFC 8446 §6.2 alert: bad_certificate, unknown_ca,
    /// certificate_expired, unsupported_certificate, certificate_unknown.
    virtual Status verify(std::span<const Bytes> chain, std::string_view peer_name) = 0;
};

struct X509VerifierOptions {
    /// Roots from any combination of the three (all are trusted alike).
    std::string ca_file;         ///< PEM bundle: one or more CERTIFICATE blocks
    std::string ca_dir;          ///< hashed directory (files named by subject hash, as `openssl rehash` makes them)
    bool system_roots = false;   ///< the platform store: /etc/ssl/certs, or $SSL_CERT_FILE / $SSL_CERT_DIR
    bool client_certificates = false;  ///< purpose clientAuth instead of serverAuth
    std::int64_t fixed_time = 0; ///< seconds since epoch; 0 means now (tests use fixed times)
    /// Public-key pinning (the "pin-sha256" of RFC 7469 §2.4): SHA-256 digests
    /// (32 bytes) of SubjectPublicKeyInfo DER. When not empty, a chain that
    /// verifies must also hold a certificate (leaf, intermediate or anchor)
    /// whose key matches one pin, else bad_certificate. In addition to the
    /// CA checks, never instead of them.
    std::vector<Bytes> spki_sha256_pins;
    /// OCSP stapling (RFC 6066 §8, RFC 8446 §4.4.2.1). A staple only arrives
    /// when ClientConfig::request_ocsp_staple asked for one. When present and
    /// check_ocsp_staple is on, the response must be signed by the leaf's
    /// issuer (or a responder it delegated to, RFC 6960 §4.2.2.2), name the
    /// leaf, be fresh (thisUpdate <= now <= nextUpdate, with
    /// kOcspClockSkewSeconds of slack) and say good: revoked ->
    /// certificate_revoked, anything else -> bad_certificate_status_response.
    bool check_ocsp_staple = true;
    /// A chain without a staple fails with bad_certificate_status_response.
    /// For server certificates only: a qtls server never asks a client for one.
    bool require_ocsp_staple = false;
};

/// Clock difference tolerated on an OCSP response's thisUpdate/nextUpdate.
inline constexpr long kOcspClockSkewSeconds = 300;

/// A pin as base64 text (44 characters, e.g. from `openssl x509 -pubkey |
/// openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`)
/// -> 32 bytes; anything else is an error.
Result<Bytes> parse_spki_sha256_pin(std::string_view base64);
/// SHA-256 of a certificate's SubjectPublicKeyInfo (DER in): its pin.
Result<Bytes> certificate_spki_sha256(ByteView cert_der);

/// The default verifier: libcrypto X509_STORE chain building with
/// X509_check_host / X509_check_ip for the name.
/// Each source of roots is checked when the verifier is made: a missing or
/// empty bundle, a file without PEM certificates, a missing directory or one
/// without hashed names (`openssl rehash DIR`), or an empty system store
/// fails, with *failure (when given) naming the file or directory.
Result<std::shared_ptr<CertVerifier>> x509_verifier(const X509VerifierOptions& options,
                                                    FileError* failure = nullptr);

/// The subject distinguished names (DER) of every certificate in a PEM file,
/// in file order: what a server sends in certificate_authorities (RFC 8446
/// §4.2.4) for the CAs its client verifier trusts. No certificate -> error.
Result<std::vector<Bytes>> load_certificate_authority_names(const std::string& ca_pem_path);

/// One line describing a DER OCSPResponse for people (RFC 6960 §4.2.1):
/// "successful, cert status good" (status of its first single response),
/// "tryLater", "malformed OCSPResponse", ... Checks nothing.
std::string ocsp_response_summary(ByteView der);

/// Leaf helpers (DER in).
Result<Bytes> certificate_public_key(ByteView cert_der);  ///< SubjectPublicKeyInfo DER
std::string certificate_subject(ByteView cert_der);      ///< "CN=..., O=..." one line
std::vector<std::string> certificate_dns_names(ByteView cert_der);

}  // namespace qtls
QTLS_PUBLIC_END
