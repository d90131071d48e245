// The HTTP/3 (RFC 9114) side both QUIC tools share: an nghttp3 connection
// plugged into ngtcp2's stream events and write loop. The client and server
// apps derive from H3Session and add only their role: callbacks, requests,
// responses.
#pragma once

#include <nghttp3/nghttp3.h>

#include <cstdint>
#include <string>

#include "quic_app.h"

namespace qtls::cli {

// A header field pointing into `value` (which must outlive its use).
nghttp3_nv h3_header(const char* name, const std::string& value);

// AppInterface: StreamApp or a role's extension of it (ClientApp).
// Instantiated in quic_h3_session.cpp for the client and server apps.
template <class AppInterface>
class H3Session : public AppInterface {
public:
    H3Session(const H3Session&) = delete;
    H3Session& operator=(const H3Session&) = delete;
    ~H3Session() override;

    // Before start() the events are no-ops (0): no HTTP/3 stream exists yet.
    int recv_stream_data(std::uint32_t flags, std::int64_t stream_id, const std::uint8_t* data,
                         std::size_t len) override;
    int acked_stream_data(std::int64_t stream_id, std::uint64_t len) override;
    int stream_close(std::int64_t stream_id, bool app_error_set, std::uint64_t app_error) override;
    int stream_reset(std::int64_t stream_id) override;
    int extend_max_stream_data(std::int64_t stream_id) override;
    bool extend_max_local_streams_uni() override;

    long pending(std::int64_t& stream_id, int& fin, ngtcp2_vec* vec, std::size_t veccnt) override;
    bool written(std::int64_t stream_id, std::size_t n) override;
    void blocked(std::int64_t stream_id) override;
    void shutdown_write(std::int64_t stream_id) override;

    std::uint64_t close_code() const override { return close_code_; }

protected:
    explicit H3Session(StreamAppHost& host) : stream_host_(host) {}

    // Creates the nghttp3 connection with `cb` (user_data passed to every
    // callback). We advertise a QPACK dynamic table capacity of 0 (RFC 9204
    // §3.2.3), so the peer's encoder never references a table we would
    // have to keep.
    bool create(const nghttp3_callbacks& cb, bool server, void* user_data);
    // RFC 9114 §6.2 control stream, RFC 9204 §4.2 encoder and decoder
    // streams. The peer may allow fewer uni streams at first (gtlsserver
    // allows exactly 3); then this waits (true) for MAX_STREAMS.
    bool open_uni_streams();

    StreamAppHost& stream_host_;
    nghttp3_conn* h3_ = nullptr;
    bool bound_ = false;  // control and QPACK streams open
    std::uint64_t close_code_ = NGHTTP3_H3_NO_ERROR;
};

}  // namespace qtls::cli
