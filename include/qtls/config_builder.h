/// @file
/// Builders for the shared, immutable configs. Setters record what is asked
/// for; build() loads files, makes the verifier and checks the whole config
/// once (validate()), returning the first problem as an Error instead of a
/// half-usable config. The result is const: share it between connections.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qtls/config.h"
#include "qtls/export.h"

QTLS_PUBLIC_BEGIN
namespace qtls {

class ClientConfigBuilder {
public:
    ClientConfigBuilder& cipher_suites(std::vector<CipherSuite> suites);
    ClientConfigBuilder& groups(std::vector<NamedGroup> groups);
    ClientConfigBuilder& key_share_groups(std::vector<NamedGroup> groups);
    ClientConfigBuilder& alpn(std::vector<std::string> protocols);
    /// Trust: a CA bundle, a hashed directory, the system store, or a
    /// verifier of your own (exclusive with the first three).
    ClientConfigBuilder& trust_ca_file(std::string path);
    ClientConfigBuilder& trust_ca_dir(std::string path);
    ClientConfigBuilder& trust_system_roots();
    ClientConfigBuilder& verifier(std::shared_ptr<CertVerifier> verifier);
    /// RFC 7469 pin-sha256 (base64), on top of the CA checks; repeatable.
    ClientConfigBuilder& pin_sha256(std::string base64);
    ClientConfigBuilder& client_certificate(std::string cert_pem_path, std::string key_path);
    ClientConfigBuilder& session_store(std::shared_ptr<ClientSessionStore> store);
    ClientConfigBuilder& enable_early_data(bool on = true);
    ClientConfigBuilder& keylog(std::shared_ptr<KeyLog> keylog);
    ClientConfigBuilder& logger(std::shared_ptr<const Logger> logger);
    /// Steps answered through Engine::resume (qtls/async.h); with verify_peer
    /// no trust anchors are needed.
    ClientConfigBuilder& deferred(DeferredOperations operations);
    /// An external PSK to offer (RFC 8446 §4.2.11); repeatable. A client with
    /// PSKs and no trust anchors accepts only PSK handshakes.
    ClientConfigBuilder& external_psk(ExternalPsk psk);
    /// Certificate compression to offer (RFC 8879), in preference order.
    ClientConfigBuilder& certificate_compression(std::vector<CertificateCompression> algorithms);
    /// Ask for a stapled OCSP response (checked by the default verifier).
    ClientConfigBuilder& request_ocsp_staple(bool on = true);
    /// Accept the server's raw public key (RFC 7250) when it is one of
    /// these SubjectPublicKeyInfo DER keys; with no trust anchors, raw
    /// public keys are the only thing accepted.
    ClientConfigBuilder& trust_raw_public_keys(std::vector<Bytes> spkis);

    /// Fails when no trust is configured, when a verifier and trust files are
    /// both given, on a malformed pin, an unreadable file or an inconsistent
    /// config (validate()).
    Result<std::shared_ptr<const ClientConfig>> build() const;

private:
    ClientConfig config_;
    X509VerifierOptions roots_;
    bool roots_given_ = false;
    std::vector<std::string> pins_;
    std::string cert_path_, key_path_;
    std::vector<Bytes> raw_public_keys_;
};

class ServerConfigBuilder {
public:
    ServerConfigBuilder& cipher_suites(std::vector<CipherSuite> suites);
    ServerConfigBuilder& groups(std::vector<NamedGroup> groups);
    ServerConfigBuilder& alpn(std::vector<std::string> protocols);
    /// The certificate: files (loaded by build()) or a resolver of your own.
    ServerConfigBuilder& certificate(std::string cert_pem_path, std::string key_path);
    ServerConfigBuilder& cert_resolver(std::shared_ptr<ServerCertResolver> resolver);
    /// Client authentication against a CA bundle (required or optional).
    ServerConfigBuilder& client_auth(ClientAuth mode, std::string ca_file);
    /// Stateless session tickets with rotating keys (rotating_ticketer()).
    ServerConfigBuilder& tickets(bool on = true);
    ServerConfigBuilder& max_early_data(std::uint32_t bytes);
    ServerConfigBuilder& keylog(std::shared_ptr<KeyLog> keylog);
    ServerConfigBuilder& logger(std::shared_ptr<const Logger> logger);
    /// Steps answered through Engine::resume (qtls/async.h); with
    /// select_certificate no certificate is needed.
    ServerConfigBuilder& deferred(DeferredOperations operations);
    /// External PSKs the server accepts (RFC 8446 §4.2.11); with them no
    /// certificate is needed.
    ServerConfigBuilder& external_psks(std::shared_ptr<ExternalPskStore> store);
    /// Resumption through a stateful, single-use session cache of
    /// `capacity` entries instead of stateless tickets.
    ServerConfigBuilder& session_cache(std::size_t capacity);
    /// Certificate compression the server uses (RFC 8879), in preference order.
    ServerConfigBuilder& certificate_compression(std::vector<CertificateCompression> algorithms);
    /// Send the subjects of the client-auth CA file as certificate_authorities
    /// in CertificateRequest (RFC 8446 §4.2.4).
    ServerConfigBuilder& advertise_client_ca_names(bool on = true);

    /// Fails without a certificate, with both files and a resolver, on an
    /// unloadable certificate or key, or an inconsistent config (validate()).
    Result<std::shared_ptr<const ServerConfig>> build() const;

private:
    ServerConfig config_;
    std::string cert_path_, key_path_;
    std::string client_ca_file_;
    bool tickets_ = false;
    std::size_t session_cache_capacity_ = 0;
    bool advertise_client_ca_names_ = false;
};

}  // namespace qtls
QTLS_PUBLIC_END
