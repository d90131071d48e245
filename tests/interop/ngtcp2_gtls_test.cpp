// Real interop: examples/ngtcp2_client (ngtcp2 + libngtcp2_crypto_qtls)
// against gtlsserver (ngtcp2 + GnuTLS, package ngtcp2-server) over UDP on
// 127.0.0.1 with an ephemeral port. Readiness is the server's socket
// appearing in /proc/net/udp; every wait is bounded. Skipped when
// gtlsserver is not installed.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/test_pki.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;

std::string find_in_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::stringstream ss(path ? path : "");
    std::string dir;
    while (std::getline(ss, dir, ':'))
        if (!dir.empty() && access((dir + "/" + name).c_str(), X_OK) == 0) return dir + "/" + name;
    return {};
}

uint16_t ephemeral_udp_port() {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        close(fd);
        return 0;
    }
    close(fd);
    return ntohs(a.sin_port);
}

// Whether some process has a UDP socket bound to 127.0.0.1:port.
bool udp_bound(uint16_t port) {
    char needle[32];
    std::snprintf(needle, sizeof needle, "0100007F:%04X", port);
    std::ifstream in("/proc/net/udp");
    std::string line;
    while (std::getline(in, line))
        if (line.find(needle) != std::string::npos) return true;
    return false;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

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
    const uint16_t port = ephemeral_udp_port();
    ASSERT_NE(port, 0);

    // gtlsserver [options] ADDR PORT KEY CERT, output to a log file.
    std::vector<std::string> args = {"timeout", "60", server_bin, "--no-quic-dump", "--no-http-dump",
                                     "-d", (dir / "www").string()};
    args.insert(args.end(), tc.server_args.begin(), tc.server_args.end());
    args.insert(args.end(), {"127.0.0.1", std::to_string(port), (dir / "ecdsa_p256.key").string(),
                             (dir / "ecdsa_p256.pem").string()});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const fs::path log = dir / "server.log";
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    pid_t server_pid = -1;
    ASSERT_EQ(posix_spawnp(&server_pid, "timeout", &fa, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&fa);

    // Readiness: the server's socket exists (bounded wait, no fixed sleep).
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!udp_bound(port) && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_TRUE(udp_bound(port)) << "gtlsserver did not bind 127.0.0.1:" << port;

    std::string cmd = std::string("timeout 30 ") + QTLS_NGTCP2_CLIENT + " --ca " + ca + " --sni localhost";
    for (const auto& a : tc.client_args) cmd += " " + a;
    cmd += " 127.0.0.1 " + std::to_string(port) + " 2>&1";
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    const int status = pclose(p);

    kill(server_pid, SIGTERM);
    int ws = 0;
    waitpid(server_pid, &ws, 0);
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
