// HTTP/3 client (RFC 9114) through nghttp3: a control stream and the two
// QPACK streams (RFC 9204 §4.2), then one GET per bidi stream. We advertise
// a QPACK dynamic table capacity of 0, so the server's encoder never
// references a dynamic table we would have to keep.
#include <nghttp3/nghttp3.h>

#include <map>
#include <string>
#include <vector>

#include "quic_client_app.h"
#include "quic_common.h"

namespace qtls::cli {

namespace {

// RFC 9114 §6.2: control stream; RFC 9204 §4.2: encoder and decoder streams.
constexpr std::uint64_t kH3UniStreams = 3;
constexpr char kUserAgent[] = "qtls-quic-client";

nghttp3_nv header(const char* name, const std::string& value) {
    return {reinterpret_cast<std::uint8_t*>(const_cast<char*>(name)),
            reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())), std::char_traits<char>::length(name),
            value.size(), NGHTTP3_NV_FLAG_NONE};
}

class H3ClientApp final : public ClientApp {
public:
    H3ClientApp(AppHost& host, const QuicUrl& origin) : host_(host), authority_(origin.authority) {}

    ~H3ClientApp() override { nghttp3_conn_del(h3_); }

    bool start() override {
        if (h3_ != nullptr) return true;
        nghttp3_callbacks cb{};
        cb.acked_stream_data = nullptr;
        cb.stream_close = [](nghttp3_conn*, std::int64_t, std::uint64_t, void*, void*) { return 0; };
        cb.recv_data = [](nghttp3_conn*, std::int64_t stream_id, const std::uint8_t* data, std::size_t len, void* ud,
                          void* sud) {
            auto* self = static_cast<H3ClientApp*>(ud);
            // DATA payload is consumed here, so its flow-control credit
            // goes back at once (nghttp3 returns only framing as consumed).
            self->host_.consume(stream_id, len);
            if (auto* r = static_cast<Request*>(sud); r && !r->done) self->host_.on_body(*r, data, len);
            return 0;
        };
        cb.deferred_consume = [](nghttp3_conn*, std::int64_t stream_id, std::size_t consumed, void* ud, void*) {
            static_cast<H3ClientApp*>(ud)->host_.consume(stream_id, consumed);
            return 0;
        };
        cb.recv_header = [](nghttp3_conn*, std::int64_t, std::int32_t token, nghttp3_rcbuf*, nghttp3_rcbuf* value,
                            std::uint8_t, void* ud, void* sud) {
            auto* r = static_cast<Request*>(sud);
            if (r == nullptr || token != NGHTTP3_QPACK_TOKEN__STATUS) return 0;
            const nghttp3_vec v = nghttp3_rcbuf_get_buf(value);
            int status = 0;
            for (std::size_t i = 0; i < v.len && i < 3; ++i) {
                if (v.base[i] < '0' || v.base[i] > '9') return 0;
                status = status * 10 + (v.base[i] - '0');
            }
            static_cast<H3ClientApp*>(ud)->host_.on_status(*r, status);
            return 0;
        };
        cb.end_stream = [](nghttp3_conn*, std::int64_t, void* ud, void* sud) {
            if (auto* r = static_cast<Request*>(sud); r && !r->done)
                static_cast<H3ClientApp*>(ud)->host_.on_complete(*r);
            return 0;
        };
        cb.reset_stream = [](nghttp3_conn*, std::int64_t, std::uint64_t code, void* ud, void* sud) {
            if (auto* r = static_cast<Request*>(sud); r && !r->done)
                static_cast<H3ClientApp*>(ud)->host_.on_failed(*r, "stream reset by the server, code " +
                                                                        std::to_string(code));
            return 0;
        };
        nghttp3_settings settings;
        nghttp3_settings_default(&settings);
        settings.qpack_max_dtable_capacity = 0;
        settings.qpack_blocked_streams = 0;
        if (nghttp3_conn_client_new(&h3_, &cb, &settings, nullptr, this) != 0) return false;
        return open_uni_streams();
    }

    bool ready() const override { return bound_; }

    bool submit(Request& r, std::int64_t stream_id) override {
        const std::string method = "GET", scheme = "https";
        const nghttp3_nv nva[] = {header(":method", method), header(":scheme", scheme),
                                  header(":authority", authority_), header(":path", r.url.path),
                                  header("user-agent", kUserAgent)};
        // No body: a null data reader ends the stream after HEADERS.
        return nghttp3_conn_submit_request(h3_, stream_id, nva, sizeof nva / sizeof nva[0], nullptr, &r) == 0;
    }

