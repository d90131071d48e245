#include "cli_raw_public_key.h"

#include "qtls/raw_public_key.h"

namespace qtls::cli {

namespace {

std::string describe(const std::string& path, const Error& e) {
    return path + ": " + std::string(e.what) + " (" + std::string(to_string(e.alert)) + ")";
}

// A public key file, or else the public half of a private key file.
Result<Bytes> trusted_key_from_file(const std::string& path) {
    auto spki = load_raw_public_key(path);
    if (spki.ok()) return spki;
    auto from_private = raw_public_key_of_private_key_file(path);
    if (from_private.ok()) return from_private;
    return spki.error();
}

// The --trust-raw-public-key keys as a pinning verifier; an error message
// naming the file, or "".
std::string trusted_keys_verifier(const CliOptions& o, std::shared_ptr<RawPublicKeyVerifier>& out) {
    std::vector<Bytes> keys;
    for (const auto& path : o.trusted_raw_public_keys) {
        auto spki = trusted_key_from_file(path);
        if (!spki.ok()) return "--trust-raw-public-key " + describe(path, spki.error());
        keys.push_back(std::move(spki).value());
    }
    auto verifier = pinned_raw_public_keys(std::move(keys));
    if (!verifier.ok()) return "--trust-raw-public-key: " + std::string(verifier.error().what);
    out = *verifier;
    return {};
}

}  // namespace

std::string apply_client_raw_public_keys(const CliOptions& o, ClientConfig& c) {
    if (o.trusted_raw_public_keys.empty()) return {};
    if (auto err = trusted_keys_verifier(o, c.server_raw_public_key_verifier); !err.empty()) return err;
    // Pinning a key means only that key authenticates the server.
    c.server_certificate_types = {CertificateType::raw_public_key};
    return {};
}

std::string apply_server_raw_public_keys(const CliOptions& o, ServerConfig& c) {
    if (o.trusted_raw_public_keys.empty()) return {};
    if (auto err = trusted_keys_verifier(o, c.client_raw_public_key_verifier); !err.empty()) return err;
    c.client_auth = o.request_client ? ClientAuth::optional : ClientAuth::required;
    const bool x509_too = !o.ca_file.empty() || !o.ca_dir.empty();
    c.client_certificate_types = x509_too
                                     ? std::vector<CertificateType>{CertificateType::raw_public_key, CertificateType::x509}
                                     : std::vector<CertificateType>{CertificateType::raw_public_key};
    return {};
}

std::string attach_raw_public_key(const CliOptions& o, std::shared_ptr<const CertifiedKey>& key) {
    if (!o.raw_public_key) return {};
    if (!key) {
        auto only = load_certified_raw_public_key(o.key_file);
        if (!only.ok()) return describe(o.key_file, only.error());
        key = *only;
        return {};
    }
    auto spki = raw_public_key_of_private_key_file(o.key_file);
    if (!spki.ok()) return describe(o.key_file, spki.error());
    auto copy = std::make_shared<CertifiedKey>(*key);
    copy->raw_public_key = std::move(spki).value();
    key = std::move(copy);
    return {};
}

}  // namespace qtls::cli
