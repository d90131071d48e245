// Loading the two ngtcp2 crypto backends with dlopen/dlsym, and creating
// each one's TLS objects with the same settings (see crypto_backend.h).
#include "quic/crypto_backend.h"

#include <dlfcn.h>
#include <gnutls/gnutls.h>

#include <map>
#include <stdexcept>

#include "common/bench_common.h"
#include "ngtcp2_crypto_qtls.h"
#include "qtls/config.h"
#include "support/test_pki.h"

namespace qbench {

std::string_view quic_lib_name(QuicLib lib) { return lib == QuicLib::qtls ? "qtls" : "GnuTLS"; }

namespace {

constexpr std::string_view kAlpn = "h3";

// Every lookup goes through the backend's own handle: RTLD_LOCAL keeps the
// two libraries' identical names apart.
template <class F>
bool resolve(void* handle, const char* name, F& out, std::string& error) {
    out = reinterpret_cast<F>(dlsym(handle, name));
    if (out == nullptr && error.empty()) error = std::string("missing symbol ") + name;
    return out != nullptr;
}

bool resolve_common(void* h, CryptoFns& f, std::string& e) {
    resolve(h, "ngtcp2_crypto_client_initial_cb", f.client_initial_cb, e);
    resolve(h, "ngtcp2_crypto_recv_client_initial_cb", f.recv_client_initial_cb, e);
    resolve(h, "ngtcp2_crypto_recv_crypto_data_cb", f.recv_crypto_data_cb, e);
    resolve(h, "ngtcp2_crypto_encrypt_cb", f.encrypt_cb, e);
    resolve(h, "ngtcp2_crypto_decrypt_cb", f.decrypt_cb, e);
    resolve(h, "ngtcp2_crypto_hp_mask_cb", f.hp_mask_cb, e);
    resolve(h, "ngtcp2_crypto_recv_retry_cb", f.recv_retry_cb, e);
    resolve(h, "ngtcp2_crypto_update_key_cb", f.update_key_cb, e);
    resolve(h, "ngtcp2_crypto_delete_crypto_aead_ctx_cb", f.delete_crypto_aead_ctx_cb, e);
    resolve(h, "ngtcp2_crypto_delete_crypto_cipher_ctx_cb", f.delete_crypto_cipher_ctx_cb, e);
    resolve(h, "ngtcp2_crypto_get_path_challenge_data_cb", f.get_path_challenge_data_cb, e);
    resolve(h, "ngtcp2_crypto_version_negotiation_cb", f.version_negotiation_cb, e);
    resolve(h, "ngtcp2_crypto_generate_stateless_reset_token", f.generate_stateless_reset_token, e);
    resolve(h, "ngtcp2_crypto_encrypt", f.encrypt, e);
    resolve(h, "ngtcp2_crypto_hp_mask", f.hp_mask, e);
    return e.empty();
}

void* open_library(const char* path, std::string& error) {
    void* h = dlopen(path, RTLD_LOCAL | RTLD_NOW);
    if (h == nullptr) error = std::string("dlopen ") + path + ": " + dlerror();
    return h;
}

// ---------------------------------------------------------------- qtls ----
// The C++ constructors of ngtcp2_crypto_qtls.h, by their Itanium-ABI names.
using QtlsClientNew = ngtcp2_crypto_qtls_session* (*)(std::shared_ptr<const qtls::ClientConfig>, std::string_view);
using QtlsServerNew = ngtcp2_crypto_qtls_session* (*)(std::shared_ptr<const qtls::ServerConfig>);
constexpr const char* kQtlsClientNew =
    "_Z37ngtcp2_crypto_qtls_client_session_newSt10shared_ptrIKN4qtls12ClientConfigEESt17basic_string_viewIcSt11char_"
    "traitsIcEE";
constexpr const char* kQtlsServerNew = "_Z37ngtcp2_crypto_qtls_server_session_newSt10shared_ptrIKN4qtls12ServerConfigEE";

struct QtlsFns {
    QtlsClientNew client_new = nullptr;
    QtlsServerNew server_new = nullptr;
    decltype(&::ngtcp2_crypto_qtls_configure_client_session) configure_client = nullptr;
    decltype(&::ngtcp2_crypto_qtls_configure_server_session) configure_server = nullptr;
    decltype(&::ngtcp2_crypto_qtls_session_set_app_data) set_app_data = nullptr;
    decltype(&::ngtcp2_crypto_qtls_session_del) del = nullptr;
    decltype(&::ngtcp2_crypto_qtls_session_get_cipher_suite) cipher_suite = nullptr;
    decltype(&::ngtcp2_crypto_qtls_session_get_group) group = nullptr;
};

class QtlsQuicTls : public QuicTls {
public:
    QtlsQuicTls(const QtlsFns& f, ngtcp2_crypto_qtls_session* s) : f_(f), s_(s) {}
    ~QtlsQuicTls() override { f_.del(s_); }
    void* native_handle() override { return s_; }
    std::string describe() override {
        std::string d(qtls::to_string(static_cast<qtls::CipherSuite>(f_.cipher_suite(s_))));
        d += ' ';
        d += qtls::to_string(static_cast<qtls::NamedGroup>(f_.group(s_)));
        d += " ecdsa_secp256r1_sha256 verified";
        return d;
    }

private:
    const QtlsFns& f_;
    ngtcp2_crypto_qtls_session* s_;
};

class QtlsBackend : public CryptoBackend {
public:
    QtlsFns q;
    std::shared_ptr<qtls::ClientConfig> client_config = std::make_shared<qtls::ClientConfig>();
    std::shared_ptr<qtls::ServerConfig> server_config = std::make_shared<qtls::ServerConfig>();

