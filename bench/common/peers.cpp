// The baselines: OpenSSL libssl and GnuTLS client/server pairs over the
// in-memory Wire, configured like the qtls pair (see bench_common.h).
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "common/bench_common.h"

namespace qbench {
namespace {

[[noreturn]] void fail(const std::string& what) {
    ERR_print_errors_fp(stderr);
    throw std::runtime_error(what);
}

// The handshake loop both baselines share: each side takes a step in turn
// (one non-blocking handshake call, its time and allocations charged to that
// side) until both are done, then the ticket step of the resumption cases.
class SteppedPair : public Pair {
public:
    bool handshake() final {
        bool client_done = false, server_done = false;
        for (int round = 0; round < kMaxRounds && !(client_done && server_done); ++round) {
            if (!client_done) {
                SideScope cs(kClient);
                if (!step(kClient, client_done)) return false;
            }
            if (!server_done) {
                SideScope ss(kServer);
                if (!step(kServer, server_done)) return false;
            }
        }
        return client_done && server_done && take_ticket();
    }

protected:
    // One handshake call on `side`; false on a fatal error, `done` once
    // that side's handshake is complete.
    virtual bool step(SideIndex side, bool& done) = 0;
    // Resumption cases: the server's ticket reaches the client's cache.
    virtual bool take_ticket() { return true; }

private:
    // A TLS 1.3 handshake in memory takes three or four rounds; the bound
    // only ends a pair that stopped making progress.
    static constexpr int kMaxRounds = 64;
};

// ------------------------------------------------------------- OpenSSL ----
// A BIO over one end of a Wire: writes go to `out`, reads come from `in`,
// an empty `in` is a retryable read (like a non-blocking socket). It holds
// no buffer of its own, so idle memory is the SSL object's alone.
struct WireEnd {
    ByteQueue* in;
    ByteQueue* out;
};

int wire_bio_write(BIO* b, const char* data, int len) {
    BIO_clear_retry_flags(b);
    auto* end = static_cast<WireEnd*>(BIO_get_data(b));
    end->out->push(data, static_cast<std::size_t>(len));
    return len;
}

int wire_bio_read(BIO* b, char* data, int len) {
    BIO_clear_retry_flags(b);
    auto* end = static_cast<WireEnd*>(BIO_get_data(b));
    const std::size_t n = end->in->pull(data, static_cast<std::size_t>(len));
    if (n == 0) {
        BIO_set_retry_read(b);
        return -1;
    }
    return static_cast<int>(n);
}

long wire_bio_ctrl(BIO* b, int cmd, long, void*) {
    switch (cmd) {
        case BIO_CTRL_FLUSH: return 1;
        case BIO_CTRL_PENDING: return static_cast<long>(static_cast<WireEnd*>(BIO_get_data(b))->in->size());
        case BIO_CTRL_WPENDING: return 0;
        default: return 0;
    }
}

int wire_bio_create(BIO* b) {
    BIO_set_init(b, 1);
    return 1;
}

BIO_METHOD* wire_bio_method() {
    static BIO_METHOD* method = [] {
        BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "qtls-bench wire");
        BIO_meth_set_write(m, wire_bio_write);
        BIO_meth_set_read(m, wire_bio_read);
        BIO_meth_set_ctrl(m, wire_bio_ctrl);
        BIO_meth_set_create(m, wire_bio_create);
        return m;
    }();
    return method;
}

const char* openssl_suite(qtls::CipherSuite s) {
    switch (s) {
        case qtls::CipherSuite::aes_128_gcm_sha256: return "TLS_AES_128_GCM_SHA256";
        case qtls::CipherSuite::aes_256_gcm_sha384: return "TLS_AES_256_GCM_SHA384";
        case qtls::CipherSuite::chacha20_poly1305_sha256: return "TLS_CHACHA20_POLY1305_SHA256";
    }
    return "";
}

SSL_CTX* new_openssl_ctx(const PairSettings& s, bool server) {
    SSL_CTX* ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
    if (!ctx) fail("SSL_CTX_new");
    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
    if (SSL_CTX_set_ciphersuites(ctx, openssl_suite(s.suite)) != 1) fail("SSL_CTX_set_ciphersuites");
    if (SSL_CTX_set1_groups_list(ctx, "X25519") != 1) fail("SSL_CTX_set1_groups_list");
    if (s.resumption) {
        // Stateless tickets, one per connection (as the qtls server sends);
        // the client hands each new session to new_session_cb and keeps no
        // cache of its own.
        SSL_CTX_set_num_tickets(ctx, 1);
        SSL_CTX_set_session_cache_mode(ctx, server ? SSL_SESS_CACHE_OFF
                                                   : SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    } else {
        // Full handshakes only: no tickets, no session cache.
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
        SSL_CTX_set_num_tickets(ctx, 0);
    }
    if (s.release_buffers) SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    return ctx;
}

// The client's saved session (resumption cases): new_session_cb replaces it
// with the newest ticket, the next pair offers it.
struct OpensslSessionSlot {
    SSL_SESSION* session = nullptr;
    ~OpensslSessionSlot() { SSL_SESSION_free(session); }
};

int openssl_new_session(SSL* ssl, SSL_SESSION* session) {
    auto* slot = static_cast<OpensslSessionSlot*>(SSL_get_app_data(ssl));
    if (!slot) return 0;
    SSL_SESSION_free(slot->session);
    slot->session = session;
    return 1;  // we keep the reference
}

class OpensslPair : public SteppedPair {
public:
    OpensslPair(SSL_CTX* cctx, SSL_CTX* sctx, Wire* wire, OpensslSessionSlot* slot)
        : client_end_{&wire->to_client, &wire->to_server},
          server_end_{&wire->to_server, &wire->to_client},
          slot_(slot) {
        wire->clear();
        {
            SideScope cs(kClient);
            client_ = SSL_new(cctx);
            BIO* b = BIO_new(wire_bio_method());
            BIO_set_data(b, &client_end_);
            SSL_set_bio(client_, b, b);
            SSL_set_tlsext_host_name(client_, kHostName.data());
            SSL_set1_host(client_, kHostName.data());
            SSL_set_connect_state(client_);
            if (slot_) {
                SSL_set_app_data(client_, slot_);
                if (slot_->session) SSL_set_session(client_, slot_->session);
            }
        }
        {
            SideScope ss(kServer);
            server_ = SSL_new(sctx);
            BIO* b = BIO_new(wire_bio_method());
            BIO_set_data(b, &server_end_);
            SSL_set_bio(server_, b, b);
            SSL_set_accept_state(server_);
        }
    }
    ~OpensslPair() override {
        destroy_server();
        destroy_client();
    }

    bool step(SideIndex side, bool& done) override { return drive(side == kClient ? client_ : server_, done); }

    bool take_ticket() override {
        if (!slot_) return true;
        // The server wrote its ticket at the end of its handshake; the
        // client reads it (new_session_cb) with a read that finds no data.
        SideScope cs(kClient);
        char byte;
        const int r = SSL_read(client_, &byte, 1);
        return r <= 0 && SSL_get_error(client_, r) == SSL_ERROR_WANT_READ;
    }

    bool client_to_server(const std::uint8_t* data, std::size_t n, std::vector<std::uint8_t>& scratch) override {
        std::size_t sent = 0, got = 0;
        while (got < n) {
            if (sent < n) {
                SideScope cs(kClient);
                const int w = SSL_write(client_, data + sent, static_cast<int>(n - sent));
                if (w <= 0) return false;
                sent += static_cast<std::size_t>(w);
            }
            SideScope ss(kServer);
            for (;;) {
                const int r = SSL_read(server_, scratch.data(), static_cast<int>(scratch.size()));
                if (r > 0) {
                    got += static_cast<std::size_t>(r);
                    continue;
                }
                if (SSL_get_error(server_, r) != SSL_ERROR_WANT_READ) return false;
                break;
            }
            if (sent == n && got < n) return false;
        }
        return true;
    }

    std::string describe() override {
        std::string d = SSL_get_cipher_name(client_);
        d += ' ';
        d += OBJ_nid2sn(SSL_get_negotiated_group(client_));
        int sig = NID_undef, hash = NID_undef;
        SSL_get_peer_signature_type_nid(client_, &sig);
        SSL_get_peer_signature_nid(client_, &hash);
        d += ' ';
        d += OBJ_nid2sn(sig);
        d += '+';
        d += hash == NID_undef ? "-" : OBJ_nid2sn(hash);
        if (SSL_session_reused(client_))
            d += " resumed";
        else
            d += SSL_get_verify_result(client_) == X509_V_OK ? " verified" : " NOT-VERIFIED";
        return d;
    }

    bool resumed() override { return SSL_session_reused(client_) == 1 && SSL_session_reused(server_) == 1; }

    void destroy_server() override {
        SideScope ss(kServer);
        SSL_free(server_);
        server_ = nullptr;
    }
    void destroy_client() override {
        SideScope cs(kClient);
        // Without a recorded shutdown SSL_free marks the session not
        // resumable, and the next pair would silently do a full handshake.
        if (slot_ && client_) SSL_set_shutdown(client_, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
        SSL_free(client_);
        client_ = nullptr;
    }

private:
    static bool drive(SSL* ssl, bool& done) {
        const int rc = SSL_do_handshake(ssl);
        if (rc == 1) {
            done = true;
            return true;
        }
        const int err = SSL_get_error(ssl, rc);
        if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return true;
        ERR_print_errors_fp(stderr);
        return false;
    }

    WireEnd client_end_;
    WireEnd server_end_;
    OpensslSessionSlot* slot_;
    SSL* client_ = nullptr;
    SSL* server_ = nullptr;
};

class OpensslFactory : public Factory {
public:
    explicit OpensslFactory(const PairSettings& s) : resumption_(s.resumption) {
        client_ = new_openssl_ctx(s, false);
        if (resumption_) SSL_CTX_sess_set_new_cb(client_, openssl_new_session);
        SSL_CTX_set_verify(client_, SSL_VERIFY_PEER, nullptr);
        BIO* ca = BIO_new_mem_buf(ca_pem().data(), static_cast<int>(ca_pem().size()));
        X509* ca_cert = PEM_read_bio_X509(ca, nullptr, nullptr, nullptr);
        BIO_free(ca);
        if (!ca_cert || X509_STORE_add_cert(SSL_CTX_get_cert_store(client_), ca_cert) != 1) fail("CA");
        X509_free(ca_cert);

        server_ = new_openssl_ctx(s, true);
        const CertFiles& files = cert_files(s.cert);
        BIO* cb = BIO_new_mem_buf(files.cert_pem.data(), static_cast<int>(files.cert_pem.size()));
        X509* cert = PEM_read_bio_X509(cb, nullptr, nullptr, nullptr);
        BIO_free(cb);
        BIO* kb = BIO_new_mem_buf(files.key_pem.data(), static_cast<int>(files.key_pem.size()));
        EVP_PKEY* key = PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr);
        BIO_free(kb);
        if (!cert || !key || SSL_CTX_use_certificate(server_, cert) != 1 || SSL_CTX_use_PrivateKey(server_, key) != 1)
            fail("server certificate");
        X509_free(cert);
        EVP_PKEY_free(key);
    }
    ~OpensslFactory() override {
        SSL_CTX_free(client_);
        SSL_CTX_free(server_);
    }
    std::unique_ptr<Pair> make() override {
        return std::make_unique<OpensslPair>(client_, server_, &wire_, resumption_ ? &slot_ : nullptr);
    }

private:
    bool resumption_;
    OpensslSessionSlot slot_;
    SSL_CTX* client_ = nullptr;
    SSL_CTX* server_ = nullptr;
    Wire wire_;  // reused by every pair: its reserved capacity is not theirs
};

// -------------------------------------------------------------- GnuTLS ----
struct GnutlsEnd {
    ByteQueue* in;
    ByteQueue* out;
    gnutls_session_t session = nullptr;
};

ssize_t gnutls_push(gnutls_transport_ptr_t p, const void* data, size_t n) {
    static_cast<GnutlsEnd*>(p)->out->push(data, n);
    return static_cast<ssize_t>(n);
}

ssize_t gnutls_pull(gnutls_transport_ptr_t p, void* data, size_t n) {
    auto* end = static_cast<GnutlsEnd*>(p);
    const std::size_t k = end->in->pull(data, n);
    if (k == 0) {
        gnutls_transport_set_errno(end->session, EAGAIN);
        return -1;
    }
    return static_cast<ssize_t>(k);
}

std::string gnutls_priority(qtls::CipherSuite s) {
    std::string p = "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-X25519:-CIPHER-ALL:";
    switch (s) {
        case qtls::CipherSuite::aes_128_gcm_sha256: return p + "+AES-128-GCM";
        case qtls::CipherSuite::aes_256_gcm_sha384: return p + "+AES-256-GCM";
        case qtls::CipherSuite::chacha20_poly1305_sha256: return p + "+CHACHA20-POLY1305";
    }
    return p;
}

void check_gnutls(int rc, const char* what) {
    if (rc < 0) throw std::runtime_error(std::string(what) + ": " + gnutls_strerror(rc));
}

// Resumption cases: the server's ticket key and the client's newest session.
struct GnutlsTickets {
    gnutls_datum_t key{};
    gnutls_datum_t session{};
    ~GnutlsTickets() {
        if (key.data) gnutls_free(key.data);
        if (session.data) gnutls_free(session.data);
    }
};

class GnutlsPair : public SteppedPair {
public:
    GnutlsPair(gnutls_certificate_credentials_t ccred, gnutls_certificate_credentials_t scred,
               gnutls_priority_t prio, Wire* wire, GnutlsTickets* tickets)
        : client_end_{&wire->to_client, &wire->to_server},
          server_end_{&wire->to_server, &wire->to_client},
          tickets_(tickets) {
        wire->clear();
        // Full-handshake cases: no tickets. Resumption: the server sends
        // exactly one ticket, explicitly, after its handshake.
        const unsigned client_flags = tickets_ ? 0u : GNUTLS_NO_TICKETS;
        const unsigned server_flags = tickets_ ? GNUTLS_NO_AUTO_SEND_TICKET : GNUTLS_NO_TICKETS;
        {
            SideScope cs(kClient);
            check_gnutls(gnutls_init(&client_, GNUTLS_CLIENT | GNUTLS_NONBLOCK | client_flags), "gnutls_init");
            client_end_.session = client_;
            gnutls_priority_set(client_, prio);
            gnutls_credentials_set(client_, GNUTLS_CRD_CERTIFICATE, ccred);
            gnutls_server_name_set(client_, GNUTLS_NAME_DNS, kHostName.data(), kHostName.size());
            // GnuTLS keeps the pointer (no copy): pass the literal, not a temporary.
            gnutls_session_set_verify_cert(client_, kHostName.data(), 0);
            if (tickets_ && tickets_->session.data)
                check_gnutls(gnutls_session_set_data(client_, tickets_->session.data, tickets_->session.size),
                             "gnutls_session_set_data");
            attach(client_, &client_end_);
        }
        {
            SideScope ss(kServer);
            check_gnutls(gnutls_init(&server_, GNUTLS_SERVER | GNUTLS_NONBLOCK | server_flags), "gnutls_init");
            if (tickets_) check_gnutls(gnutls_session_ticket_enable_server(server_, &tickets_->key), "tickets");
            server_end_.session = server_;
            gnutls_priority_set(server_, prio);
            gnutls_credentials_set(server_, GNUTLS_CRD_CERTIFICATE, scred);
            gnutls_certificate_server_set_request(server_, GNUTLS_CERT_IGNORE);
            attach(server_, &server_end_);
        }
    }
    ~GnutlsPair() override {
        destroy_server();
        destroy_client();
    }

    bool step(SideIndex side, bool& done) override { return drive(side == kClient ? client_ : server_, done); }

    bool take_ticket() override {
        if (!tickets_) return true;
        {
            SideScope ss(kServer);
            if (gnutls_session_ticket_send(server_, 1, 0) < 0) return false;
        }
        // The client takes the ticket in a read that finds no data, then
        // keeps the session for the next pair.
        SideScope cs(kClient);
        char byte;
        if (gnutls_record_recv(client_, &byte, 1) != GNUTLS_E_AGAIN) return false;
        if (tickets_->session.data) gnutls_free(tickets_->session.data);
        tickets_->session = {};
        return gnutls_session_get_data2(client_, &tickets_->session) >= 0;
    }

    bool client_to_server(const std::uint8_t* data, std::size_t n, std::vector<std::uint8_t>& scratch) override {
        std::size_t sent = 0, got = 0;
        while (got < n) {
            if (sent < n) {
                SideScope cs(kClient);
                const ssize_t w = gnutls_record_send(client_, data + sent, n - sent);
                if (w < 0 && w != GNUTLS_E_AGAIN) return false;
                if (w > 0) sent += static_cast<std::size_t>(w);
            }
            SideScope ss(kServer);
            for (;;) {
                const ssize_t r = gnutls_record_recv(server_, scratch.data(), scratch.size());
                if (r > 0) {
                    got += static_cast<std::size_t>(r);
                    continue;
                }
                if (r == GNUTLS_E_AGAIN) break;
                return false;
            }
            if (sent == n && got < n) return false;
        }
        return true;
    }

    std::string describe() override {
        std::string d = gnutls_cipher_get_name(gnutls_cipher_get(client_));
        d += ' ';
        const char* g = gnutls_group_get_name(gnutls_group_get(client_));
        d += g ? g : "-";
        d += ' ';
        const char* sig = gnutls_sign_get_name(static_cast<gnutls_sign_algorithm_t>(gnutls_sign_algorithm_get(client_)));
        d += sig ? sig : "-";
        // gnutls_session_set_verify_cert fails the handshake unless verified
        d += gnutls_session_is_resumed(client_) ? " resumed" : " verified";
        return d;
    }

    bool resumed() override { return gnutls_session_is_resumed(client_) && gnutls_session_is_resumed(server_); }

    void destroy_server() override {
        SideScope ss(kServer);
        if (server_) gnutls_deinit(server_);
        server_ = nullptr;
    }
    void destroy_client() override {
        SideScope cs(kClient);
        if (client_) gnutls_deinit(client_);
        client_ = nullptr;
    }

private:
    static void attach(gnutls_session_t s, GnutlsEnd* end) {
        gnutls_transport_set_ptr(s, end);
        gnutls_transport_set_push_function(s, gnutls_push);
        gnutls_transport_set_pull_function(s, gnutls_pull);
        gnutls_handshake_set_timeout(s, 0);
    }
    static bool drive(gnutls_session_t s, bool& done) {
        const int rc = gnutls_handshake(s);
        if (rc == GNUTLS_E_SUCCESS) {
            done = true;
            return true;
        }
        if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) return true;
        std::fprintf(stderr, "gnutls_handshake: %s\n", gnutls_strerror(rc));
        if (rc == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
            gnutls_datum_t why{};
            const unsigned status = gnutls_session_get_verify_cert_status(s);
            if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &why, 0) == 0) {
                std::fprintf(stderr, "  %s\n", reinterpret_cast<const char*>(why.data));
                gnutls_free(why.data);
            }
        }
        return false;
    }

    GnutlsEnd client_end_;
    GnutlsEnd server_end_;
    GnutlsTickets* tickets_;
    gnutls_session_t client_ = nullptr;
    gnutls_session_t server_ = nullptr;
};

