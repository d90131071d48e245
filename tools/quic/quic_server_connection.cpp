#include "quic_server_connection.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace qtls::cli {

namespace {

// Our transport parameters (RFC 9000 §18.2). Every connection uses the same
// values, so tickets from one connection allow 0-RTT on the next (the
// backend seals them into the ticket and compares, RFC 9000 §7.4.1).
constexpr std::uint64_t kClientBidiStreams = 100;
// HTTP/3 needs 3 client uni streams (control, QPACK encoder, decoder); room
// for a few extension streams we ignore.
constexpr std::uint64_t kClientUniStreams = 16;
constexpr std::uint64_t kStreamWindow = 256 * 1024;
constexpr std::uint64_t kConnectionWindow = 1024 * 1024;
constexpr std::uint64_t kMaxStreamWindow = 16 * 1024 * 1024;
constexpr std::uint64_t kMaxConnectionWindow = 32 * 1024 * 1024;
constexpr ngtcp2_duration kIdleTimeout = 30 * NGTCP2_SECONDS;

}  // namespace

std::unique_ptr<ServerConnection> ServerConnection::create(ServerShared& shared, const NewConnection& nc) {
    std::unique_ptr<ServerConnection> c(new ServerConnection(shared));
    if (!c->setup(nc)) return nullptr;
    return c;
}

// The endpoint drops every routing entry of a connection it deletes.
ServerConnection::~ServerConnection() {
    app_.reset();
    ngtcp2_conn_del(conn_);
    ngtcp2_crypto_qtls_session_del(tls_);
}

void ServerConnection::install_callbacks(ngtcp2_callbacks& cb) {
    set_crypto_callbacks(cb, true);
    cb.get_new_connection_id = [](ngtcp2_conn*, ngtcp2_cid* cid, std::uint8_t* token, std::size_t cidlen, void* ud) {
        ServerConnection* c = self(ud);
        *cid = random_cid(cidlen);
        const auto& secret = c->shared_.static_secret;
        if (ngtcp2_crypto_generate_stateless_reset_token(token, secret.data(), secret.size(), cid) != 0)
            return NGTCP2_ERR_CALLBACK_FAILURE;
        c->shared_.add_cid(*cid, c);
        return 0;
    };
    cb.remove_connection_id = [](ngtcp2_conn*, const ngtcp2_cid* cid, void* ud) {
        self(ud)->shared_.remove_cid(*cid);
        return 0;
    };
    cb.handshake_completed = [](ngtcp2_conn* conn, void* ud) {
        ServerConnection* c = self(ud);
        if (!c->summary_printed_) {
            c->summary_printed_ = true;
            ConnectionFacts facts;
            facts.retry = c->retried_;
            std::fprintf(stderr, "qtls: quic accepted: %s\n", quic_summary(conn, c->tls_, facts).c_str());
        }
        return 0;
    };
    // RFC 9001 §4.1.4: with the 1-RTT write key the server may send 0.5-RTT
    // data; HTTP/3 opens its control and QPACK streams now.
    cb.recv_tx_key = [](ngtcp2_conn*, ngtcp2_encryption_level level, void* ud) {
        if (level != NGTCP2_ENCRYPTION_LEVEL_1RTT) return 0;
        return self(ud)->ensure_app() ? 0 : NGTCP2_ERR_CALLBACK_FAILURE;
    };
    cb.recv_stream_data = [](ngtcp2_conn*, std::uint32_t flags, std::int64_t stream_id, std::uint64_t,
                             const std::uint8_t* data, std::size_t len, void* ud, void*) {
        ServerConnection* c = self(ud);
        if (!c->ensure_app()) return NGTCP2_ERR_CALLBACK_FAILURE;
        return c->app_->recv_stream_data(flags, stream_id, data, len);
    };
    cb.acked_stream_data_offset = [](ngtcp2_conn*, std::int64_t stream_id, std::uint64_t, std::uint64_t len, void* ud,
                                     void*) {
        ServerConnection* c = self(ud);
        return c->app_ ? c->app_->acked_stream_data(stream_id, len) : 0;
    };
    cb.stream_close = [](ngtcp2_conn*, std::uint32_t flags, std::int64_t stream_id, std::uint64_t app_error, void* ud,
                         void*) {
        ServerConnection* c = self(ud);
        if (!c->app_) return 0;
        return c->app_->stream_close(stream_id, flags & NGTCP2_STREAM_CLOSE_FLAG_APP_ERROR_CODE_SET, app_error);
    };
    cb.stream_reset = [](ngtcp2_conn*, std::int64_t stream_id, std::uint64_t, std::uint64_t, void* ud, void*) {
        ServerConnection* c = self(ud);
        return c->app_ ? c->app_->stream_reset(stream_id) : 0;
    };
    cb.stream_stop_sending = [](ngtcp2_conn*, std::int64_t stream_id, std::uint64_t, void* ud, void*) {
        ServerConnection* c = self(ud);
        return c->app_ ? c->app_->stream_reset(stream_id) : 0;
    };
    cb.extend_max_stream_data = [](ngtcp2_conn*, std::int64_t stream_id, std::uint64_t, void* ud, void*) {
        ServerConnection* c = self(ud);
        return c->app_ ? c->app_->extend_max_stream_data(stream_id) : 0;
    };
    cb.extend_max_local_streams_uni = [](ngtcp2_conn*, std::uint64_t, void* ud) {
        ServerConnection* c = self(ud);
        if (c->app_ && !c->app_->extend_max_local_streams_uni()) return NGTCP2_ERR_CALLBACK_FAILURE;
        return 0;
    };
}

