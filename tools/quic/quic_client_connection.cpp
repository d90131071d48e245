#include "quic_client_connection.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "qtls/quic.h"
#include "quic_stream_writer.h"

namespace qtls::cli {

namespace {

// Flow control (RFC 9000 §4): generous enough that a 10 MB download never
// waits for credit on a loopback path; ngtcp2 grows the windows further
// (auto-tuning) up to the max_* settings.
constexpr std::uint64_t kStreamWindow = 8 * 1024 * 1024;
constexpr std::uint64_t kConnectionWindow = 16 * 1024 * 1024;
constexpr std::uint64_t kMaxStreamWindow = 32 * 1024 * 1024;
constexpr std::uint64_t kMaxConnectionWindow = 64 * 1024 * 1024;
// The server may open this many uni streams (HTTP/3 control + QPACK, and
// room for extensions we ignore); we accept no server-initiated bidi streams.
constexpr std::uint64_t kPeerUniStreams = 100;
constexpr ngtcp2_duration kIdleTimeout = 30 * NGTCP2_SECONDS;
// How long a finished transfer waits for its key update to be confirmed.
constexpr ngtcp2_duration kKeyUpdateGrace = 2 * NGTCP2_SECONDS;
// Datagrams read per poll wake-up before timers and writes get a turn.
constexpr int kMaxDatagramsPerWake = 64;

class ClientConnection final : public AppHost {
public:
    ClientConnection(const ClientRun& run, const ConnectionPlan& plan) : run_(run), plan_(plan) { active_ = this; }

    ~ClientConnection() override {
        active_ = nullptr;
        retired_app_.reset();
        app_.reset();
        ngtcp2_conn_del(conn_);
        ngtcp2_crypto_qtls_session_del(tls_);
        for (Request* r : plan_.requests) close_output(*r);
    }

    bool run(ConnectionOutcome& outcome);

    // AppHost.
    ngtcp2_conn* conn() override { return conn_; }
    void consume(std::int64_t stream_id, std::size_t n) override {
        if (n == 0) return;
        ngtcp2_conn_extend_max_stream_offset(conn_, stream_id, n);
        ngtcp2_conn_extend_max_offset(conn_, n);
    }
    void on_status(Request& r, int status) override { r.status = status; }
    void on_body(Request& r, const std::uint8_t* data, std::size_t len) override;
    void on_complete(Request& r) override;
    void on_failed(Request& r, const std::string& why) override;

private:
    bool setup();
    bool write_packets();
    bool app_write_failed();
    bool read_packets();
    bool handle_expiry();
    void after_events();
    void submit_requests();
    bool all_done();
    void close(std::uint64_t app_code);
    void send_close(const ngtcp2_ccerr& ccerr);
    void fail_connection(int liberr);
    void close_output(Request& r);
    std::unique_ptr<ClientApp> make_app();

    static ClientConnection* self(void* user_data) { return static_cast<ClientConnection*>(user_data); }
    void install_callbacks(ngtcp2_callbacks& cb);

    const ClientRun& run_;
    const ConnectionPlan& plan_;
    UdpSocket socket_;
    ngtcp2_path path_{};
    ngtcp2_conn* conn_ = nullptr;
    ngtcp2_crypto_qtls_session* tls_ = nullptr;
    ngtcp2_crypto_conn_ref ref_{[](ngtcp2_crypto_conn_ref* r) { return self(r->user_data)->conn_; }, this};
    QlogFile qlog_;
    std::unique_ptr<ClientApp> app_;
    std::unique_ptr<ClientApp> retired_app_;  // the app whose 0-RTT streams were rejected
    bool app_started_ = false;
    bool restart_app_ = false;
    std::size_t next_request_ = 0;
    std::uint64_t tickets_at_start_ = 0;

