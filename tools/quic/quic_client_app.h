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

#include "quic_app.h"
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

// What a client app may ask of its connection.
class AppHost : public StreamAppHost {
public:
    // Response events.
    virtual void on_status(Request& r, int status) = 0;
    virtual void on_body(Request& r, const std::uint8_t* data, std::size_t len) = 0;
    virtual void on_complete(Request& r) = 0;
    virtual void on_failed(Request& r, const std::string& why) = 0;
};

class ClientApp : public StreamApp {
public:
    // Whether requests can be submitted now (HTTP/3: once its control and
    // QPACK streams are open, which the peer's uni-stream limit may delay).
    virtual bool ready() const = 0;
    // Sends `r` on the freshly opened bidi stream `stream_id`.
    virtual bool submit(Request& r, std::int64_t stream_id) = 0;
};

std::unique_ptr<ClientApp> make_h3_client_app(AppHost& host, const QuicUrl& origin);
std::unique_ptr<ClientApp> make_hq_client_app(AppHost& host);

}  // namespace qtls::cli