    QtlsBackend() {
        lib = QuicLib::qtls;
        client_config->cipher_suites = {qtls::CipherSuite::aes_128_gcm_sha256};
        client_config->groups = {qtls::NamedGroup::x25519};
        client_config->key_share_groups = {qtls::NamedGroup::x25519};
        client_config->alpn = {std::string(kAlpn)};
        client_config->verifier = qtls::test::test_pki().verifier();
        server_config->cipher_suites = {qtls::CipherSuite::aes_128_gcm_sha256};
        server_config->groups = {qtls::NamedGroup::x25519};
        server_config->alpn = {std::string(kAlpn)};
        server_config->cert_resolver = qtls::single_cert_resolver(qtls::test::test_pki().leaf(KeyType::ecdsa_p256));
    }

    std::unique_ptr<QuicTls> client(ngtcp2_crypto_conn_ref* ref) override {
        ngtcp2_crypto_qtls_session* s = q.client_new(client_config, kHostName);
        if (s == nullptr) return nullptr;
        auto tls = std::make_unique<QtlsQuicTls>(q, s);
        if (q.configure_client(s) != 0) return nullptr;
        q.set_app_data(s, ref);
        return tls;
    }
    std::unique_ptr<QuicTls> server(ngtcp2_crypto_conn_ref* ref) override {
        ngtcp2_crypto_qtls_session* s = q.server_new(server_config);
        if (s == nullptr) return nullptr;
        auto tls = std::make_unique<QtlsQuicTls>(q, s);
        if (q.configure_server(s) != 0) return nullptr;
        q.set_app_data(s, ref);
        return tls;
    }
};

std::unique_ptr<CryptoBackend> load_qtls(std::string& e) {
    void* h = open_library(QTLS_BENCH_NGTCP2_QTLS_PATH, e);
    if (h == nullptr) return nullptr;
    auto b = std::make_unique<QtlsBackend>();
    resolve_common(h, b->fns, e);
    resolve(h, kQtlsClientNew, b->q.client_new, e);
    resolve(h, kQtlsServerNew, b->q.server_new, e);
    resolve(h, "ngtcp2_crypto_qtls_configure_client_session", b->q.configure_client, e);
    resolve(h, "ngtcp2_crypto_qtls_configure_server_session", b->q.configure_server, e);
    resolve(h, "ngtcp2_crypto_qtls_session_set_app_data", b->q.set_app_data, e);
    resolve(h, "ngtcp2_crypto_qtls_session_del", b->q.del, e);
    resolve(h, "ngtcp2_crypto_qtls_session_get_cipher_suite", b->q.cipher_suite, e);
    resolve(h, "ngtcp2_crypto_qtls_session_get_group", b->q.group, e);
    if (!e.empty()) return nullptr;
    return b;
}

// -------------------------------------------------------------- GnuTLS ----
using GnutlsConfigure = int (*)(gnutls_session_t);

class GnutlsQuicTls : public QuicTls {
public:
    explicit GnutlsQuicTls(gnutls_session_t s) : s_(s) {}
    ~GnutlsQuicTls() override { gnutls_deinit(s_); }
    void* native_handle() override { return s_; }
    std::string describe() override {
        std::string d = gnutls_cipher_get_name(gnutls_cipher_get(s_));
        d += ' ';
        const char* g = gnutls_group_get_name(gnutls_group_get(s_));
        d += g ? g : "-";
        d += ' ';
        const char* sig = gnutls_sign_get_name(static_cast<gnutls_sign_algorithm_t>(gnutls_sign_algorithm_get(s_)));
        d += sig ? sig : "-";
        d += " verified";  // gnutls_session_set_verify_cert fails the handshake otherwise
        return d;
    }

private:
    gnutls_session_t s_;
};

gnutls_datum_t datum_of(const std::string& s) {
    return gnutls_datum_t{reinterpret_cast<unsigned char*>(const_cast<char*>(s.data())),
                          static_cast<unsigned int>(s.size())};
}

class GnutlsBackend : public CryptoBackend {
public:
    GnutlsConfigure configure_client = nullptr;
    GnutlsConfigure configure_server = nullptr;