bool ServerConnection::setup(const NewConnection& nc) {
    const QuicOptions& o = *shared_.options;
    local_ = nc.local;
    remote_ = nc.remote;
    retried_ = nc.retried;
    path_.local = local_.as_ngtcp2();
    path_.remote = remote_.as_ngtcp2();

    ngtcp2_callbacks cb{};
    install_callbacks(cb);

    const ngtcp2_cid scid = random_cid();
    ngtcp2_settings settings;
    ngtcp2_settings_default(&settings);
    settings.initial_ts = quic_now();
    settings.max_window = kMaxConnectionWindow;
    settings.max_stream_window = kMaxStreamWindow;
    // RFC 9368 §2.1: the versions we accept, most preferred first; a client
    // offering v1 with v2 in its version_information is moved to v2 when we
    // prefer it (compatible version negotiation).
    settings.preferred_versions = o.quic_versions.data();
    settings.preferred_versionslen = o.quic_versions.size();
    settings.available_versions = o.quic_versions.data();
    settings.available_versionslen = o.quic_versions.size();
    if (nc.retried) {
        settings.token = nc.hd.token;
        settings.tokenlen = nc.hd.tokenlen;
        settings.token_type = NGTCP2_TOKEN_TYPE_RETRY;
    }
    if (!o.qlog_dir.empty()) {
        if (!qlog_.open(o.qlog_dir, scid, "server")) return false;
        settings.qlog_write = [](void* ud, std::uint32_t flags, const void* data, std::size_t len) {
            self(ud)->qlog_.write(flags, data, len);
        };
    }
    if (o.verbose) settings.log_printf = ngtcp2_log_to_stderr;

    ngtcp2_transport_params params;
    ngtcp2_transport_params_default(&params);
    params.initial_max_streams_bidi = kClientBidiStreams;
    params.initial_max_streams_uni = kClientUniStreams;
    params.initial_max_stream_data_bidi_local = kStreamWindow;
    params.initial_max_stream_data_bidi_remote = kStreamWindow;
    params.initial_max_stream_data_uni = kStreamWindow;
    params.initial_max_data = kConnectionWindow;
    params.max_idle_timeout = kIdleTimeout;
    params.original_dcid = nc.original_dcid;
    params.original_dcid_present = 1;
    if (nc.retried) {
        params.retry_scid = nc.retry_scid;
        params.retry_scid_present = 1;
    }
    const auto& secret = shared_.static_secret;
    if (ngtcp2_crypto_generate_stateless_reset_token(params.stateless_reset_token, secret.data(), secret.size(),
                                                     &scid) != 0)
        return false;
    params.stateless_reset_token_present = 1;

    if (int rv = ngtcp2_conn_server_new(&conn_, &nc.hd.scid, &scid, &path_, nc.hd.version, &cb, &settings, &params,
                                        nullptr, this);
        rv != 0) {
        std::fprintf(stderr, "qtls: ngtcp2_conn_server_new: %s\n", ngtcp2_strerror(rv));
        return false;
    }
    tls_ = ngtcp2_crypto_qtls_server_session_new(shared_.tls_config);
    if (tls_ == nullptr || ngtcp2_crypto_qtls_configure_server_session(tls_) != 0) {
        std::fprintf(stderr, "qtls: cannot create the TLS session (invalid configuration)\n");
        return false;
    }
    ngtcp2_crypto_qtls_session_set_app_data(tls_, &ref_);
    ngtcp2_conn_set_tls_native_handle(conn_, tls_);
    // The client may resend its Initial to the DCID it chose (RFC 9000 §7.2)
    // before it learns ours: route both here.
    shared_.add_cid(scid, this);
    shared_.add_cid(nc.hd.dcid, this);
    return true;
}

