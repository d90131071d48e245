// The application protocol a `qtls quic-server` connection carries, chosen
// by the negotiated ALPN: HTTP/3 (RFC 9114, through nghttp3) or hq-interop
// (HTTP/0.9 over QUIC). The connection (quic_server_connection.cpp) moves
// bytes between ngtcp2 and the app; the app turns requests into files.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "quic_app.h"

namespace qtls::cli {

class ServerAppHost : public StreamAppHost {
public:
    virtual const std::string& www_dir() const = 0;
    // One line per answered request with --verbose.
    virtual void log_response(const std::string& path, int status, std::size_t bytes) = 0;
};

// A server app needs nothing beyond the shared stream interface.
using ServerApp = StreamApp;

std::unique_ptr<ServerApp> make_h3_server_app(ServerAppHost& host);
std::unique_ptr<ServerApp> make_hq_server_app(ServerAppHost& host);

}  // namespace qtls::cli
