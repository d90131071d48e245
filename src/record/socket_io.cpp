// Blocking/non-blocking socket helpers over record::Connection (see
// qtls/socket.h). The connection does the TLS work; this file only moves
// bytes and waits with poll(2) under one deadline per call.
#include "qtls/socket.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace qtls::record {

namespace {

using Clock = std::chrono::steady_clock;

class Deadline {
public:
    explicit Deadline(int timeout_ms)
        : unlimited_(timeout_ms < 0), at_(Clock::now() + std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms)) {}
    // Milliseconds left for poll(2): -1 when unlimited, 0 when expired.
    int remaining_ms() const {
        if (unlimited_) return -1;
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(at_ - Clock::now()).count();
        return left > 0 ? static_cast<int>(left) : 0;
    }

private:
    bool unlimited_;
    Clock::time_point at_;
};

Error socket_error() { return make_error(Alert::internal_error, kSocketError); }
Error timed_out() { return make_error(Alert::internal_error, kTimedOut); }

Status wait_for(int fd, short events, const Deadline& deadline) {
    for (;;) {
        pollfd p{fd, events, 0};
        const int r = ::poll(&p, 1, deadline.remaining_ms());
        if (r > 0) return {};  // ready, or an error the next read/write reports
        if (r == 0) return timed_out();
        if (errno != EINTR) return socket_error();
    }
}

// Reports a failed wait through errno, as the system calls it stands in for.
ssize_t wait_failed(const Error& e) {
    errno = is_timeout(e) ? ETIMEDOUT : EIO;
    return -1;
}

ssize_t send_some(int fd, ByteView bytes, const Deadline& deadline) {
    // MSG_DONTWAIT: never block past the deadline, whatever the descriptor's
    // mode; MSG_NOSIGNAL: a closed peer is an error value, not SIGPIPE.
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno == ENOTSOCK) {
        // Not a socket (a pipe): wait for writability, then write.
        if (Status w = wait_for(fd, POLLOUT, deadline); !w) return wait_failed(w.error());
        n = ::write(fd, bytes.data(), bytes.size());
    }
    return n;
}

ssize_t receive_some(int fd, MutableByteView space, const Deadline& deadline) {
    ssize_t n = ::recv(fd, space.data(), space.size(), MSG_DONTWAIT);
    if (n < 0 && errno == ENOTSOCK) {
        if (Status w = wait_for(fd, POLLIN, deadline); !w) return wait_failed(w.error());
        n = ::read(fd, space.data(), space.size());
    }
    return n;
}

Status flush_pending(Connection& c, int fd, const Deadline& deadline) {
    while (c.wants_write()) {
        const ssize_t n = send_some(fd, c.pending_tls(), deadline);
        if (n >= 0) {
            c.consume_tls(static_cast<std::size_t>(n));
            continue;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            QTLS_TRY(wait_for(fd, POLLOUT, deadline));
            continue;
        }
        return errno == ETIMEDOUT ? timed_out() : socket_error();
    }
    return {};
}

// Reads once from the descriptor into the connection and processes it.
// Returns false at end of stream (after telling the connection).
Result<bool> receive(Connection& c, int fd, const Deadline& deadline) {
    for (;;) {
        const MutableByteView space = c.tls_input_space();
        if (space.empty()) return make_error(Alert::internal_error, "socket: connection input is full");
        const ssize_t n = receive_some(fd, space, deadline);
        if (n > 0) {
            c.tls_input_commit(static_cast<std::size_t>(n));
            QTLS_TRY(c.process());
            return true;
        }
        if (n == 0) {
            c.transport_eof();
            return false;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            QTLS_TRY(wait_for(fd, POLLIN, deadline));
            continue;
        }
        return errno == ETIMEDOUT ? timed_out() : socket_error();
    }
}

// On a TLS failure the connection holds an alert for the peer: try to send
// it, then report the original error.
Error fail_with(Connection& c, int fd, const Deadline& deadline, Error e) {
    if (c.close_state() == CloseState::failed) (void)flush_pending(c, fd, deadline);
    return e;
}

}  // namespace

Status drive_handshake(Connection& c, int fd, int timeout_ms) {
    const Deadline deadline(timeout_ms);
    if (Status st = c.start(); !st) return fail_with(c, fd, deadline, st.error());
    for (;;) {
        QTLS_TRY(flush_pending(c, fd, deadline));
        if (c.handshake_complete()) return {};
        if (auto e = c.error()) return *e;
        if (c.pending_operation()) return make_error(Alert::internal_error, kOperationPending);
        if (c.close_state() == CloseState::close_notify_received)
            return make_error(Alert::internal_error, kClosedDuringHandshake);
        auto got = receive(c, fd, deadline);
        if (!got) return fail_with(c, fd, deadline, got.error());
    }
}

Result<std::size_t> read_some(Connection& c, int fd, MutableByteView out, int timeout_ms) {
    const Deadline deadline(timeout_ms);
    for (;;) {
        // Records may still be queued when read() made room (back-pressure).
        if (Status st = c.process(); !st) return fail_with(c, fd, deadline, st.error());
        if (c.plaintext_available() > 0 || c.close_state() != CloseState::open) return c.read(out);
        // Whatever the records produced (a KeyUpdate answer) goes out first.
        QTLS_TRY(flush_pending(c, fd, deadline));
        auto got = receive(c, fd, deadline);
        if (!got) return fail_with(c, fd, deadline, got.error());
    }
}

Status write_all(Connection& c, int fd, ByteView data, int timeout_ms) {
    const Deadline deadline(timeout_ms);
    std::size_t done = 0;
    while (done < data.size()) {
        auto n = c.write(data.subspan(done));
        if (!n) return fail_with(c, fd, deadline, n.error());
        done += *n;
        QTLS_TRY(flush_pending(c, fd, deadline));
    }
    return flush_pending(c, fd, deadline);
}

Status flush(Connection& c, int fd, int timeout_ms) { return flush_pending(c, fd, Deadline(timeout_ms)); }

Status close(Connection& c, int fd, int timeout_ms) {
    c.send_close_notify();
    return flush_pending(c, fd, Deadline(timeout_ms));
}

}  // namespace qtls::record