    int recv_stream_data(std::uint32_t flags, std::int64_t stream_id, const std::uint8_t* data,
                         std::size_t len) override {
        if (h3_ == nullptr) return 0;
        const nghttp3_ssize n =
            nghttp3_conn_read_stream(h3_, stream_id, data, len, (flags & NGTCP2_STREAM_DATA_FLAG_FIN) != 0);
        if (n < 0) {
            std::fprintf(stderr, "qtls: HTTP/3 error on stream %lld: %s\n", static_cast<long long>(stream_id),
                         nghttp3_strerror(static_cast<int>(n)));
            close_code_ = nghttp3_err_infer_quic_app_error_code(static_cast<int>(n));
            return NGTCP2_ERR_CALLBACK_FAILURE;
        }
        host_.consume(stream_id, static_cast<std::size_t>(n));
        return 0;
    }

    int acked_stream_data(std::int64_t stream_id, std::uint64_t len) override {
        if (h3_ && nghttp3_conn_add_ack_offset(h3_, stream_id, len) != 0) return NGTCP2_ERR_CALLBACK_FAILURE;
        return 0;
    }

    int stream_close(std::int64_t stream_id, bool app_error_set, std::uint64_t app_error) override {
        if (h3_ == nullptr) return 0;
        const int rv = nghttp3_conn_close_stream(h3_, stream_id, app_error_set ? app_error : NGHTTP3_H3_NO_ERROR);
        if (rv != 0 && rv != NGHTTP3_ERR_STREAM_NOT_FOUND) return NGTCP2_ERR_CALLBACK_FAILURE;
        return 0;
    }

    int stream_reset(std::int64_t stream_id) override {
        if (h3_ && nghttp3_conn_shutdown_stream_read(h3_, stream_id) != 0) return NGTCP2_ERR_CALLBACK_FAILURE;
        return 0;
    }

    int extend_max_stream_data(std::int64_t stream_id) override {
        if (h3_ && nghttp3_conn_unblock_stream(h3_, stream_id) != 0) return NGTCP2_ERR_CALLBACK_FAILURE;
        return 0;
    }

    bool extend_max_local_streams_uni() override { return h3_ == nullptr || bound_ || open_uni_streams(); }

    long pending(std::int64_t& stream_id, int& fin, ngtcp2_vec* vec, std::size_t veccnt) override {
        stream_id = -1;
        fin = 0;
        if (h3_ == nullptr) return 0;
        // nghttp3_vec and ngtcp2_vec have the same layout (base, len).
        static_assert(sizeof(nghttp3_vec) == sizeof(ngtcp2_vec));
        const nghttp3_ssize n =
            nghttp3_conn_writev_stream(h3_, &stream_id, &fin, reinterpret_cast<nghttp3_vec*>(vec), veccnt);
        if (n < 0) {
            std::fprintf(stderr, "qtls: HTTP/3 write error: %s\n", nghttp3_strerror(static_cast<int>(n)));
            return -1;
        }
        return static_cast<long>(n);
    }

    bool written(std::int64_t stream_id, std::size_t n) override {
        return h3_ == nullptr || nghttp3_conn_add_write_offset(h3_, stream_id, n) == 0;
    }

    void blocked(std::int64_t stream_id) override {
        if (h3_) nghttp3_conn_block_stream(h3_, stream_id);
    }

    void shutdown_write(std::int64_t stream_id) override {
        if (h3_) nghttp3_conn_shutdown_stream_write(h3_, stream_id);
    }

    std::uint64_t close_code() const override { return close_code_; }

private:
    // RFC 9114 §6.2: the three uni streams go first; the server may allow
    // fewer at first (gtlsserver allows exactly 3), so wait for MAX_STREAMS.
    bool open_uni_streams() {
        ngtcp2_conn* conn = host_.conn();
        if (ngtcp2_conn_get_streams_uni_left(conn) < kH3UniStreams) return true;
        std::int64_t ids[kH3UniStreams];
        for (auto& id : ids)
            if (ngtcp2_conn_open_uni_stream(conn, &id, nullptr) != 0) return false;
        if (nghttp3_conn_bind_control_stream(h3_, ids[0]) != 0 ||
            nghttp3_conn_bind_qpack_streams(h3_, ids[1], ids[2]) != 0)
            return false;
        bound_ = true;
        return true;
    }

    AppHost& host_;
    std::string authority_;
    nghttp3_conn* h3_ = nullptr;
    bool bound_ = false;
    std::uint64_t close_code_ = NGHTTP3_H3_NO_ERROR;
};

}  // namespace

std::unique_ptr<ClientApp> make_h3_client_app(AppHost& host, const QuicUrl& origin) {
    return std::make_unique<H3ClientApp>(host, origin);
}

}  // namespace qtls::cli
