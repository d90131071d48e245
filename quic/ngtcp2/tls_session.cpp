// The TLS object of the backend: a qtls::quic::Session driven by ngtcp2's
// CRYPTO data (RFC 9001 §4), and the hooks that move its output into the
// ngtcp2_conn: CRYPTO data, secrets, transport parameters (RFC 9001 §8.2),
// alerts (RFC 9001 §4.8) and completion (RFC 9001 §4.1.1).
#include <cstring>

#include "backend.h"

using namespace qtls;
using namespace qtls::ngtcp2_backend;

namespace {

ngtcp2_encryption_level to_ngtcp2(quic::Level l) {
    switch (l) {
        case quic::Level::initial: return NGTCP2_ENCRYPTION_LEVEL_INITIAL;
        case quic::Level::early_data: return NGTCP2_ENCRYPTION_LEVEL_0RTT;
        case quic::Level::handshake: return NGTCP2_ENCRYPTION_LEVEL_HANDSHAKE;
        case quic::Level::application: return NGTCP2_ENCRYPTION_LEVEL_1RTT;
    }
    return NGTCP2_ENCRYPTION_LEVEL_INITIAL;
}

quic::Level to_qtls(ngtcp2_encryption_level l) {
    switch (l) {
        case NGTCP2_ENCRYPTION_LEVEL_INITIAL: return quic::Level::initial;
        case NGTCP2_ENCRYPTION_LEVEL_0RTT: return quic::Level::early_data;
        case NGTCP2_ENCRYPTION_LEVEL_HANDSHAKE: return quic::Level::handshake;
        case NGTCP2_ENCRYPTION_LEVEL_1RTT: return quic::Level::application;
    }
    return quic::Level::initial;
}

// The conn, through the app's ngtcp2_crypto_conn_ref when one is set.
ngtcp2_conn* conn_of(ngtcp2_crypto_qtls_session* tls) {
    if (tls->app_data != nullptr) {
        auto* ref = static_cast<ngtcp2_crypto_conn_ref*>(tls->app_data);
        if (ref->get_conn != nullptr) return ref->get_conn(ref);
    }
    return tls->conn;
}

// Moves everything the Session produced into the conn, in the order
// RFC 9001 §4.1.4 asks: peer parameters, keys (read before write within a
// level), CRYPTO data, then completion.
int flush(ngtcp2_conn* conn, ngtcp2_crypto_qtls_session* tls) {
    quic::Session& s = *tls->session;
    if (s.peer_transport_parameters() && !tls->remote_tp_set && set_remote_transport_params(conn, tls) != 0)
        return -1;
    // RFC 9001 §4.6.2: EncryptedExtensions without early_data (or a full
    // handshake) rejected our 0-RTT; ngtcp2 drops its early streams.
    if (s.side() == Side::client && s.early_data_rejected() && report_early_data_rejection(conn, tls) != 0)
        return -1;
    while (auto secret = s.next_secret()) {
        const ngtcp2_encryption_level level = to_ngtcp2(secret->level);
        if (secret->level == quic::Level::early_data) tls->early_suite = secret->suite;
        const int rv = secret->direction == Direction::read
                           ? ngtcp2_crypto_derive_and_install_rx_key(conn, nullptr, nullptr, nullptr, level,
                                                                     secret->secret.data(), secret->secret.size())
                           : ngtcp2_crypto_derive_and_install_tx_key(conn, nullptr, nullptr, nullptr, level,
                                                                     secret->secret.data(), secret->secret.size());
        if (rv != 0) return -1;
    }
    for (quic::Level level : {quic::Level::initial, quic::Level::handshake, quic::Level::application}) {
        ByteView out = s.pending_crypto(level);
        if (out.empty()) continue;
        const int rv = ngtcp2_conn_submit_crypto_data(conn, to_ngtcp2(level), out.data(), out.size());
        if (rv != 0) {
            ngtcp2_conn_set_tls_error(conn, rv);
            return -1;
        }
        s.consume(level, out.size());
    }
    if (s.handshake_complete() && !tls->completion_reported) {
        tls->completion_reported = true;
        ngtcp2_conn_tls_handshake_completed(conn);
    }
    return 0;
}

// ngtcp2 expects each crypto-data callback to finish its step; the backend
// cannot pause it for an answer from the application (qtls/async.h), so a
// config that defers a step is refused rather than left hanging.
bool defers_any(const DeferredOperations& d) { return d.sign || d.select_certificate || d.verify_peer; }

int create_session(ngtcp2_crypto_qtls_session* tls) {
    if (tls->side == Side::client) {
        if (tls->client_config && defers_any(tls->client_config->deferred)) return -1;
        ngtcp2_conn* conn = conn_of(tls);
        if (conn == nullptr) return -1;
        prepare_client_resumption(conn, tls);
        quic::ClientSessionOptions options{tls->server_name, tls->local_tp, std::move(tls->resume_session)};
        tls->resume_session.reset();
        auto s = quic::Session::client(tls->client_config, std::move(options));
        if (!s.ok()) return -1;
        tls->session = std::move(s).value();
        if (!tls->session->start().ok()) return -1;
        // We planned 0-RTT but the ClientHello does not offer it after all:
        // the streams the application opened for it must go (RFC 9001 §4.6.2).
        if (tls->early_data_planned && !tls->session->negotiated().early_data_offered)
            return report_early_data_rejection(conn, tls);
        return 0;
    }
    if (tls->server_config && defers_any(tls->server_config->deferred)) return -1;
    quic::ServerSessionOptions options;
    if (ngtcp2_conn* conn = conn_of(tls)) options.early_data_context = server_early_data_context(conn, tls);
    // RFC 9001 §8.2 with ngtcp2: our parameters are final only after the
    // peer's are applied and the Handshake tx key is installed (which
    // commits them), so EncryptedExtensions asks for them late.
    options.transport_parameters_callback = [tls]() -> Result<Bytes> {
        ngtcp2_conn* conn = conn_of(tls);
        if (conn == nullptr || flush(conn, tls) != 0)
            return Error{Alert::internal_error, "ngtcp2 refused the handshake keys or transport parameters"};
        if (tls->local_tp.empty()) return Error{Alert::internal_error, "ngtcp2 transport parameters not committed"};
        return tls->local_tp;
    };
    auto s = quic::Session::server(tls->server_config, std::move(options));
    if (!s.ok()) return -1;
    tls->session = std::move(s).value();
    return 0;
}

}  // namespace

