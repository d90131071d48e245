// What a QUIC tool connection (client or server) and its application
// protocol say to each other. The connection moves bytes between ngtcp2 and
// the app; the app (HTTP/3 through nghttp3, RFC 9114, or hq-interop) turns
// them into requests and responses. Role-specific additions live in
// quic_client_app.h and quic_server_app.h.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ngtcp2/ngtcp2.h>

namespace qtls::cli {

// What any app may ask of its connection.
class StreamAppHost {
public:
    virtual ~StreamAppHost() = default;
    virtual ngtcp2_conn* conn() = 0;
    // The app consumed `n` bytes of stream data: give the peer that much
    // more flow-control credit (RFC 9000 §4.1).
    virtual void consume(std::int64_t stream_id, std::size_t n) = 0;
};

class StreamApp {
public:
    virtual ~StreamApp() = default;
    // Client: called when streams may be opened (after the handshake, or at
    // once for 0-RTT). Server: once the 1-RTT write key exists (RFC 9001
    // §4.1.4: 0.5-RTT data) or at the first request stream. False on a
    // fatal error.
    virtual bool start() = 0;

    // ngtcp2 events, forwarded; 0 or an ngtcp2 error code.
    virtual int recv_stream_data(std::uint32_t flags, std::int64_t stream_id, const std::uint8_t* data,
                                 std::size_t len) = 0;
    virtual int acked_stream_data(std::int64_t stream_id, std::uint64_t len) = 0;
    virtual int stream_close(std::int64_t stream_id, bool app_error_set, std::uint64_t app_error) = 0;
    virtual int stream_reset(std::int64_t stream_id) = 0;
    virtual int extend_max_stream_data(std::int64_t stream_id) = 0;
    // The local uni-stream limit the peer gave us grew (HTTP/3 may bind its
    // control and QPACK streams now).
    virtual bool extend_max_local_streams_uni() = 0;

    // The next stream data to write: fills `vec` and returns the count (or
    // -1 on error); stream_id -1 when the app has nothing.
    virtual long pending(std::int64_t& stream_id, int& fin, ngtcp2_vec* vec, std::size_t veccnt) = 0;
    // ngtcp2 took `n` bytes of stream `stream_id`.
    virtual bool written(std::int64_t stream_id, std::size_t n) = 0;
    // The stream is flow-control blocked / cannot be written any more.
    virtual void blocked(std::int64_t stream_id) = 0;
    virtual void shutdown_write(std::int64_t stream_id) = 0;

    // The application close code: RFC 9114 §8.1 H3_NO_ERROR (NO_ERROR for
    // hq-interop), or the HTTP/3 error that ended the connection.
    virtual std::uint64_t close_code() const = 0;
};

}  // namespace qtls::cli
