// `qtls client HOST:PORT`: connect, handshake, print the summary, then pipe
// stdin to the connection and the connection to stdout (like openssl s_client).
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "cli_config.h"
#include "commands.h"
#include "net.h"
#include "qtls/socket.h"
#include "summary.h"
#include "tls_io.h"

namespace qtls::cli {

namespace {
void write_stdout(ByteView data) {
    std::size_t off = 0;
    while (off < data.size()) {
        ssize_t n = ::write(STDOUT_FILENO, data.data() + off, data.size() - off);
        if (n <= 0) return;
        off += static_cast<std::size_t>(n);
    }
}
// --reconnect: a first connection that only waits (bounded) for a session
// ticket, then closes cleanly, so the real connection can resume.
bool fetch_ticket(const CliOptions& o, const std::shared_ptr<const ClientConfig>& config, const std::string& name,
                  const HostPort& hp) {
    auto conn = record::Connection::client(config, ClientOptions{name, Transport::tcp, {}});
    std::string error;
    int fd = conn.ok() ? connect_tcp(hp, o.timeout_ms, error) : -1;
    if (fd < 0) return false;
    bool ok = record::drive_handshake(*conn, fd, o.timeout_ms).ok();
    if (ok && !o.quiet)
        std::fprintf(stderr, "qtls: first connection: %s\n", negotiated_summary(conn->negotiated(), Side::client).c_str());
    bool have_ticket = false;
    bool eof = false;
    for (int waited = 0; ok && !have_ticket && !eof && waited < std::min(o.timeout_ms, 3000); waited += 100) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 100) > 0 && !receive_available(*conn, fd, eof).ok()) break;
        drain_plaintext(*conn, [](ByteView) {});
        if (auto t = config->session_store->take(name)) {
            config->session_store->put(name, std::move(*t));
            have_ticket = true;
        }
    }
    if (ok) (void)record::close(*conn, fd, o.timeout_ms);
    lingering_close(fd, std::min(o.timeout_ms, 2000));
    if (!have_ticket) std::fprintf(stderr, "qtls client: --reconnect: the server sent no session ticket\n");
    return have_ticket;
}

}  // namespace

int run_client(const CliOptions& o) {
    HostPort hp;
    if (!split_host_port(o.target, hp)) {
        std::fprintf(stderr, "qtls client: expected HOST:PORT, got '%s'\n", o.target.c_str());
        return 2;
    }
    auto built = build_client_config(o);
    if (!built.config) {
        std::fprintf(stderr, "qtls client: %s\n", built.error.c_str());
        return 2;
    }
    std::string name = o.server_name.empty() ? hp.host : o.server_name;
    if (o.reconnect && !fetch_ticket(o, built.config, name, hp)) return 1;
    auto conn = record::Connection::client(built.config, ClientOptions{name, Transport::tcp, {}});
    if (!conn.ok()) {
        std::fprintf(stderr, "qtls client: %s\n", std::string(conn.error().what).c_str());
        return 1;
    }
    if (o.verbose) std::fprintf(stderr, "qtls: connecting to %s:%s\n", hp.host.c_str(), hp.port.c_str());
    std::string error;
    int fd = connect_tcp(hp, o.timeout_ms, error);
    if (fd < 0) {
        std::fprintf(stderr, "qtls client: %s\n", error.c_str());
        return 1;
    }
    if (auto s = record::drive_handshake(*conn, fd, o.timeout_ms); !s.ok()) {
        std::fprintf(stderr, "qtls client: handshake failed: %s\n", describe(*conn, s.error()).c_str());
        ::close(fd);
        return 1;
    }
    if (!o.quiet) std::fprintf(stderr, "qtls: connected: %s\n", negotiated_summary(conn->negotiated(), Side::client).c_str());
    if (o.key_update) {
        if (auto s = conn->key_update(true); !s.ok() || !record::flush(*conn, fd, o.timeout_ms).ok()) {
            std::fprintf(stderr, "qtls client: KeyUpdate failed\n");
            ::close(fd);
            return 1;
        }
        if (o.verbose) std::fprintf(stderr, "qtls: sent KeyUpdate (update_requested)\n");
    }

    drain_plaintext(*conn, write_stdout);  // data that came with the handshake's last flight
    bool stdin_open = true;
    bool eof = false;
    int status = 0;
    while (conn->close_state() == record::CloseState::open && !eof) {
        pollfd fds[2] = {{fd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
        int rc = ::poll(fds, stdin_open ? 2 : 1, o.timeout_ms);
        if (rc == 0) {
            std::fprintf(stderr, "qtls client: timed out waiting for the peer\n");
            status = 1;
            break;
        }
        if (rc < 0) continue;
        if (stdin_open && (fds[1].revents & (POLLIN | POLLHUP))) {
            std::uint8_t buf[16384];
            ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
            if (n > 0) {
                if (auto s = record::write_all(*conn, fd, ByteView(buf, static_cast<std::size_t>(n)), o.timeout_ms); !s.ok()) {
                    std::fprintf(stderr, "qtls client: write failed: %s\n", describe(*conn, s.error()).c_str());
                    status = 1;
                    break;
                }
            } else {
                // End of input: close our direction (TLS 1.3 allows half-close,
                // RFC 8446 §6.1) and keep reading until the peer closes.
                stdin_open = false;
                (void)record::close(*conn, fd, o.timeout_ms);
            }
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            Status s = receive_available(*conn, fd, eof);
            drain_plaintext(*conn, write_stdout);
            if (!s.ok()) {
                std::fprintf(stderr, "qtls client: %s\n", describe(*conn, s.error()).c_str());
                status = 1;
                break;
            }
            (void)record::flush(*conn, fd, o.timeout_ms);
        }
    }
    drain_plaintext(*conn, write_stdout);
    switch (conn->close_state()) {
        case record::CloseState::close_notify_received:
            if (!conn->close_notify_sent()) (void)record::close(*conn, fd, o.timeout_ms);
            if (o.verbose) std::fprintf(stderr, "qtls: peer closed the connection (close_notify)\n");
            break;
        case record::CloseState::truncated:
            std::fprintf(stderr, "qtls client: %s\n", std::string(record::kUnexpectedEof).c_str());
            status = 1;
            break;
        case record::CloseState::failed:
            if (status == 0) {
                std::fprintf(stderr, "qtls client: %s\n", describe(*conn, *conn->error()).c_str());
                status = 1;
            }
            break;
        case record::CloseState::open: break;
    }
    lingering_close(fd, std::min(o.timeout_ms, 2000));
    return status;
}

}  // namespace qtls::cli