namespace qtls::ngtcp2_backend {

ngtcp2_crypto_qtls_session* session_of(ngtcp2_conn* conn) {
    return static_cast<ngtcp2_crypto_qtls_session*>(ngtcp2_conn_get_tls_native_handle(conn));
}

int set_local_transport_params(ngtcp2_crypto_qtls_session* tls, const uint8_t* buf, size_t len) {
    tls->local_tp.assign(buf, buf + len);
    return 0;
}

int set_remote_transport_params(ngtcp2_conn* conn, ngtcp2_crypto_qtls_session* tls) {
    if (tls->remote_tp_set) return 0;
    if (!tls->session || !tls->session->peer_transport_parameters()) return -1;
    const Bytes& tp = *tls->session->peer_transport_parameters();
    const int rv = ngtcp2_conn_decode_and_set_remote_transport_params(conn, tp.data(), tp.size());
    if (rv != 0) {
        ngtcp2_conn_set_tls_error(conn, rv);
        return -1;
    }
    tls->remote_tp_set = true;
    return 0;
}

int encode_local_transport_params(ngtcp2_conn* conn, ngtcp2_crypto_qtls_session* tls) {
    for (std::size_t size = 256; size <= 16384; size *= 4) {
        Bytes buf(size);
        const ngtcp2_ssize n = ngtcp2_conn_encode_local_transport_params(conn, buf.data(), buf.size());
        if (n == NGTCP2_ERR_NOBUF) continue;
        if (n < 0) {
            ngtcp2_conn_set_tls_error(conn, static_cast<int>(n));
            return -1;
        }
        buf.resize(static_cast<std::size_t>(n));
        tls->local_tp = std::move(buf);
        return 0;
    }
    return -1;
}

}  // namespace qtls::ngtcp2_backend

ngtcp2_crypto_qtls_session* ngtcp2_crypto_qtls_client_session_new(std::shared_ptr<const ClientConfig> config,
                                                                  std::string_view server_name) {
    if (!config || !validate(*config).ok() || config->alpn.empty()) return nullptr;
    auto* tls = new ngtcp2_crypto_qtls_session;
    tls->side = Side::client;
    tls->client_config = std::move(config);
    tls->server_name = std::string(server_name);
    return tls;
}

ngtcp2_crypto_qtls_session* ngtcp2_crypto_qtls_server_session_new(std::shared_ptr<const ServerConfig> config) {
    if (!config || !validate(*config).ok() || config->alpn.empty()) return nullptr;
    auto* tls = new ngtcp2_crypto_qtls_session;
    tls->side = Side::server;
    tls->server_config = std::move(config);
    return tls;
}

const quic::Session* ngtcp2_crypto_qtls_session_get_quic_session(ngtcp2_crypto_qtls_session* session) {
    return session ? session->session.get() : nullptr;
}

