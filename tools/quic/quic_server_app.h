// The application protocol a `qtls quic-server` connection carries, chosen
// by the negotiated ALPN: HTTP/3 (RFC 9114, through nghttp3) or hq-interop
// (HTTP/0.9 over QUIC). The connection (quic_server_connection.cpp) moves
// bytes between ngtcp2 and the app; the app turns requests into files.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <ngtcp2/ngtcp2.h>

namespace qtls::cli {

class ServerAppHost {
public:
    virtual ~ServerAppHost() = default;
    virtual ngtcp2_conn* conn() = 0;
    // The app consumed `n` bytes of stream data: give that much credit back
    // (RFC 9000 §4.1).
    virtual void consume(std::int64_t stream_id, std::size_t n) = 0;
    virtual const std::string& www_dir() const = 0;
    // One line per answered request with --verbose.
    virtual void log_response(const std::string& path, int status, std::size_t bytes) = 0;
};

class ServerApp {
public:
    virtual ~ServerApp() = default;
    // Called once the 1-RTT write key exists (RFC 9001 §4.1.4: the server
    // may send 0.5-RTT data) or at the first request stream; false on a
    // fatal error.
    virtual bool start() = 0;

    // ngtcp2 events, forwarded; 0 or an ngtcp2 error code.
    virtual int recv_stream_data(std::uint32_t flags, std::int64_t stream_id, const std::uint8_t* data,
                                 std::size_t len) = 0;
    virtual int acked_stream_data(std::int64_t stream_id, std::uint64_t len) = 0;
    virtual int stream_close(std::int64_t stream_id, bool app_error_set, std::uint64_t app_error) = 0;
    virtual int stream_reset(std::int64_t stream_id) = 0;
    virtual int extend_max_stream_data(std::int64_t stream_id) = 0;
    // The uni-stream limit the client gave us grew (HTTP/3 may bind now).
    virtual bool extend_max_local_streams_uni() = 0;

    // The next stream data to write: fills `vec`, returns the count (-1 on
    // error); stream_id -1 when there is nothing.
    virtual long pending(std::int64_t& stream_id, int& fin, ngtcp2_vec* vec, std::size_t veccnt) = 0;
    virtual bool written(std::int64_t stream_id, std::size_t n) = 0;
    virtual void blocked(std::int64_t stream_id) = 0;
    virtual void shutdown_write(std::int64_t stream_id) = 0;

    // RFC 9114 §8.1 H3_NO_ERROR (NO_ERROR for hq-interop), or the error.
    virtual std::uint64_t close_code() const = 0;
};

std::unique_ptr<ServerApp> make_h3_server_app(ServerAppHost& host);
std::unique_ptr<ServerApp> make_hq_server_app(ServerAppHost& host);

}  // namespace qtls::cli
