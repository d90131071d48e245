#include "tls_io.h"

#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <string>

namespace qtls::cli {

Status receive_available(record::Connection& conn, int fd, bool& eof) {
    std::array<std::uint8_t, 16384> buf;
    ssize_t n;
    do {
        n = ::recv(fd, buf.data(), buf.size(), 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return {};
        return Error{Alert::internal_error, "socket read failed"};
    }
    if (n == 0) {
        eof = true;
        conn.transport_eof();
        return {};
    }
    ByteView rest(buf.data(), static_cast<std::size_t>(n));
    while (!rest.empty()) {
        auto took = conn.read_tls(rest);
        if (!took.ok()) return took.error();
        rest = rest.subspan(*took);
        QTLS_TRY(conn.process());
        if (*took == 0 && !rest.empty()) {
            // Plaintext buffer full: the caller must drain it first. The CLI
            // always drains after each call, so this only guards the loop.
            if (conn.plaintext_available() == 0) return Error{Alert::internal_error, "record layer made no progress"};
            return Error{Alert::internal_error, "plaintext buffer full"};
        }
    }
    return {};
}

void drain_plaintext(record::Connection& conn, const std::function<void(ByteView)>& sink) {
    std::array<std::uint8_t, 16384> buf;
    while (conn.plaintext_available() > 0) {
        auto n = conn.read(buf);
        if (!n.ok() || *n == 0) break;
        sink(ByteView(buf.data(), *n));
    }
}

std::string describe(const record::Connection& conn, const Error& e) {
    // Who raised the alert comes first: "peer sent alert X" or "local alert
    // X (cause)"; a transport EOF without close_notify has no alert.
    if (auto peer = conn.peer_alert()) return "peer sent alert " + std::string(to_string(*peer));
    if (record::is_unexpected_eof(e)) return std::string(e.what);
    return "local alert " + std::string(to_string(e.alert)) + " (" + std::string(e.what) + ")";
}

}  // namespace qtls::cli