extern "C" {

ngtcp2_encryption_level ngtcp2_crypto_qtls_from_qtls_level(ngtcp2_crypto_qtls_level qtls_level) {
    return to_ngtcp2(static_cast<quic::Level>(qtls_level));
}

ngtcp2_crypto_qtls_level ngtcp2_crypto_qtls_from_ngtcp2_encryption_level(ngtcp2_encryption_level level) {
    return static_cast<ngtcp2_crypto_qtls_level>(to_qtls(level));
}

int ngtcp2_crypto_qtls_configure_client_session(ngtcp2_crypto_qtls_session* session) {
    if (session == nullptr || session->side != Side::client) return -1;
    session->configured = true;
    return 0;
}

int ngtcp2_crypto_qtls_configure_server_session(ngtcp2_crypto_qtls_session* session) {
    if (session == nullptr || session->side != Side::server) return -1;
    session->configured = true;
    return 0;
}

void ngtcp2_crypto_qtls_session_set_app_data(ngtcp2_crypto_qtls_session* session, void* app_data) {
    session->app_data = app_data;
}

void* ngtcp2_crypto_qtls_session_get_app_data(ngtcp2_crypto_qtls_session* session) { return session->app_data; }

void ngtcp2_crypto_qtls_session_del(ngtcp2_crypto_qtls_session* session) { delete session; }

uint16_t ngtcp2_crypto_qtls_session_get_cipher_suite(ngtcp2_crypto_qtls_session* session) {
    if (!session || !session->session) return 0;
    return static_cast<uint16_t>(session->session->negotiated().suite);
}

uint16_t ngtcp2_crypto_qtls_session_get_group(ngtcp2_crypto_qtls_session* session) {
    if (!session || !session->session || !session->session->negotiated().group) return 0;
    return static_cast<uint16_t>(*session->session->negotiated().group);
}

void ngtcp2_crypto_qtls_session_get_alpn(ngtcp2_crypto_qtls_session* session, const uint8_t** alpn,
                                         size_t* alpnlen) {
    *alpn = nullptr;
    *alpnlen = 0;
    if (!session || !session->session) return;
    const std::string& a = session->session->negotiated().alpn;
    *alpn = reinterpret_cast<const uint8_t*>(a.data());
    *alpnlen = a.size();
}

uint8_t ngtcp2_crypto_qtls_session_get_alert(ngtcp2_crypto_qtls_session* session) {
    if (!session || !session->session || !session->session->alert()) return 0;
    return static_cast<uint8_t>(*session->session->alert());
}

int ngtcp2_crypto_qtls_session_get_handshake_completed(ngtcp2_crypto_qtls_session* session) {
    return session && session->session && session->session->handshake_complete() ? 1 : 0;
}

ngtcp2_crypto_ctx* ngtcp2_crypto_ctx_tls(ngtcp2_crypto_ctx* ctx, void* tls_native_handle) {
    auto* tls = static_cast<ngtcp2_crypto_qtls_session*>(tls_native_handle);
    if (tls == nullptr || !tls->session) return nullptr;
    return ctx_for_suite(ctx, tls->session->negotiated().suite);
}

// 0-RTT (RFC 9001 §4.6): the suite of the ticket that the early secret
// came from (the client's offered PSK, the server's accepted one).
ngtcp2_crypto_ctx* ngtcp2_crypto_ctx_tls_early(ngtcp2_crypto_ctx* ctx, void* tls_native_handle) {
    auto* tls = static_cast<ngtcp2_crypto_qtls_session*>(tls_native_handle);
    if (tls == nullptr || !tls->early_suite) return nullptr;
    return ctx_for_suite(ctx, *tls->early_suite);
}

int ngtcp2_crypto_read_write_crypto_data(ngtcp2_conn* conn, ngtcp2_encryption_level level, const uint8_t* data,
                                         size_t datalen) {
    ngtcp2_crypto_qtls_session* tls = session_of(conn);
    if (tls == nullptr || !tls->configured) {
        ngtcp2_conn_set_tls_alert(conn, static_cast<uint8_t>(Alert::internal_error));
        return -1;
    }
    tls->conn = conn;
    bool ok = true;
    if (!tls->session) ok = create_session(tls) == 0;
    if (ok && datalen > 0)
        ok = tls->session->provide_crypto_data(to_qtls(level), ByteView(data, datalen)).ok();
    // Flush even after a failure: whatever was produced before it is valid.
    if (tls->session && flush(conn, tls) != 0) ok = false;
    tls->conn = nullptr;
    if (ok) return 0;
    // RFC 9001 §4.8: the alert becomes CRYPTO_ERROR; never leave it at 0.
    Alert alert = Alert::internal_error;
    if (tls->session && tls->session->alert()) alert = *tls->session->alert();
    ngtcp2_conn_set_tls_alert(conn, static_cast<uint8_t>(alert));
    return -1;
}

}  // extern "C"
