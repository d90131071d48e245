// The application protocol a QUIC client connection carries: HTTP/3
// (RFC 9114, through nghttp3) or hq-interop (HTTP/0.9 over QUIC: a request
// line and FIN on a bidi stream, the raw body and FIN back). The connection
// (quic_client_connection.cpp) moves bytes between ngtcp2 and an app; the
// app turns them into requests and responses.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>

#include <ngtcp2/ngtcp2.h>

#include "quic_options.h"

namespace qtls::cli {

// One GET and what came back.
struct Request {
    explicit Request(QuicUrl u) : url(std::move(u)) {}

    QuicUrl url;
    std::int64_t stream_id = -1;
    int status = 0;           // HTTP status; hq-interop has none: 200 on a clean FIN
    std::uint64_t bytes = 0;  // body bytes received
    bool done = false;        // complete response (FIN) or failure
    bool failed = false;
    std::string error;
    std::FILE* out = nullptr;  // --download target, opened at the first body byte
};

// What an app may ask of its connection.
class AppHost {
public:
    virtual ~AppHost() = default;
    virtual ngtcp2_conn* conn() = 0;
    // The app consumed `n` bytes of stream data: give the peer that much
    // more flow-control credit (RFC 9000 §4.1).
    virtual void consume(std::int64_t stream_id, std::size_t n) = 0;
    // Response events.
    virtual void on_status(Request& r, int status) = 0;
    virtual void on_body(Request& r, const std::uint8_t* data, std::size_t len) = 0;
    virtual void on_complete(Request& r) = 0;
    virtual void on_failed(Request& r, const std::string& why) = 0;
};

class ClientApp {
public:
    virtual ~ClientApp() = default;
    // Called when streams may be opened (after the handshake, or at once for
    // 0-RTT). False on a fatal error.
    virtual bool start() = 0;
    // Whether requests can be submitted now (HTTP/3: once its control and
    // QPACK streams are open, which the peer's uni-stream limit may delay).
    virtual bool ready() const = 0;
    // Sends `r` on the freshly opened bidi stream `stream_id`.
    virtual bool submit(Request& r, std::int64_t stream_id) = 0;

    // ngtcp2 events, forwarded; 0 or an ngtcp2 error code.
    virtual int recv_stream_data(std::uint32_t flags, std::int64_t stream_id, const std::uint8_t* data,
                                 std::size_t len) = 0;
    virtual int acked_stream_data(std::int64_t stream_id, std::uint64_t len) = 0;
    virtual int stream_close(std::int64_t stream_id, bool app_error_set, std::uint64_t app_error) = 0;
    virtual int stream_reset(std::int64_t stream_id) = 0;
    virtual int extend_max_stream_data(std::int64_t stream_id) = 0;
    // The local uni-stream limit grew (HTTP/3 may start now).
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

std::unique_ptr<ClientApp> make_h3_client_app(AppHost& host, const QuicUrl& origin);
std::unique_ptr<ClientApp> make_hq_client_app(AppHost& host);

}  // namespace qtls::cli
