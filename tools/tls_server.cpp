// `qtls server`: listen, then serve connections one after another: print
// received data, echo it, or answer lines reversed (--rev, the protocol of
// openssl s_server -rev, so peer clients end by themselves).
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "cli_config.h"
#include "commands.h"
#include "net.h"
#include "qtls/certs.h"
#include "qtls/socket.h"
#include "cli_psk.h"
#include "summary.h"
#include "tls_io.h"

namespace qtls::cli {

namespace {

// Returns true when the connection should close after this data.
bool answer(const CliOptions& o, record::Connection& conn, int fd, ByteView data, std::string& line_buffer) {
    if (o.mode == ServerMode::print) {
        std::fwrite(data.data(), 1, data.size(), stdout);
        std::fflush(stdout);
        return false;
    }
    if (o.mode == ServerMode::echo) return !record::write_all(conn, fd, data, o.timeout_ms).ok();
    line_buffer.append(reinterpret_cast<const char*>(data.data()), data.size());
    std::size_t nl;
    while ((nl = line_buffer.find('\n')) != std::string::npos) {
        std::string line = line_buffer.substr(0, nl);
        line_buffer.erase(0, nl + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line == "CLOSE") return true;
        std::reverse(line.begin(), line.end());
        line.push_back('\n');
        if (!record::write_all(conn, fd, as_bytes(line), o.timeout_ms).ok()) return true;
    }
    return false;
}

// Serves one accepted connection; returns false when it failed.
bool serve(const CliOptions& o, const std::shared_ptr<const ServerConfig>& config, int fd) {
    auto conn = record::Connection::server(config);
    if (!conn.ok()) {
        std::fprintf(stderr, "qtls server: %s\n", std::string(conn.error().what).c_str());
        return false;
    }
    Status hs = record::drive_handshake(*conn, fd, o.timeout_ms);
    // --async-sign: the loop answers the signature request on its next turn,
    // with the certificate's own key (a stand-in for a remote key service).
    while (!hs.ok() && record::is_operation_pending(hs.error())) {
        const OperationPending op = *conn->pending_operation();
        OperationAnswer answer = SignAnswer{};
        if (const auto* sign = std::get_if<SignRequest>(&op.request)) {
            answer = SignAnswer{sign->certificate->key->sign(sign->scheme, sign->input)};
            if (o.verbose) std::fprintf(stderr, "qtls: answered an asynchronous signature request\n");
        }
        hs = conn->resume(op.id, std::move(answer));
        if (hs.ok()) hs = record::drive_handshake(*conn, fd, o.timeout_ms);
    }
    if (!hs.ok()) {
        // An error answer left its alert pending: send it (best effort).
        if (conn->close_state() == record::CloseState::failed) (void)record::flush(*conn, fd, o.timeout_ms);
        std::fprintf(stderr, "qtls server: handshake failed: %s\n", describe(*conn, hs.error()).c_str());
        return false;
    }
    if (!o.quiet) std::fprintf(stderr, "qtls: accepted: %s\n", negotiated_summary(conn->negotiated(), Side::server).c_str());
    print_exported_keying_material(o, *conn);
    std::string lines;
    bool eof = false;
    bool ok = true;
    bool closing = false;
    // --request-cert-after-handshake (RFC 8446 §4.6.2): one CertificateRequest
    // after the first application data; --rev's CLOSE waits for the answer.
    bool pha_tried = false;
    bool pha_pending = false;
    auto request_after_data = [&] {
        if (!o.request_cert_after_handshake || pha_tried) return;
        pha_tried = true;
        if (Status s = conn->request_client_certificate(true); !s.ok()) {
            std::fprintf(stderr, "qtls server: post-handshake CertificateRequest not sent: %s\n",
                         std::string(s.error().what).c_str());
            return;
        }
        pha_pending = true;
        (void)record::flush(*conn, fd, o.timeout_ms);
        if (o.verbose) std::fprintf(stderr, "qtls: sent a post-handshake CertificateRequest\n");
    };
    auto report_post_handshake_auth = [&] {
        if (!pha_pending || conn->negotiated().post_handshake_auths == 0) return;
        pha_pending = false;
        const auto& chain = conn->negotiated().peer_certificates;
        std::fprintf(stderr, "qtls: post-handshake auth: peer=\"%s\"\n",
                     chain.empty() ? "none" : certificate_subject(chain.front()).c_str());
    };
    auto on_data = [&](ByteView d) {
        closing = closing || answer(o, *conn, fd, d, lines);
        request_after_data();
    };
    // 0-RTT data (RFC 8446 §4.2.10) came before everything else: it is
    // handled first, like any received data.
    std::size_t early_total = 0;
    std::uint8_t early_buf[16384];
    while (conn->early_data_available() > 0 && !closing) {
        auto n = conn->read_early_data(early_buf);
        if (!n.ok() || *n == 0) break;
        early_total += *n;
        closing = answer(o, *conn, fd, ByteView(early_buf, *n), lines);
        request_after_data();
    }
    if (o.verbose && conn->early_data_accepted().value_or(false))
        std::fprintf(stderr, "qtls: received %zu bytes of early data\n", early_total);
    // The handshake may already have read application data (and even the
    // client's close_notify) that arrived with the client's Finished.
    drain_plaintext(*conn, on_data);
    while (conn->close_state() == record::CloseState::open && !eof && (!closing || pha_pending)) {
        pollfd p{fd, POLLIN, 0};
        int rc = ::poll(&p, 1, o.timeout_ms);
        if (rc == 0) {
            std::fprintf(stderr, "qtls server: timed out waiting for the client\n");
            ok = false;
            break;
        }
        if (rc < 0) continue;
        Status s = receive_available(*conn, fd, eof);
        report_post_handshake_auth();
        drain_plaintext(*conn, on_data);
        if (!s.ok()) {
            std::fprintf(stderr, "qtls server: %s\n", describe(*conn, s.error()).c_str());
            ok = false;
            break;
        }
        (void)record::flush(*conn, fd, o.timeout_ms);
    }
    if (conn->close_state() == record::CloseState::truncated) {
        std::fprintf(stderr, "qtls server: %s\n", std::string(record::kUnexpectedEof).c_str());
        ok = false;
    } else if (conn->close_state() == record::CloseState::failed && ok) {
        std::fprintf(stderr, "qtls server: %s\n", describe(*conn, *conn->error()).c_str());
        ok = false;
    }
    if (conn->close_state() != record::CloseState::failed) (void)record::close(*conn, fd, o.timeout_ms);
    if (o.verbose) std::fprintf(stderr, "qtls: connection closed\n");
    return ok;
}

}  // namespace

int run_server(const CliOptions& o) {
    set_default_logger(logger_from_env("server"));  // QTLS_LOG=error|warn|info|debug|trace
    auto built = build_server_config(o);
    if (!built.config) {
        std::fprintf(stderr, "qtls server: %s\n", built.error.c_str());
        return 2;
    }
    HostPort hp;
    if (!split_host_port(o.accept, hp)) {
        std::fprintf(stderr, "qtls server: --accept expects HOST:PORT, got '%s'\n", o.accept.c_str());
        return 2;
    }
    std::string error;
    int lfd = listen_tcp(hp, error);
    if (lfd < 0) {
        std::fprintf(stderr, "qtls server: %s\n", error.c_str());
        return 1;
    }
    std::printf("ACCEPT %s\n", local_address(lfd).c_str());
    std::fflush(stdout);
    int failures = 0;
    for (int served = 0; o.naccept == 0 || served < o.naccept; ++served) {
        int fd = accept_tcp(lfd, -1, error);
        if (fd < 0) {
            std::fprintf(stderr, "qtls server: %s\n", error.c_str());
            ++failures;
            continue;
        }
        if (!serve(o, built.config, fd)) ++failures;
        lingering_close(fd, std::min(o.timeout_ms, 2000));
    }
    ::close(lfd);
    return failures == 0 ? 0 : 1;
}

}  // namespace qtls::cli
