// `qtls client HOST:PORT`: connect, handshake, print the summary, then pipe
// stdin to the connection and the connection to stdout (like openssl s_client).
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "cli_config.h"
#include "cli_staples.h"
#include "commands.h"
#include "net.h"
#include "qtls/certs.h"
#include "qtls/socket.h"
#include "cli_psk.h"
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
bool read_file(const std::string& path, std::string& out) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return false;
    char buf[16384];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    const bool ok = std::ferror(f) == 0;
    std::fclose(f);
    return ok;
}

// --early-data: as much of `data` as the ticket allows, as 0-RTT records
// right behind the ClientHello (RFC 8446 §2.3). Returns the bytes sent.
Result<std::size_t> send_early_data(record::Connection& conn, int fd, ByteView data, int timeout_ms) {
    std::size_t sent = 0;
    while (sent < data.size()) {
        auto n = conn.write_early_data(data.subspan(sent));
        if (!n.ok()) return n.error();
        if (*n == 0) break;  // the ticket's max_early_data_size is reached
        sent += *n;
        QTLS_TRY(record::flush(conn, fd, timeout_ms));
    }
    return sent;
}

// The resumed connection's early data, after the handshake: report the
// server's answer; when it accepted, what did not fit the ticket's limit
// follows as ordinary data. Rejected data is not resent (like s_client).
Status finish_early_data(const CliOptions& o, record::Connection& conn, int fd, ByteView data, std::size_t sent) {
    const auto accepted = conn.early_data_accepted();
    if (!conn.negotiated().early_data_offered) {
        std::fprintf(stderr, "qtls client: early data not sent: the session ticket does not allow 0-RTT\n");
        return {};
    }
    if (!accepted || !*accepted) {
        std::fprintf(stderr, "qtls client: the server rejected %zu bytes of early data (not resent)\n", sent);
        return {};
    }
    if (o.verbose) std::fprintf(stderr, "qtls: %zu bytes of early data accepted\n", sent);
    if (sent == data.size()) return {};
    if (o.verbose) std::fprintf(stderr, "qtls: sending the other %zu bytes after the handshake\n", data.size() - sent);
    return record::write_all(conn, fd, data.subspan(sent), o.timeout_ms);
}

// --reconnect: a first connection that only waits (bounded) for a session
// ticket, then closes cleanly, so the real connection can resume.
bool fetch_ticket(const CliOptions& o, const std::shared_ptr<const ClientConfig>& config, const std::string& name,
                  const HostPort& hp) {
    auto conn = record::Connection::client(config, ClientOptions{name, Transport::tcp, {}, {}});
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
    set_default_logger(logger_from_env("client"));  // QTLS_LOG=error|warn|info|debug|trace
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
    std::string early_data;
    if (!o.early_data_file.empty() && !read_file(o.early_data_file, early_data)) {
        std::fprintf(stderr, "qtls client: cannot read --early-data %s\n", o.early_data_file.c_str());
        return 2;
    }
    std::string name = o.server_name.empty() ? hp.host : o.server_name;
    if (o.reconnect && !fetch_ticket(o, built.config, name, hp)) return 1;
    auto conn = record::Connection::client(built.config, ClientOptions{name, Transport::tcp, {}, {}});
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
    std::size_t early_sent = 0;
    if (!early_data.empty() && conn->negotiated().early_data_offered) {
        auto sent = send_early_data(*conn, fd, as_bytes(early_data), o.timeout_ms);
        if (!sent.ok()) {
            std::fprintf(stderr, "qtls client: sending early data failed: %s\n", describe(*conn, sent.error()).c_str());
            ::close(fd);
            return 1;
        }
        early_sent = *sent;
        if (o.verbose) std::fprintf(stderr, "qtls: sent %zu bytes of early data\n", early_sent);
    }
    if (auto s = record::drive_handshake(*conn, fd, o.timeout_ms); !s.ok()) {
        std::fprintf(stderr, "qtls client: handshake failed: %s\n", describe(*conn, s.error()).c_str());
        ::close(fd);
        return 1;
    }
    if (!o.quiet) std::fprintf(stderr, "qtls: connected: %s\n", negotiated_summary(conn->negotiated(), Side::client).c_str());
    print_exported_keying_material(o, *conn);
    report_staples(o, conn->negotiated());
    if (!early_data.empty()) {
        if (auto s = finish_early_data(o, *conn, fd, as_bytes(early_data), early_sent); !s.ok()) {
            std::fprintf(stderr, "qtls client: write failed: %s\n", describe(*conn, s.error()).c_str());
            ::close(fd);
            return 1;
        }
    }
    if (o.key_update) {
        if (auto s = conn->key_update(true); !s.ok() || !record::flush(*conn, fd, o.timeout_ms).ok()) {
            std::fprintf(stderr, "qtls client: KeyUpdate failed\n");
            ::close(fd);
            return 1;
        }
        if (o.verbose) std::fprintf(stderr, "qtls: sent KeyUpdate (update_requested)\n");
    }

    // RFC 8446 §4.6.2: the engine answers CertificateRequests by itself;
    // report each answer once.
    std::uint32_t pha_reported = 0;
    auto report_post_handshake_auth = [&] {
        const Negotiated& n = conn->negotiated();
        for (; pha_reported < n.post_handshake_auths; ++pha_reported) {
            const auto& key = built.config->client_certificate;
            const bool sent = n.client_authenticated && key && !key->chain.empty();
            std::fprintf(stderr, "qtls: post-handshake auth: answered a CertificateRequest with %s%s%s\n",
                         sent ? "certificate \"" : "an empty Certificate",
                         sent ? certificate_subject(key->chain.front()).c_str() : "", sent ? "\"" : "");
        }
    };
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
            report_post_handshake_auth();
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
