#include "cli_config.h"

#include <sys/stat.h>

#include <cstdio>

#include "cli_staples.h"
#include "cli_psk.h"
#include "cli_raw_public_key.h"
#include "qtls/dangerous.h"

namespace qtls::cli {

namespace {

std::string describe(const Error& e) { return std::string(e.what) + " (" + std::string(to_string(e.alert)) + ")"; }

bool readable(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

// Shared algorithm lists and key log.
template <class Config>
void apply_common(const CliOptions& o, Config& c) {
    if (!o.suites.empty()) c.cipher_suites = o.suites;
    if (!o.groups.empty()) c.groups = o.groups;
    if (!o.sigalgs.empty()) c.signature_schemes = o.sigalgs;
    c.alpn = o.alpn;
    c.record_size_limit = o.record_size_limit;
    c.certificate_compression = o.cert_compression;
    if (!o.keylog_file.empty())
        c.keylog = keylog_file(o.keylog_file);
    else
        c.keylog = keylog_from_env();
}

X509VerifierOptions verifier_options(const CliOptions& o, bool client_certs) {
    X509VerifierOptions v;
    v.ca_file = o.ca_file;
    v.ca_dir = o.ca_dir;
    v.system_roots = o.system_roots || (o.ca_file.empty() && o.ca_dir.empty());
    v.client_certificates = client_certs;
    return v;
}

Result<std::shared_ptr<CertVerifier>> make_verifier(const CliOptions& o, bool client_certs, FileError* failure) {
    return x509_verifier(verifier_options(o, client_certs), failure);
}

// "PATH: REASON (alert)" when a loader said which file failed.
std::string describe(const Error& e, const FileError& failure) {
    if (failure.path.empty()) return describe(e);
    return failure.message() + " (" + std::string(to_string(e.alert)) + ")";
}

}  // namespace

Built<ClientConfig> build_client_config(const CliOptions& o) {
    auto c = std::make_shared<ClientConfig>();
    apply_common(o, *c);
    if (!o.key_share_groups.empty()) {
        c->key_share_groups = o.key_share_groups;
    } else if (!o.groups.empty()) {
        c->key_share_groups = {o.groups.front()};
    }
    c->middlebox_compat = !o.no_compat;
    c->session_store = memory_session_store();
    // RFC 8446 §4.2.10: offered only with a ticket that allows it.
    c->enable_early_data = !o.early_data_file.empty();
    c->post_handshake_auth = o.post_handshake_auth;
    c->request_ocsp_staple = o.status_request;
    c->request_sct = o.request_sct;
    if (!o.ca_file.empty() && !readable(o.ca_file)) return {nullptr, "cannot read --CAfile " + o.ca_file};
    if (auto err = apply_client_psk(o, *c); !err.empty()) return {nullptr, err};
    if (auto err = apply_client_raw_public_keys(o, *c); !err.empty()) return {nullptr, err};
    if (psk_only_client(o)) {
        // Like s_client -psk: the external PSK is the only authentication.
    } else if (o.insecure_skip_verify) {
        if (!o.pins_sha256.empty()) return {nullptr, "--pin-sha256 needs verification: drop --insecure-skip-verify"};
        std::fprintf(stderr,
                     "qtls client: WARNING: --insecure-skip-verify: the server's certificate is not verified; "
                     "anyone on the path can impersonate it\n");
        c->verifier = dangerous::accept_any_server_certificate();
    } else {
        X509VerifierOptions v = verifier_options(o, false);
        for (const auto& text : o.pins_sha256) {
            auto pin = parse_spki_sha256_pin(text);
            if (!pin.ok()) return {nullptr, "--pin-sha256 " + text + ": " + std::string(pin.error().what)};
            v.spki_sha256_pins.push_back(std::move(pin).value());
        }
        FileError failure;
        auto verifier = x509_verifier(v, &failure);
        if (!verifier.ok()) return {nullptr, "trust store: " + describe(verifier.error(), failure)};
        c->verifier = *verifier;
    }
    if (!o.cert_file.empty() || !o.key_file.empty()) {
        // --raw-public-key with --key alone: a client credential that is only a raw key (RFC 7250).
        std::shared_ptr<const CertifiedKey> key;
        if (!(o.raw_public_key && o.cert_file.empty())) {
            if (o.cert_file.empty() || o.key_file.empty()) return {nullptr, "--cert and --key go together"};
            FileError failure;
            auto loaded = load_certified_key(o.cert_file, o.key_file, &failure);
            if (!loaded.ok()) return {nullptr, describe(loaded.error(), failure)};
            key = *loaded;
        }
        if (auto e = attach_raw_public_key(o, key); !e.empty()) return {nullptr, e};
        c->client_certificate = key;
    }
    if (auto s = validate(*c); !s.ok()) return {nullptr, describe(s.error())};
    return {c, {}};
}

Built<ServerConfig> build_server_config(const CliOptions& o) {
    auto c = std::make_shared<ServerConfig>();
    apply_common(o, *c);
    if (auto err = apply_server_psk(o, *c); !err.empty()) return {nullptr, err};
    // --psk without --cert: a PSK-only server, only clients offering the PSK connect.
    const bool psk_only = c->external_psks && o.cert_file.empty() && o.key_file.empty() && o.sni_certs.empty();
    if (!psk_only && (o.cert_file.empty() || o.key_file.empty()))
        return {nullptr, "the server needs --cert FILE and --key FILE (or --psk and --psk-identity)"};
    FileError failure;
    auto key = psk_only ? Result<std::shared_ptr<const CertifiedKey>>(std::shared_ptr<const CertifiedKey>{})
                        : load_certified_key(o.cert_file, o.key_file, &failure);
    if (!key.ok()) return {nullptr, describe(key.error(), failure)};
    if (auto e = psk_only ? std::string() : attach_staples(o, *key); !e.empty()) return {nullptr, e};
    if (auto e = psk_only ? std::string() : attach_raw_public_key(o, *key); !e.empty()) return {nullptr, e};
    if (psk_only) {
    } else if (o.sni_certs.empty()) {
        c->cert_resolver = single_cert_resolver(*key);
    } else {
        auto resolver = std::make_shared<SniCertResolver>();
        for (const auto& spec : o.sni_certs) {
            // NAME=CERT,KEY: NAME documents intent; the certificate's own names route.
            auto eq = spec.find('=');
            auto comma = spec.find(',', eq == std::string::npos ? 0 : eq);
            if (eq == std::string::npos || comma == std::string::npos)
                return {nullptr, "--sni-cert expects NAME=CERT,KEY, got " + spec};
            std::string cert = spec.substr(eq + 1, comma - eq - 1);
            std::string keyf = spec.substr(comma + 1);
            auto extra = load_certified_key(cert, keyf, &failure);
            if (!extra.ok()) return {nullptr, describe(extra.error(), failure)};
            if (auto s = resolver->add(*extra); !s.ok()) return {nullptr, cert + ": " + describe(s.error())};
        }
        if (auto s = resolver->add(*key); !s.ok()) return {nullptr, o.cert_file + ": " + describe(s.error())};
        resolver->set_default(*key);
        c->cert_resolver = resolver;
    }
    if (auto e = apply_server_raw_public_keys(o, *c); !e.empty()) return {nullptr, e};
    if (o.verify_client || o.request_client || o.request_cert_after_handshake) {
        if (o.verify_client || o.request_client)
            c->client_auth = o.verify_client ? ClientAuth::required : ClientAuth::optional;
        const bool raw_keys_only = !o.trusted_raw_public_keys.empty() && o.ca_file.empty() && o.ca_dir.empty();
        if (o.ca_file.empty() && o.ca_dir.empty() && !raw_keys_only)
            return {nullptr, "client authentication needs --CAfile (the CA that issued client certificates)"};
        if (!raw_keys_only) {
            auto verifier = make_verifier(o, true, &failure);
            if (!verifier.ok()) return {nullptr, "client trust store: " + describe(verifier.error(), failure)};
            c->client_verifier = *verifier;
        }
    } else if (!o.trusted_raw_public_keys.empty() && (!o.ca_file.empty() || !o.ca_dir.empty())) {
        // Raw client keys plus X.509 client certificates from the CA.
        auto verifier = make_verifier(o, true, &failure);
        if (!verifier.ok()) return {nullptr, "client trust store: " + describe(verifier.error(), failure)};
        c->client_verifier = *verifier;
    }
    if (auto e = apply_ca_names(o, *c); !e.empty()) return {nullptr, e};
    if (!o.no_tickets && !c->ticketer) c->ticketer = rotating_ticketer();  // --session-cache set one
    // 0-RTT (RFC 8446 §4.2.10); replays are refused by the engine's
    // process-wide strike register (§8).
    c->max_early_data = o.max_early_data;
    c->force_hello_retry = o.force_hrr;
    c->hello_retry_cookie = o.hrr_cookie;
    c->deferred.sign = o.async_sign;
    if (auto s = validate(*c); !s.ok()) return {nullptr, describe(s.error())};
    return {c, {}};
}

}  // namespace qtls::cli
