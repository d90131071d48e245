// nghttp3 <-> ngtcp2 plumbing for both HTTP/3 apps (see quic_h3_session.h).
#include "quic_h3_session.h"

#include <cstdio>

#include "quic_client_app.h"
#include "quic_server_app.h"

namespace qtls::cli {

namespace {

// RFC 9114 §6.2: control stream; RFC 9204 §4.2: encoder and decoder streams.
constexpr std::uint64_t kH3UniStreams = 3;

}  // namespace

nghttp3_nv h3_header(const char* name, const std::string& value) {
    return {reinterpret_cast<std::uint8_t*>(const_cast<char*>(name)),
            reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())), std::char_traits<char>::length(name),
            value.size(), NGHTTP3_NV_FLAG_NONE};
}

template <class AppInterface>
H3Session<AppInterface>::~H3Session() {
    nghttp3_conn_del(h3_);
}

template <class AppInterface>
bool H3Session<AppInterface>::create(const nghttp3_callbacks& cb, bool server, void* user_data) {
    nghttp3_settings settings;
    nghttp3_settings_default(&settings);
    settings.qpack_max_dtable_capacity = 0;
    settings.qpack_blocked_streams = 0;
    const int rv = server ? nghttp3_conn_server_new(&h3_, &cb, &settings, nullptr, user_data)
                          : nghttp3_conn_client_new(&h3_, &cb, &settings, nullptr, user_data);
    return rv == 0;
}

template <class AppInterface>
bool H3Session<AppInterface>::open_uni_streams() {
    ngtcp2_conn* conn = stream_host_.conn();
    if (ngtcp2_conn_get_streams_uni_left(conn) < kH3UniStreams) return true;  // wait for MAX_STREAMS
    std::int64_t ids[kH3UniStreams];
    for (auto& id : ids)
        if (ngtcp2_conn_open_uni_stream(conn, &id, nullptr) != 0) return false;
    if (nghttp3_conn_bind_control_stream(h3_, ids[0]) != 0 || nghttp3_conn_bind_qpack_streams(h3_, ids[1], ids[2]) != 0)
        return false;
    bound_ = true;
    return true;
}

template <class AppInterface>
int H3Session<AppInterface>::recv_stream_data(std::uint32_t flags, std::int64_t stream_id, const std::uint8_t* data,
                                              std::size_t len) {
    if (h3_ == nullptr) return 0;
    const nghttp3_ssize n =
        nghttp3_conn_read_stream(h3_, stream_id, data, len, (flags & NGTCP2_STREAM_DATA_FLAG_FIN) != 0);
    if (n < 0) {
        std::fprintf(stderr, "qtls: HTTP/3 error on stream %lld: %s\n", static_cast<long long>(stream_id),
                     nghttp3_strerror(static_cast<int>(n)));
        close_code_ = nghttp3_err_infer_quic_app_error_code(static_cast<int>(n));
        return NGTCP2_ERR_CALLBACK_FAILURE;
    }
    // nghttp3 reports only what it consumed itself (framing); DATA payload
    // is credited by the app's recv_data / deferred_consume callbacks.
    stream_host_.consume(stream_id, static_cast<std::size_t>(n));
    return 0;
}

template <class AppInterface>
int H3Session<AppInterface>::acked_stream_data(std::int64_t stream_id, std::uint64_t len) {
    if (h3_ && nghttp3_conn_add_ack_offset(h3_, stream_id, len) != 0) return NGTCP2_ERR_CALLBACK_FAILURE;
    return 0;
}

template <class AppInterface>
int H3Session<AppInterface>::stream_close(std::int64_t stream_id, bool app_error_set, std::uint64_t app_error) {
    if (h3_ == nullptr) return 0;
    const int rv = nghttp3_conn_close_stream(h3_, stream_id, app_error_set ? app_error : NGHTTP3_H3_NO_ERROR);
    if (rv != 0 && rv != NGHTTP3_ERR_STREAM_NOT_FOUND) return NGTCP2_ERR_CALLBACK_FAILURE;
    return 0;
}

template <class AppInterface>
int H3Session<AppInterface>::stream_reset(std::int64_t stream_id) {
    if (h3_ && nghttp3_conn_shutdown_stream_read(h3_, stream_id) != 0) return NGTCP2_ERR_CALLBACK_FAILURE;
    return 0;
}

template <class AppInterface>
int H3Session<AppInterface>::extend_max_stream_data(std::int64_t stream_id) {
    if (h3_ && nghttp3_conn_unblock_stream(h3_, stream_id) != 0) return NGTCP2_ERR_CALLBACK_FAILURE;
    return 0;
}

template <class AppInterface>
bool H3Session<AppInterface>::extend_max_local_streams_uni() {
    return h3_ == nullptr || bound_ || open_uni_streams();
}

template <class AppInterface>
long H3Session<AppInterface>::pending(std::int64_t& stream_id, int& fin, ngtcp2_vec* vec, std::size_t veccnt) {
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

template <class AppInterface>
bool H3Session<AppInterface>::written(std::int64_t stream_id, std::size_t n) {
    return h3_ == nullptr || nghttp3_conn_add_write_offset(h3_, stream_id, n) == 0;
}

template <class AppInterface>
void H3Session<AppInterface>::blocked(std::int64_t stream_id) {
    if (h3_) nghttp3_conn_block_stream(h3_, stream_id);
}

template <class AppInterface>
void H3Session<AppInterface>::shutdown_write(std::int64_t stream_id) {
    if (h3_) nghttp3_conn_shutdown_stream_write(h3_, stream_id);
}

// The two roles' apps (ServerApp is StreamApp itself).
template class H3Session<ClientApp>;
template class H3Session<ServerApp>;

}  // namespace qtls::cli
