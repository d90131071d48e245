// HTTP/3 server (RFC 9114) through nghttp3: our control stream and the two
// QPACK streams (RFC 9204 §4.2), then one GET answered per request stream
// with :status, content-type and content-length. We advertise a QPACK
// dynamic table capacity of 0, so clients never make us keep one.
#include <nghttp3/nghttp3.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "quic_h3_session.h"
#include "quic_server_app.h"
#include "quic_server_files.h"

namespace qtls::cli {

namespace {

// A longer request path is not a file we serve (answered 404).
constexpr std::size_t kMaxPath = 4096;
constexpr char kServerName[] = "qtls-quic-server";
constexpr char kNotFound[] = "not found\n";

// One request stream: what was asked and the response body, kept until the
// stream closes (nghttp3 and ngtcp2 reference it until it is acknowledged).
struct H3Stream {
    std::string method;
    std::string path;
    std::string status;
    std::string content_type;
    std::string content_length;
    std::string body;
    bool body_given = false;
};

class H3ServerApp final : public H3Session<ServerApp> {
public:
    explicit H3ServerApp(ServerAppHost& host) : H3Session(host), host_(host) {}

    bool start() override {
        if (h3_ != nullptr) return true;
        nghttp3_callbacks cb{};
        cb.stream_close = [](nghttp3_conn*, std::int64_t stream_id, std::uint64_t, void* ud, void*) {
            static_cast<H3ServerApp*>(ud)->streams_.erase(stream_id);
            return 0;
        };
        cb.recv_data = [](nghttp3_conn*, std::int64_t stream_id, const std::uint8_t*, std::size_t len, void* ud,
                          void*) {
            // A GET has no body; whatever comes is discarded, its credit returned.
            static_cast<H3ServerApp*>(ud)->host_.consume(stream_id, len);
            return 0;
        };
        cb.deferred_consume = [](nghttp3_conn*, std::int64_t stream_id, std::size_t consumed, void* ud, void*) {
            static_cast<H3ServerApp*>(ud)->host_.consume(stream_id, consumed);
            return 0;
        };
        cb.begin_headers = [](nghttp3_conn* h3, std::int64_t stream_id, void* ud, void*) {
            auto* self = static_cast<H3ServerApp*>(ud);
            H3Stream& s = self->streams_[stream_id];
            return nghttp3_conn_set_stream_user_data(h3, stream_id, &s) == 0 ? 0 : NGHTTP3_ERR_CALLBACK_FAILURE;
        };
        cb.recv_header = [](nghttp3_conn*, std::int64_t, std::int32_t token, nghttp3_rcbuf*, nghttp3_rcbuf* value,
                            std::uint8_t, void*, void* sud) {
            auto* s = static_cast<H3Stream*>(sud);
            if (s == nullptr) return 0;
            const nghttp3_vec v = nghttp3_rcbuf_get_buf(value);
            if (token == NGHTTP3_QPACK_TOKEN__PATH && v.len <= kMaxPath)
                s->path.assign(reinterpret_cast<const char*>(v.base), v.len);
            else if (token == NGHTTP3_QPACK_TOKEN__METHOD)
                s->method.assign(reinterpret_cast<const char*>(v.base), v.len);
            return 0;
        };
        cb.end_stream = [](nghttp3_conn*, std::int64_t stream_id, void* ud, void* sud) {
            auto* s = static_cast<H3Stream*>(sud);
            if (s == nullptr) return 0;
            return static_cast<H3ServerApp*>(ud)->respond(stream_id, *s) ? 0 : NGHTTP3_ERR_CALLBACK_FAILURE;
        };
        cb.stop_sending = [](nghttp3_conn*, std::int64_t stream_id, std::uint64_t code, void* ud, void*) {
            ngtcp2_conn_shutdown_stream_read(static_cast<H3ServerApp*>(ud)->host_.conn(), 0, stream_id, code);
            return 0;
        };
        cb.reset_stream = [](nghttp3_conn*, std::int64_t stream_id, std::uint64_t code, void* ud, void*) {
            ngtcp2_conn_shutdown_stream_write(static_cast<H3ServerApp*>(ud)->host_.conn(), 0, stream_id, code);
            return 0;
        };
        if (!create(cb, /*server=*/true, this)) return false;
        // RFC 9114 §5.2: GOAWAY bookkeeping needs the client's stream limit.
        const ngtcp2_transport_params* local = ngtcp2_conn_get_local_transport_params(host_.conn());
        nghttp3_conn_set_max_client_streams_bidi(h3_, local->initial_max_streams_bidi);
        return open_uni_streams();
    }

    // The first request stream may come before the 1-RTT key (start()).
    int recv_stream_data(std::uint32_t flags, std::int64_t stream_id, const std::uint8_t* data,
                         std::size_t len) override {
        if (h3_ == nullptr && !start()) return NGTCP2_ERR_CALLBACK_FAILURE;
        return H3Session::recv_stream_data(flags, stream_id, data, len);
    }

    int stream_close(std::int64_t stream_id, bool app_error_set, std::uint64_t app_error) override {
        if (h3_ == nullptr) return 0;
        if (const int rv = H3Session::stream_close(stream_id, app_error_set, app_error); rv != 0) return rv;
        // Bidi stream ids are client-initiated here: give the client a new one.
        if (ngtcp2_is_bidi_stream(stream_id)) ngtcp2_conn_extend_max_streams_bidi(host_.conn(), 1);
        return 0;
    }

private:
    // RFC 9114 §4.1: one response per request; GET (and HEAD) only.
    bool respond(std::int64_t stream_id, H3Stream& s) {
        std::optional<ServedFile> file;
        if (s.method == "GET" || s.method == "HEAD") file = load_served_file(host_.www_dir(), s.path);
        if (file) {
            s.status = "200";
            s.body = std::move(file->body);
            s.content_type = std::move(file->content_type);
        } else {
            s.status = s.method == "GET" || s.method == "HEAD" ? "404" : "405";
            s.body = kNotFound;
            s.content_type = "text/plain";
        }
        s.content_length = std::to_string(s.body.size());
        host_.log_response(s.path, std::stoi(s.status), s.body.size());
        if (s.method == "HEAD") s.body.clear();
        const std::string server = kServerName;
        const nghttp3_nv nva[] = {h3_header(":status", s.status), h3_header("server", server),
                                  h3_header("content-type", s.content_type),
                                  h3_header("content-length", s.content_length)};
        nghttp3_data_reader reader{};
        reader.read_data = [](nghttp3_conn*, std::int64_t, nghttp3_vec* vec, std::size_t veccnt,
                              std::uint32_t* pflags, void*, void* sud) -> nghttp3_ssize {
            auto* st = static_cast<H3Stream*>(sud);
            *pflags |= NGHTTP3_DATA_FLAG_EOF;
            if (st == nullptr || st->body_given || st->body.empty() || veccnt == 0) return 0;
            st->body_given = true;
            vec[0].base = reinterpret_cast<std::uint8_t*>(st->body.data());
            vec[0].len = st->body.size();
            return 1;
        };
        return nghttp3_conn_submit_response(h3_, stream_id, nva, sizeof nva / sizeof nva[0], &reader) == 0;
    }

    ServerAppHost& host_;
    std::map<std::int64_t, H3Stream> streams_;  // std::map: element addresses stay valid
};

}  // namespace

std::unique_ptr<ServerApp> make_h3_server_app(ServerAppHost& host) { return std::make_unique<H3ServerApp>(host); }

}  // namespace qtls::cli