bool ServerConnection::ensure_app() {
    if (app_) return true;
    const std::uint8_t* alpn = nullptr;
    std::size_t alpnlen = 0;
    ngtcp2_crypto_qtls_session_get_alpn(tls_, &alpn, &alpnlen);
    const std::string protocol(reinterpret_cast<const char*>(alpn), alpnlen);
    if (protocol == kAlpnH3)
        app_ = make_h3_server_app(*this);
    else if (protocol == kAlpnHqInterop)
        app_ = make_hq_server_app(*this);
    else
        return false;  // the handshake only ever selects one of ours
    return app_->start();
}

void ServerConnection::consume(std::int64_t stream_id, std::size_t n) {
    if (n == 0) return;
    ngtcp2_conn_extend_max_stream_offset(conn_, stream_id, n);
    ngtcp2_conn_extend_max_offset(conn_, n);
}

void ServerConnection::log_response(const std::string& path, int status, std::size_t bytes) {
    if (shared_.options->verbose)
        std::fprintf(stderr, "qtls: %s GET %s -> %d (%zu bytes)\n", remote_.to_string().c_str(), path.c_str(), status,
                     bytes);
}

void ServerConnection::send(const std::uint8_t* data, std::size_t len) {
    if (!shared_.socket->send(data, len, &remote_))
        std::fprintf(stderr, "qtls: send to %s: %s\n", remote_.to_string().c_str(), std::strerror(errno));
}

bool ServerConnection::write_packets() {
    const PacketWriteResult r = write_stream_packets(conn_, app_.get(), sender());
    switch (r.outcome) {
        case PacketWriteResult::Outcome::kDone:
            return true;
        case PacketWriteResult::Outcome::kAppPendingFailed:
        case PacketWriteResult::Outcome::kAppWrittenFailed:
            fail(NGTCP2_ERR_CALLBACK_FAILURE);
            return false;
        case PacketWriteResult::Outcome::kConnectionError:
            fail(r.liberr);
            return false;
        case PacketWriteResult::Outcome::kSendFailed:  // sender() reports and carries on
            return false;
    }
    return false;
}

PacketSender ServerConnection::sender() {
    // A failed send is reported and otherwise left to loss recovery.
    return [this](const std::uint8_t* data, std::size_t len) {
        send(data, len);
        return true;
    };
}

bool ServerConnection::on_datagram(const std::uint8_t* data, std::size_t len, const SocketAddress& remote) {
    if (failed_) return false;
    // RFC 9000 §9: we do not support migration; a new client address
    // (e.g. NAT rebinding) is still routed by CID and answered there.
    remote_ = remote;
    path_.remote = remote_.as_ngtcp2();
    ngtcp2_pkt_info pi{};
    const int rv = ngtcp2_conn_read_pkt(conn_, &path_, &pi, data, len, quic_now());
    if (rv == NGTCP2_ERR_DRAINING || rv == NGTCP2_ERR_DROP_CONN) return false;  // RFC 9000 §10.2.2
    if (rv != 0) {
        fail(rv);
        return false;
    }
    return write_packets();
}

bool ServerConnection::on_timer() {
    if (failed_) return false;
    const ngtcp2_tstamp now = quic_now();
    if (ngtcp2_conn_get_expiry(conn_) <= now) {
        const int rv = ngtcp2_conn_handle_expiry(conn_, now);
        if (rv == NGTCP2_ERR_IDLE_CLOSE) return false;  // RFC 9000 §10.1: silently
        if (rv != 0) {
            fail(rv);
            return false;
        }
    }
    return write_packets();
}

void ServerConnection::fail(int liberr) {
    if (failed_) return;
    failed_ = true;
    std::fprintf(stderr, "qtls: connection from %s failed: %s\n", remote_.to_string().c_str(),
                 describe_failure(conn_, tls_, liberr).c_str());
    ngtcp2_ccerr ccerr;
    if (liberr == NGTCP2_ERR_CALLBACK_FAILURE && app_)
        ngtcp2_ccerr_set_application_error(&ccerr, app_->close_code(), nullptr, 0);
    else
        set_close_error(ccerr, conn_, liberr);
    send_connection_close(conn_, ccerr, sender());
}

void ServerConnection::close() {
    if (failed_ || ngtcp2_conn_in_closing_period(conn_) || ngtcp2_conn_in_draining_period(conn_)) return;
    ngtcp2_ccerr ccerr;
    ngtcp2_ccerr_default(&ccerr);
    if (app_) ngtcp2_ccerr_set_application_error(&ccerr, app_->close_code(), nullptr, 0);
    send_connection_close(conn_, ccerr, sender());
}

}  // namespace qtls::cli
