#include "qtls/config_builder.h"

namespace qtls {

// ---- client ----

ClientConfigBuilder& ClientConfigBuilder::cipher_suites(std::vector<CipherSuite> suites) {
    config_.cipher_suites = std::move(suites);
    return *this;
}
ClientConfigBuilder& ClientConfigBuilder::groups(std::vector<NamedGroup> groups) {
    config_.groups = std::move(groups);
    return *this;
}
ClientConfigBuilder& ClientConfigBuilder::key_share_groups(std::vector<NamedGroup> groups) {
    config_.key_share_groups = std::move(groups);
    return *this;
}
ClientConfigBuilder& ClientConfigBuilder::alpn(std::vector<std::string> protocols) {
    config_.alpn = std::move(protocols);
    return *this;
}
ClientConfigBuilder& ClientConfigBuilder::trust_ca_file(std::string path) {
    roots_.ca_file = std::move(path);
    roots_given_ = true;
    return *this;
}
ClientConfigBuilder& ClientConfigBuilder::trust_ca_dir(std::string path) {
    roots_.ca_dir = std::move(path);
    roots_given_ = true;
    return *this;
}
ClientConfigBuilder& ClientConfigBuilder::trust_system_roots() {
    roots_.system_roots = true;
    roots_given_ = true;
    return *this;
}
ClientConfigBuilder& ClientConfigBuilder::verifier(std::shared_ptr<CertVerifier> verifier) {
    config_.verifier = std::move(verifier);
    return *this;
}
ClientConfigBuilder& ClientConfigBuilder::pin_sha256(std::string base64) {
    pins_.push_back(std::move(base64));
    return *this;
}
ClientConfigBuilder& ClientConfigBuilder::client_certificate(std::string cert_pem_path, std::string key_path) {
    cert_path_ = std::move(cert_pem_path);
    key_path_ = std::move(key_path);
    return *this;
}
ClientConfigBuilder& ClientConfigBuilder::session_store(std::shared_ptr<ClientSessionStore> store) {
    config_.session_store = std::move(store);
    return *this;
}
ClientConfigBuilder& ClientConfigBuilder::enable_early_data(bool on) {
    config_.enable_early_data = on;
    return *this;
}
ClientConfigBuilder& ClientConfigBuilder::keylog(std::shared_ptr<KeyLog> keylog) {
    config_.keylog = std::move(keylog);
    return *this;
}
ClientConfigBuilder& ClientConfigBuilder::logger(std::shared_ptr<const Logger> logger) {
    config_.logger = std::move(logger);
    return *this;
}
ClientConfigBuilder& ClientConfigBuilder::deferred(DeferredOperations operations) {
    config_.deferred = operations;
    return *this;
}
ClientConfigBuilder& ClientConfigBuilder::external_psk(ExternalPsk psk) {
    config_.external_psks.push_back(std::move(psk));
    return *this;
}
ClientConfigBuilder& ClientConfigBuilder::certificate_compression(std::vector<CertificateCompression> algorithms) {
    config_.certificate_compression = std::move(algorithms);
    return *this;
}
ClientConfigBuilder& ClientConfigBuilder::request_ocsp_staple(bool on) {
    config_.request_ocsp_staple = on;
    return *this;
}
ClientConfigBuilder& ClientConfigBuilder::trust_raw_public_keys(std::vector<Bytes> spkis) {
    raw_public_keys_ = std::move(spkis);
    return *this;
}

Result<std::shared_ptr<const ClientConfig>> ClientConfigBuilder::build() const {
    auto c = std::make_shared<ClientConfig>(config_);
    if (c->verifier && (roots_given_ || !pins_.empty()))
        return Error{Alert::internal_error, "config: give either a verifier or trust anchors and pins, not both"};
    if (!raw_public_keys_.empty()) {
        QTLS_ASSIGN_OR_RETURN(c->server_raw_public_key_verifier, pinned_raw_public_keys(raw_public_keys_));
        // Without X.509 trust the server's raw public key is all we accept.
        c->server_certificate_types = (roots_given_ || c->verifier)
                                          ? std::vector<CertificateType>{CertificateType::raw_public_key,
                                                                         CertificateType::x509}
                                          : std::vector<CertificateType>{CertificateType::raw_public_key};
    }
    // Trust anchors are optional when nothing X.509 is needed: the chain
    // check is deferred to the application, or only PSKs / raw keys are used.
    const bool x509_not_needed = !roots_given_ && pins_.empty() &&
                                 (c->deferred.verify_peer || !raw_public_keys_.empty() ||
                                  !c->external_psks.empty());
    if (!c->verifier && !x509_not_needed) {
        if (!roots_given_)
            return Error{Alert::internal_error,
                         "config: no trust anchors (trust_ca_file, trust_ca_dir, trust_system_roots or verifier)"};
        X509VerifierOptions roots = roots_;
        for (const auto& text : pins_) {
            QTLS_ASSIGN_OR_RETURN(Bytes pin, parse_spki_sha256_pin(text));
            roots.spki_sha256_pins.push_back(std::move(pin));
        }
        QTLS_ASSIGN_OR_RETURN(c->verifier, x509_verifier(roots));
    }
    if (!cert_path_.empty() || !key_path_.empty()) {
        QTLS_ASSIGN_OR_RETURN(c->client_certificate, load_certified_key(cert_path_, key_path_));
    }
    QTLS_TRY(validate(*c));
    return std::shared_ptr<const ClientConfig>(std::move(c));
}

// ---- server ----

ServerConfigBuilder& ServerConfigBuilder::cipher_suites(std::vector<CipherSuite> suites) {
    config_.cipher_suites = std::move(suites);
    return *this;
}
ServerConfigBuilder& ServerConfigBuilder::groups(std::vector<NamedGroup> groups) {
    config_.groups = std::move(groups);
    return *this;
}
ServerConfigBuilder& ServerConfigBuilder::alpn(std::vector<std::string> protocols) {
    config_.alpn = std::move(protocols);
    return *this;
}
ServerConfigBuilder& ServerConfigBuilder::certificate(std::string cert_pem_path, std::string key_path) {
    cert_path_ = std::move(cert_pem_path);
    key_path_ = std::move(key_path);
    return *this;
}
ServerConfigBuilder& ServerConfigBuilder::cert_resolver(std::shared_ptr<ServerCertResolver> resolver) {
    config_.cert_resolver = std::move(resolver);
    return *this;
}
ServerConfigBuilder& ServerConfigBuilder::client_auth(ClientAuth mode, std::string ca_file) {
    config_.client_auth = mode;
    client_ca_file_ = std::move(ca_file);
    return *this;
}
ServerConfigBuilder& ServerConfigBuilder::tickets(bool on) {
    tickets_ = on;
    return *this;
}
ServerConfigBuilder& ServerConfigBuilder::max_early_data(std::uint32_t bytes) {
    config_.max_early_data = bytes;
    return *this;
}
ServerConfigBuilder& ServerConfigBuilder::keylog(std::shared_ptr<KeyLog> keylog) {
    config_.keylog = std::move(keylog);
    return *this;
}
ServerConfigBuilder& ServerConfigBuilder::logger(std::shared_ptr<const Logger> logger) {
    config_.logger = std::move(logger);
    return *this;
}
ServerConfigBuilder& ServerConfigBuilder::deferred(DeferredOperations operations) {
    config_.deferred = operations;
    return *this;
}
ServerConfigBuilder& ServerConfigBuilder::external_psks(std::shared_ptr<ExternalPskStore> store) {
    config_.external_psks = std::move(store);
    return *this;
}
ServerConfigBuilder& ServerConfigBuilder::session_cache(std::size_t capacity) {
    session_cache_capacity_ = capacity;
    return *this;
}
ServerConfigBuilder& ServerConfigBuilder::certificate_compression(std::vector<CertificateCompression> algorithms) {
    config_.certificate_compression = std::move(algorithms);
    return *this;
}
ServerConfigBuilder& ServerConfigBuilder::advertise_client_ca_names(bool on) {
    advertise_client_ca_names_ = on;
    return *this;
}

Result<std::shared_ptr<const ServerConfig>> ServerConfigBuilder::build() const {
    auto c = std::make_shared<ServerConfig>(config_);
    const bool files = !cert_path_.empty() || !key_path_.empty();
    if (files && c->cert_resolver)
        return Error{Alert::internal_error, "config: give either certificate files or a resolver, not both"};
    if (files) {
        QTLS_ASSIGN_OR_RETURN(auto key, load_certified_key(cert_path_, key_path_));
        c->cert_resolver = single_cert_resolver(std::move(key));
    }
    if (!c->cert_resolver && !c->deferred.select_certificate && !c->external_psks)
        return Error{Alert::internal_error, "config: the server has no certificate (and no external PSKs)"};
    // With the verification deferred the application checks client chains itself.
    if (c->client_auth != ClientAuth::none && !(c->deferred.verify_peer && client_ca_file_.empty())) {
        if (client_ca_file_.empty())
            return Error{Alert::internal_error, "config: client authentication needs the CA file of client certificates"};
        X509VerifierOptions roots;
        roots.ca_file = client_ca_file_;
        roots.client_certificates = true;
        QTLS_ASSIGN_OR_RETURN(c->client_verifier, x509_verifier(roots));
    }
    if (advertise_client_ca_names_) {
        if (client_ca_file_.empty())
            return Error{Alert::internal_error, "config: advertising CA names needs client_auth's CA file"};
        QTLS_ASSIGN_OR_RETURN(c->certificate_authorities, load_certificate_authority_names(client_ca_file_));
    }
    if (tickets_ && session_cache_capacity_ > 0)
        return Error{Alert::internal_error, "config: choose stateless tickets or a session cache, not both"};
    if (session_cache_capacity_ > 0 && !c->ticketer) c->ticketer = session_cache_ticketer(session_cache_capacity_);
    if (tickets_ && !c->ticketer) c->ticketer = rotating_ticketer();
    if (c->max_early_data > 0 && !c->ticketer)
        return Error{Alert::internal_error, "config: 0-RTT (max_early_data) needs session tickets"};
    QTLS_TRY(validate(*c));
    return std::shared_ptr<const ServerConfig>(std::move(c));
}

}  // namespace qtls