    bool handshake_completed_ = false;
    bool handshake_confirmed_ = false;
    bool summary_printed_ = false;
    bool early_streams_ = false;  // requests opened under 0-RTT transport parameters
    bool retry_ = false;
    bool key_update_initiated_ = false;
    bool key_update_confirmed_ = false;
    ngtcp2_tstamp key_update_grace_until_ = 0;  // set once every request is done
    void* next_rx_key_ = nullptr;     // receive context of the next key phase
    void* awaited_rx_key_ = nullptr;  // the one our key update switches to
    static inline ClientConnection* active_ = nullptr;
    bool failed_ = false;    // the connection failed (reason printed)
    bool draining_ = false;  // the peer closed the connection
};

void ClientConnection::install_callbacks(ngtcp2_callbacks& cb) {
    set_crypto_callbacks(cb, false);
    cb.recv_retry = [](ngtcp2_conn* conn, const ngtcp2_pkt_hd* hd, void* ud) {
        self(ud)->retry_ = true;  // RFC 9000 §8.1.2 address validation
        return ngtcp2_crypto_recv_retry_cb(conn, hd, ud);
    };
    cb.update_key = [](ngtcp2_conn* conn, std::uint8_t* rx_secret, std::uint8_t* tx_secret,
                       ngtcp2_crypto_aead_ctx* rx_aead_ctx, std::uint8_t* rx_iv, ngtcp2_crypto_aead_ctx* tx_aead_ctx,
                       std::uint8_t* tx_iv, const std::uint8_t* current_rx_secret,
                       const std::uint8_t* current_tx_secret, std::size_t secretlen, void* ud) {
        const int rv = ngtcp2_crypto_update_key_cb(conn, rx_secret, tx_secret, rx_aead_ctx, rx_iv, tx_aead_ctx, tx_iv,
                                                   current_rx_secret, current_tx_secret, secretlen, ud);
        // ngtcp2 derives the next phase's keys ahead of time; remember the
        // receive context so we can tell when the peer first uses it.
        if (rv == 0) self(ud)->next_rx_key_ = rx_aead_ctx->native_handle;
        return rv;
    };
    cb.decrypt = [](std::uint8_t* dest, const ngtcp2_crypto_aead* aead, const ngtcp2_crypto_aead_ctx* aead_ctx,
                    const std::uint8_t* ciphertext, std::size_t ciphertextlen, const std::uint8_t* nonce,
                    std::size_t noncelen, const std::uint8_t* aad, std::size_t aadlen) {
        const int rv = ngtcp2_crypto_decrypt_cb(dest, aead, aead_ctx, ciphertext, ciphertextlen, nonce, noncelen, aad,
                                                aadlen);
        // RFC 9001 §6.2: the peer sends with the new keys once it has seen
        // our key update; a packet that opens with them confirms it.
        // (ngtcp2's decrypt callback carries no user data; connections run
        // one at a time, so the active one is a static.)
        ClientConnection* c = active_;
        if (rv == 0 && c && c->key_update_initiated_ && !c->key_update_confirmed_ &&
            aead_ctx->native_handle == c->awaited_rx_key_) {
            c->key_update_confirmed_ = true;
            std::fprintf(stderr, "qtls: key update confirmed\n");
        }
        return rv;
    };
    cb.get_new_connection_id = [](ngtcp2_conn*, ngtcp2_cid* cid, std::uint8_t* token, std::size_t cidlen, void*) {
        *cid = random_cid(cidlen);
        random_bytes(token, NGTCP2_STATELESS_RESET_TOKENLEN);
        return 0;
    };
    cb.handshake_completed = [](ngtcp2_conn* conn, void* ud) {
        ClientConnection* c = self(ud);
        c->handshake_completed_ = true;
        // RFC 9001 §4.6.2: streams opened under the remembered transport
        // parameters are void unless the server accepted 0-RTT. The backend
        // reports a rejection itself; this covers any path where it could
        // not (ngtcp2 ignores a repeated call). The requests then go again
        // in 1-RTT (tls_early_data_rejected).
        if (c->early_streams_ &&
            ngtcp2_crypto_qtls_session_get_early_data_status(c->tls_) != NGTCP2_CRYPTO_QTLS_EARLY_DATA_ACCEPTED)
            ngtcp2_conn_tls_early_data_rejected(conn);
        return 0;
    };
    cb.handshake_confirmed = [](ngtcp2_conn*, void* ud) {
        self(ud)->handshake_confirmed_ = true;
        return 0;
    };
    cb.tls_early_data_rejected = [](ngtcp2_conn*, void* ud) {
        self(ud)->restart_app_ = true;
        return 0;
    };
    cb.recv_stream_data = [](ngtcp2_conn*, std::uint32_t flags, std::int64_t stream_id, std::uint64_t,
                             const std::uint8_t* data, std::size_t len, void* ud, void*) {
        return self(ud)->app_->recv_stream_data(flags, stream_id, data, len);
    };
    cb.acked_stream_data_offset = [](ngtcp2_conn*, std::int64_t stream_id, std::uint64_t, std::uint64_t len, void* ud,
                                     void*) { return self(ud)->app_->acked_stream_data(stream_id, len); };
    cb.stream_close = [](ngtcp2_conn*, std::uint32_t flags, std::int64_t stream_id, std::uint64_t app_error, void* ud,
                         void*) {
        return self(ud)->app_->stream_close(stream_id, flags & NGTCP2_STREAM_CLOSE_FLAG_APP_ERROR_CODE_SET, app_error);
    };
    cb.stream_reset = [](ngtcp2_conn*, std::int64_t stream_id, std::uint64_t, std::uint64_t, void* ud, void*) {
        return self(ud)->app_->stream_reset(stream_id);
    };
    cb.stream_stop_sending = [](ngtcp2_conn*, std::int64_t stream_id, std::uint64_t, void* ud, void*) {
        return self(ud)->app_->stream_reset(stream_id);
    };
    cb.extend_max_stream_data = [](ngtcp2_conn*, std::int64_t stream_id, std::uint64_t, void* ud, void*) {
        return self(ud)->app_->extend_max_stream_data(stream_id);
    };
    cb.extend_max_local_streams_uni = [](ngtcp2_conn*, std::uint64_t, void* ud) {
        ClientConnection* c = self(ud);
        if (c->app_started_ && !c->app_->extend_max_local_streams_uni()) return NGTCP2_ERR_CALLBACK_FAILURE;
        return 0;
    };
}

std::unique_ptr<ClientApp> ClientConnection::make_app() {
    if (run_.options->alpn.front() == kAlpnHqInterop) return make_hq_client_app(*this);
    return make_h3_client_app(*this, plan_.requests.front()->url);
}

bool ClientConnection::setup() {
    std::string error;
    if (!socket_.connect(run_.remote, error)) {
        std::fprintf(stderr, "qtls: %s\n", error.c_str());
        return false;
    }
    path_.local = {const_cast<ngtcp2_sockaddr*>(reinterpret_cast<const ngtcp2_sockaddr*>(socket_.local().get())),
                   socket_.local().len};
    path_.remote = {const_cast<ngtcp2_sockaddr*>(reinterpret_cast<const ngtcp2_sockaddr*>(run_.remote.get())),
                    run_.remote.len};

    ngtcp2_callbacks cb{};
    install_callbacks(cb);

    const QuicOptions& o = *run_.options;
    const ngtcp2_cid dcid = random_cid(18), scid = random_cid();
    ngtcp2_settings settings;
    ngtcp2_settings_default(&settings);
    settings.initial_ts = quic_now();
    settings.max_window = kMaxConnectionWindow;
    settings.max_stream_window = kMaxStreamWindow;
    settings.handshake_timeout = run_.deadline > settings.initial_ts ? run_.deadline - settings.initial_ts : 1;
    // RFC 9368 compatible version negotiation: starting in v1 we also offer
    // v2, so a server preferring v2 can move us there; asked for v2, we
    // offer only v2 (no downgrade).
    static const std::uint32_t kAvailableFromV1[] = {kQuicV1, kQuicV2}, kAvailableFromV2[] = {kQuicV2};
    if (o.quic_version == kQuicV1) {
        settings.available_versions = kAvailableFromV1;
        settings.available_versionslen = 2;
    } else if (o.quic_version == kQuicV2) {
        settings.available_versions = kAvailableFromV2;
        settings.available_versionslen = 1;
    }
    if (!o.qlog_dir.empty()) {
        if (!qlog_.open(o.qlog_dir, scid, "client")) return false;
        settings.qlog_write = [](void* ud, std::uint32_t flags, const void* data, std::size_t len) {
            self(ud)->qlog_.write(flags, data, len);
        };
    }
    if (o.verbose) {
        settings.log_printf = ngtcp2_log_to_stderr;
    }
    ngtcp2_transport_params params;
    ngtcp2_transport_params_default(&params);
    params.initial_max_stream_data_bidi_local = kStreamWindow;
    params.initial_max_stream_data_uni = kStreamWindow;
    params.initial_max_data = kConnectionWindow;
    params.initial_max_streams_bidi = 0;
    params.initial_max_streams_uni = kPeerUniStreams;
    params.max_idle_timeout = kIdleTimeout;

    if (int rv = ngtcp2_conn_client_new(&conn_, &dcid, &scid, &path_, o.quic_version, &cb, &settings, &params,
                                        nullptr, this);
        rv != 0) {
        std::fprintf(stderr, "qtls: ngtcp2_conn_client_new: %s\n", ngtcp2_strerror(rv));
        return false;
    }
    tls_ = ngtcp2_crypto_qtls_client_session_new(run_.tls_config, run_.server_name);
    if (tls_ == nullptr || ngtcp2_crypto_qtls_configure_client_session(tls_) != 0) {
        std::fprintf(stderr, "qtls: cannot create the TLS session (invalid configuration)\n");
        return false;
    }
    ngtcp2_crypto_qtls_session_set_app_data(tls_, &ref_);
    ngtcp2_conn_set_tls_native_handle(conn_, tls_);
    app_ = make_app();

    // RFC 9001 §4.5-4.6: the backend takes a stored ticket; when it allows
    // 0-RTT it has applied the server's remembered transport parameters
    // (RFC 9000 §7.4.1), so requests can be opened and sent at once.
    tickets_at_start_ = run_.tickets->stored();
    const int early = ngtcp2_crypto_qtls_client_session_prepare_resumption(tls_, conn_);
    if (early < 0) {
        std::fprintf(stderr, "qtls: cannot prepare resumption\n");
        return false;
    }
    if (early == 1) {
        early_streams_ = true;
        app_started_ = true;
        if (!app_->start()) return false;
    }
    return true;
}

void ClientConnection::submit_requests() {
    if (!app_started_ || !app_->ready()) return;
    while (next_request_ < plan_.requests.size()) {
        Request& r = *plan_.requests[next_request_];
        std::int64_t stream_id = -1;
        const int rv = ngtcp2_conn_open_bidi_stream(conn_, &stream_id, &r);
        if (rv == NGTCP2_ERR_STREAM_ID_BLOCKED) return;  // more once MAX_STREAMS arrives
        if (rv != 0) {
            on_failed(r, std::string("cannot open a stream: ") + ngtcp2_strerror(rv));
            ++next_request_;
            continue;
        }
        r.stream_id = stream_id;
        if (!app_->submit(r, stream_id)) on_failed(r, "cannot submit the request");
        ++next_request_;
    }
}

void ClientConnection::after_events() {
    if (handshake_completed_ && !summary_printed_) {
        summary_printed_ = true;
        ConnectionFacts facts;
        facts.retry = retry_;
        std::fprintf(stderr, "qtls: quic connected: %s\n", quic_summary(conn_, tls_, facts).c_str());
    }
    if (restart_app_) {
        // 0-RTT rejected: ngtcp2 dropped the streams; start over in 1-RTT.
        restart_app_ = false;
        retired_app_ = std::move(app_);
        app_ = make_app();
        app_started_ = false;
        next_request_ = 0;
        for (Request* r : plan_.requests) {
            close_output(*r);
            *r = Request{r->url};
        }
    }
    if (handshake_completed_ && !app_started_) {
        app_started_ = true;
        if (!app_->start()) {
            std::fprintf(stderr, "qtls: cannot start %s\n", run_.options->alpn.front().c_str());
            failed_ = true;
            return;
        }
    }
    if (run_.options->key_update && handshake_confirmed_ && !key_update_initiated_) {
        // RFC 9001 §6: only after the handshake is confirmed.
        if (ngtcp2_conn_initiate_key_update(conn_, quic_now()) == 0) {
            key_update_initiated_ = true;
            awaited_rx_key_ = next_rx_key_;
            std::fprintf(stderr, "qtls: key update initiated\n");
        }
    }
    submit_requests();
}

bool ClientConnection::all_done() {
    for (const Request* r : plan_.requests)
        if (!r->done) return false;
    if (plan_.wait_for_ticket && run_.tickets->stored() == tickets_at_start_) return false;
    // With --key-update, stay a little for the confirmation (RFC 9001 §6.1:
    // the peer acknowledges a packet of the new phase), but never fail the
    // transfer over it.
    if (run_.options->key_update && !key_update_confirmed_) {
        const ngtcp2_tstamp now = quic_now();
        if (key_update_grace_until_ == 0) key_update_grace_until_ = now + kKeyUpdateGrace;
        if (now < key_update_grace_until_) return false;
        std::fprintf(stderr, "qtls: key update %s\n",
                     key_update_initiated_ ? "not confirmed in time" : "could not be initiated");
        key_update_confirmed_ = true;  // report once
    }
    return true;
}

bool ClientConnection::write_packets() {
    const PacketSender send = [this](const std::uint8_t* data, std::size_t len) {
        if (socket_.send(data, len)) return true;
        std::fprintf(stderr, "qtls: send: %s\n", std::strerror(errno));
        return false;
    };
    const PacketWriteResult r = write_stream_packets(conn_, app_started_ ? app_.get() : nullptr, send);
    switch (r.outcome) {
        case PacketWriteResult::Outcome::kDone:
            return true;
        case PacketWriteResult::Outcome::kAppPendingFailed:
            failed_ = true;
            close(app_->close_code());
            return false;
        case PacketWriteResult::Outcome::kAppWrittenFailed:
            return app_write_failed();
        case PacketWriteResult::Outcome::kConnectionError:
            fail_connection(r.liberr);
            return false;
        case PacketWriteResult::Outcome::kSendFailed:
            failed_ = true;
            return false;
    }
    return false;
}

bool ClientConnection::app_write_failed() {
    std::fprintf(stderr, "qtls: connection failed: %s could not account for sent data\n",
                 run_.options->alpn.front().c_str());
    failed_ = true;
    close(app_->close_code());
    return false;
}

bool ClientConnection::read_packets() {
    static std::uint8_t buf[kMaxUdpReceive];
    for (int i = 0; i < kMaxDatagramsPerWake; ++i) {
        SocketAddress from;
        const long n = socket_.receive(buf, sizeof buf, from);
        if (n < 0) {
            std::fprintf(stderr, "qtls: recv: %s\n", std::strerror(errno));
            failed_ = true;
            return false;
        }
        if (n == 0) return true;
        ngtcp2_pkt_info pi{};
        const int rv = ngtcp2_conn_read_pkt(conn_, &path_, &pi, buf, static_cast<std::size_t>(n), quic_now());
        if (rv == NGTCP2_ERR_DRAINING) {
            draining_ = true;  // RFC 9000 §10.2.2: the peer closed
            return false;
        }
        if (rv != 0) {
            fail_connection(rv);
            return false;
        }
        after_events();
        if (failed_) return false;
    }
    return true;
}

bool ClientConnection::handle_expiry() {
    const ngtcp2_tstamp now = quic_now();
    if (ngtcp2_conn_get_expiry(conn_) > now) return true;
    const int rv = ngtcp2_conn_handle_expiry(conn_, now);
    if (rv == 0) return true;
    if (rv == NGTCP2_ERR_HANDSHAKE_TIMEOUT) {
        std::fprintf(stderr, "qtls: connection failed: no handshake within %d s (is a QUIC server listening on %s?)\n",
                     run_.options->timeout_s, run_.remote.to_string().c_str());
        failed_ = true;
        return false;
    }
    if (rv == NGTCP2_ERR_IDLE_CLOSE) {
        std::fprintf(stderr, "qtls: connection failed: idle timeout (no packet from the server)\n");
        failed_ = true;
        return false;
    }
    fail_connection(rv);
    return false;
}

void ClientConnection::fail_connection(int liberr) {
    failed_ = true;
    std::fprintf(stderr, "qtls: connection failed: %s\n", describe_failure(conn_, tls_, liberr).c_str());
    if (liberr == NGTCP2_ERR_CALLBACK_FAILURE && app_) {
        close(app_->close_code());
        return;
    }
    ngtcp2_ccerr ccerr;
    set_close_error(ccerr, conn_, liberr);
    send_close(ccerr);
}

void ClientConnection::close(std::uint64_t app_code) {
    ngtcp2_ccerr ccerr;
    ngtcp2_ccerr_set_application_error(&ccerr, app_code, nullptr, 0);
    send_close(ccerr);
}

void ClientConnection::send_close(const ngtcp2_ccerr& ccerr) {
    // Best effort: the connection is over whether or not this datagram leaves.
    send_connection_close(conn_, ccerr, [this](const std::uint8_t* data, std::size_t len) {
        return socket_.send(data, len);
    });
}

bool ClientConnection::run(ConnectionOutcome& outcome) {
    if (!setup()) return false;
    bool ok = true;
    while (!all_done()) {
        if (!write_packets()) {
            ok = false;
            break;
        }
        // Writing can finish the job (ngtcp2 reports a confirmed key update
        // while it prepares the next keys for sending).
        if (all_done()) break;
        const ngtcp2_tstamp now = quic_now();
        if (now >= run_.deadline) {
            std::fprintf(stderr, "qtls: timed out after %d s (%s)\n", run_.options->timeout_s,
                         handshake_completed_ ? "waiting for responses" : "during the handshake");
            close(app_ ? app_->close_code() : kQuicNoError);
            ok = false;
            break;
        }
        ngtcp2_tstamp wake = std::min(ngtcp2_conn_get_expiry(conn_), run_.deadline);
        if (key_update_grace_until_ != 0) wake = std::min(wake, key_update_grace_until_);
        const int timeout_ms = wake <= now ? 0 : static_cast<int>((wake - now + NGTCP2_MILLISECONDS - 1) /
                                                                  NGTCP2_MILLISECONDS);
        pollfd pfd{socket_.fd(), POLLIN, 0};
        const int polled = ::poll(&pfd, 1, timeout_ms);
        if (polled < 0 && errno != EINTR) {
            std::fprintf(stderr, "qtls: poll: %s\n", std::strerror(errno));
            ok = false;
            break;
        }
        if (polled > 0 && !read_packets()) {
            ok = false;
            break;
        }
        if (!handle_expiry()) {
            ok = false;
            break;
        }
        after_events();
        if (failed_) {
            ok = false;
            break;
        }
    }
    if (draining_) {
        const bool requests_done = std::all_of(plan_.requests.begin(), plan_.requests.end(),
                                               [](const Request* r) { return r->done; });
        if (!requests_done || !handshake_completed_)
            std::fprintf(stderr, "qtls: connection closed by the server: %s\n",
                         describe_failure(conn_, tls_, 0).c_str());
        ok = requests_done && handshake_completed_;
    } else if (ok) {
        // RFC 9114 §5.2 / RFC 9000 §10.2: close with H3_NO_ERROR (NO_ERROR for hq).
        write_packets();
        close(app_->close_code());
    }
    for (Request* r : plan_.requests)
        if (!r->done) on_failed(*r, failed_ || draining_ ? "connection failed" : "no response");
    outcome.handshake_ok = handshake_completed_;
    outcome.ticket_received = run_.tickets->stored() > tickets_at_start_;
    return ok;
}

// The file name a response is saved under: the last path segment without
// query; "/" (or a directory) becomes index.html. Never ".." or empty.
std::string download_name(const std::string& path) {
    std::string p = path.substr(0, path.find_first_of("?#"));
    const std::size_t slash = p.rfind('/');
    std::string name = slash == std::string::npos ? p : p.substr(slash + 1);
    if (name.empty() || name == "." || name == "..") name = "index.html";
    return name;
}

void ClientConnection::on_body(Request& r, const std::uint8_t* data, std::size_t len) {
    r.bytes += len;
    const std::string& dir = run_.options->download_dir;
    if (dir.empty() || r.status != 200 || r.failed) return;
    if (r.out == nullptr) {
        const std::string file = dir + "/" + download_name(r.url.path);
        r.out = std::fopen(file.c_str(), "wb");
        if (r.out == nullptr) {
            on_failed(r, "cannot write " + file + ": " + std::strerror(errno));
            return;
        }
    }
    if (std::fwrite(data, 1, len, r.out) != len) on_failed(r, std::string("write failed: ") + std::strerror(errno));
}

void ClientConnection::close_output(Request& r) {
    if (r.out) {
        std::fclose(r.out);
        r.out = nullptr;
    }
}

void ClientConnection::on_complete(Request& r) {
    if (r.done) return;
    r.done = true;
    // A 200 with an empty body still produces its (empty) file.
    if (r.status == 200 && !run_.options->download_dir.empty() && r.out == nullptr && !r.failed) on_body(r, nullptr, 0);
    if (r.out && std::fclose(r.out) != 0) {
        r.out = nullptr;
        r.failed = true;
        r.error = "cannot finish writing the file";
    }
    r.out = nullptr;
    if (r.failed) {
        std::fprintf(stderr, "qtls: GET %s failed: %s\n", r.url.path.c_str(), r.error.c_str());
        return;
    }
    std::fprintf(stderr, "qtls: GET %s -> %d (%llu bytes)\n", r.url.path.c_str(), r.status,
                 static_cast<unsigned long long>(r.bytes));
    if (r.status != 200) r.failed = true;
}

void ClientConnection::on_failed(Request& r, const std::string& why) {
    // 0-RTT rejected: the request is about to be sent again in 1-RTT.
    if (r.done || restart_app_) return;
    r.done = true;
    r.failed = true;
    r.error = why;
    close_output(r);
    std::fprintf(stderr, "qtls: GET %s failed: %s\n", r.url.path.c_str(), why.c_str());
}

}  // namespace

bool run_client_connection(const ClientRun& run, const ConnectionPlan& plan, ConnectionOutcome& outcome) {
    ClientConnection c(run, plan);
    return c.run(outcome);
}

}  // namespace qtls::cli