    GnutlsBackend() {
        lib = QuicLib::gnutls;
        static const int init = gnutls_global_init();
        if (init < 0) throw std::runtime_error("gnutls_global_init");
        gnutls_certificate_allocate_credentials(&client_cred_);
        gnutls_certificate_allocate_credentials(&server_cred_);
        const gnutls_datum_t ca = datum_of(ca_pem());
        const CertFiles& files = cert_files(KeyType::ecdsa_p256);
        const gnutls_datum_t cert = datum_of(files.cert_pem), key = datum_of(files.key_pem);
        // QUIC has no middlebox compatibility mode (RFC 9001 §8.4).
        const char* prio =
            "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-X25519:-CIPHER-ALL:+AES-128-GCM:%DISABLE_TLS13_COMPAT_MODE";
        if (gnutls_certificate_set_x509_trust_mem(client_cred_, &ca, GNUTLS_X509_FMT_PEM) < 0 ||
            gnutls_certificate_set_x509_key_mem(server_cred_, &cert, &key, GNUTLS_X509_FMT_PEM) < 0 ||
            gnutls_priority_init(&prio_, prio, nullptr) < 0)
            throw std::runtime_error("GnuTLS QUIC credentials");
    }
    ~GnutlsBackend() override {
        gnutls_priority_deinit(prio_);
        gnutls_certificate_free_credentials(client_cred_);
        gnutls_certificate_free_credentials(server_cred_);
    }

    std::unique_ptr<QuicTls> client(ngtcp2_crypto_conn_ref* ref) override {
        gnutls_session_t s = nullptr;
        if (gnutls_init(&s, GNUTLS_CLIENT | GNUTLS_NO_END_OF_EARLY_DATA | GNUTLS_NO_TICKETS) < 0) return nullptr;
        auto tls = std::make_unique<GnutlsQuicTls>(s);
        if (configure_client(s) != 0) return nullptr;
        gnutls_session_set_ptr(s, ref);
        gnutls_priority_set(s, prio_);
        gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, client_cred_);
        gnutls_server_name_set(s, GNUTLS_NAME_DNS, kHostName.data(), kHostName.size());
        gnutls_session_set_verify_cert(s, kHostName.data(), 0);  // kept by pointer: a literal
        gnutls_datum_t alpn{reinterpret_cast<unsigned char*>(const_cast<char*>(kAlpn.data())),
                            static_cast<unsigned>(kAlpn.size())};
        gnutls_alpn_set_protocols(s, &alpn, 1, 0);
        return tls;
    }
    std::unique_ptr<QuicTls> server(ngtcp2_crypto_conn_ref* ref) override {
        gnutls_session_t s = nullptr;
        if (gnutls_init(&s, GNUTLS_SERVER | GNUTLS_NO_END_OF_EARLY_DATA | GNUTLS_NO_TICKETS) < 0) return nullptr;
        auto tls = std::make_unique<GnutlsQuicTls>(s);
        if (configure_server(s) != 0) return nullptr;
        gnutls_session_set_ptr(s, ref);
        gnutls_priority_set(s, prio_);
        gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, server_cred_);
        gnutls_certificate_server_set_request(s, GNUTLS_CERT_IGNORE);
        gnutls_datum_t alpn{reinterpret_cast<unsigned char*>(const_cast<char*>(kAlpn.data())),
                            static_cast<unsigned>(kAlpn.size())};
        gnutls_alpn_set_protocols(s, &alpn, 1, GNUTLS_ALPN_MANDATORY);
        return tls;
    }

private:
    gnutls_certificate_credentials_t client_cred_ = nullptr;
    gnutls_certificate_credentials_t server_cred_ = nullptr;
    gnutls_priority_t prio_ = nullptr;
};

std::unique_ptr<CryptoBackend> load_gnutls(std::string& e) {
    void* h = open_library("libngtcp2_crypto_gnutls.so.8", e);
    if (h == nullptr) return nullptr;
    auto b = std::make_unique<GnutlsBackend>();
    resolve_common(h, b->fns, e);
    resolve(h, "ngtcp2_crypto_gnutls_configure_client_session", b->configure_client, e);
    resolve(h, "ngtcp2_crypto_gnutls_configure_server_session", b->configure_server, e);
    if (!e.empty()) return nullptr;
    return b;
}

}  // namespace

CryptoBackend* load_crypto_backend(QuicLib lib, std::string& error) {
    // Kept until the process exits and never destroyed: the libraries stay
    // loaded, and GnuTLS may already be deinitialised by then.
    static std::map<QuicLib, CryptoBackend*> loaded;
    auto it = loaded.find(lib);
    if (it != loaded.end()) return it->second;
    error.clear();
    std::unique_ptr<CryptoBackend> b = lib == QuicLib::qtls ? load_qtls(error) : load_gnutls(error);
    if (!b) return nullptr;
    return loaded.emplace(lib, b.release()).first->second;
}

}  // namespace qbench
