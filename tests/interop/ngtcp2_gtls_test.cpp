// Real interop: examples/ngtcp2_client (ngtcp2 + libngtcp2_crypto_qtls)
// against gtlsserver (ngtcp2 + GnuTLS, package ngtcp2-server) over UDP on
// 127.0.0.1 with an ephemeral port. Readiness is the server's socket
// appearing in /proc/net/udp; every wait is bounded. Fails (never skips)
// when gtlsserver is not installed.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/test_pki.h"

namespace {

namespace fs = std::filesystem;
using qtls::test::find_in_path;
using qtls::test::free_udp_port;
using qtls::test::slurp;
using qtls::test::spawn_logged;
using qtls::test::terminate_and_wait;
using qtls::test::wait_for_udp_bound;

struct Case {
    std::string name;
    std::vector<std::string> server_args;
    std::vector<std::string> client_args;
    std::string client_expect;  // substring of the client's line
    std::string server_expect;  // substring of the server log
};

std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.name; }

class GtlsServerInterop : public ::testing::TestWithParam<Case> {};

TEST_P(GtlsServerInterop, HandshakeConfirmed) {
    const Case& tc = GetParam();
    const std::string server_bin = find_in_path("gtlsserver");
    ASSERT_FALSE(server_bin.empty()) << "gtlsserver not found: install the Debian package ngtcp2-server from bookworm-backports (./run test does)";

    fs::path dir = fs::temp_directory_path() / ("qtls-gtls-" + std::to_string(getpid()) + "-" + tc.name);
    fs::create_directories(dir / "www");
    const std::string ca = qtls::test::test_pki().write_to_dir(dir.string());
    ASSERT_FALSE(ca.empty());
    const uint16_t port = free_udp_port();
    ASSERT_NE(port, 0);

    // gtlsserver [options] ADDR PORT KEY CERT, output to a log file.
    std::vector<std::string> args = {"timeout", "60", server_bin, "--no-quic-dump", "--no-http-dump",
                                     "-d", (dir / "www").string()};
    args.insert(args.end(), tc.server_args.begin(), tc.server_args.end());
    args.insert(args.end(), {"127.0.0.1", std::to_string(port), (dir / "ecdsa_p256.key").string(),
                             (dir / "ecdsa_p256.pem").string()});
    const fs::path log = dir / "server.log";
    const pid_t server_pid = spawn_logged(args, log);
    ASSERT_GT(server_pid, 0) << "cannot start gtlsserver";

    // Readiness: the server's socket exists (bounded wait, no fixed sleep).
    EXPECT_TRUE(wait_for_udp_bound(port, std::chrono::seconds(10))) << "gtlsserver did not bind 127.0.0.1:" << port;

    std::string cmd = std::string("timeout 30 ") + QTLS_NGTCP2_CLIENT + " --ca " + ca + " --sni localhost";
    for (const auto& a : tc.client_args) cmd += " " + a;
    cmd += " 127.0.0.1 " + std::to_string(port) + " 2>&1";
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    const int status = pclose(p);

    terminate_and_wait(server_pid);
    const std::string server_log = slurp(log);

    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out << "\n--- server:\n" << server_log;
    EXPECT_NE(out.find("QUIC handshake confirmed"), std::string::npos) << out;
    EXPECT_NE(out.find("alpn=h3"), std::string::npos) << out;
    EXPECT_NE(out.find(tc.client_expect), std::string::npos) << out;
    EXPECT_NE(server_log.find("QUIC handshake has completed"), std::string::npos) << server_log;
    EXPECT_NE(server_log.find(tc.server_expect), std::string::npos) << server_log;
    if (!HasFailure()) fs::remove_all(dir);
}

const std::string kOnly = "--ciphers=NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+";

INSTANTIATE_TEST_SUITE_P(
    Cases, GtlsServerInterop,
    ::testing::Values(
        Case{"basic", {}, {}, "suite=0x1301", "Negotiated ALPN is h3"},
        Case{"aes256", {kOnly + "AES-256-GCM"}, {}, "suite=0x1302", "Negotiated cipher suite is AES-256-GCM"},
        Case{"chacha20", {kOnly + "CHACHA20-POLY1305"}, {}, "suite=0x1303",
             "Negotiated cipher suite is CHACHA20-POLY1305"},
        Case{"hrr_p384", {"--groups=-GROUP-ALL:+GROUP-SECP384R1"}, {}, "group=0x0018",
             "Negotiated group is SECP384R1"},
        Case{"retry", {"-V"}, {}, "suite=0x1301", "Token was successfully validated"},
        Case{"quic_v2", {"--preferred-versions=v2"}, {"--v2"}, "version=0x6b3343cf", "QUIC handshake has completed"}),
    [](const ::testing::TestParamInfo<Case>& i) { return i.param.name; });

}  // namespace