gnutls_datum_t datum(const std::string& s) {
    return gnutls_datum_t{reinterpret_cast<unsigned char*>(const_cast<char*>(s.data())),
                          static_cast<unsigned int>(s.size())};
}

class GnutlsFactory : public Factory {
public:
    explicit GnutlsFactory(const PairSettings& s) {
        static const int init = gnutls_global_init();
        check_gnutls(init, "gnutls_global_init");
        check_gnutls(gnutls_certificate_allocate_credentials(&client_), "credentials");
        const gnutls_datum_t ca = datum(ca_pem());
        check_gnutls(gnutls_certificate_set_x509_trust_mem(client_, &ca, GNUTLS_X509_FMT_PEM), "trust");
        check_gnutls(gnutls_certificate_allocate_credentials(&server_), "credentials");
        const CertFiles& files = cert_files(s.cert);
        const gnutls_datum_t cert = datum(files.cert_pem), key = datum(files.key_pem);
        check_gnutls(gnutls_certificate_set_x509_key_mem(server_, &cert, &key, GNUTLS_X509_FMT_PEM), "server key");
        check_gnutls(gnutls_priority_init(&prio_, gnutls_priority(s.suite).c_str(), nullptr), "priority");
        if (s.resumption) {
            tickets_ = std::make_unique<GnutlsTickets>();
            check_gnutls(gnutls_session_ticket_key_generate(&tickets_->key), "ticket key");
        }
    }
    ~GnutlsFactory() override {
        gnutls_priority_deinit(prio_);
        gnutls_certificate_free_credentials(client_);
        gnutls_certificate_free_credentials(server_);
    }
    std::unique_ptr<Pair> make() override {
        return std::make_unique<GnutlsPair>(client_, server_, prio_, &wire_, tickets_.get());
    }

private:
    std::unique_ptr<GnutlsTickets> tickets_;
    gnutls_certificate_credentials_t client_ = nullptr;
    gnutls_certificate_credentials_t server_ = nullptr;
    gnutls_priority_t prio_ = nullptr;
    Wire wire_;
};

}  // namespace

std::unique_ptr<Factory> make_openssl_factory(const PairSettings& settings) {
    return std::make_unique<OpensslFactory>(settings);
}

std::unique_ptr<Factory> make_gnutls_factory(const PairSettings& settings) {
    return std::make_unique<GnutlsFactory>(settings);
}

}  // namespace qbench
