// Real interop: `qtls quic-client` (ngtcp2 + libngtcp2_crypto_qtls +
// nghttp3) fetching files over HTTP/3 from ngtcp2's gtlsserver (GnuTLS,
// package ngtcp2-server) on 127.0.0.1, ephemeral port. One server process
// serves every case, so a ticket from one connection resumes the next.
// Readiness is the server's socket appearing in /proc/net/udp; every
// process runs under `timeout`. Fails (never skips) without gtlsserver.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
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
using qtls::test::write_file;

constexpr std::size_t kLargeFileSize = 2 * 1024 * 1024;
constexpr int kClientTimeoutSeconds = 15;  // --timeout of each client run
constexpr int kServerLifetimeSeconds = 120;
constexpr std::size_t kServerLogTail = 4000;  // printed on failure

std::size_t count(const std::string& haystack, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) ++n;
    return n;
}

struct ClientRun {
    int exit_code = -1;
    std::string output;  // stderr and stdout together
};

class QuicClientVsGtlsServer : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        const std::string server_bin = find_in_path("gtlsserver");
        if (server_bin.empty()) {
            setup_error_ = "gtlsserver not found: install the Debian package ngtcp2-server from bookworm-backports "
                           "(./run test does)";
            return;
        }
        dir_ = fs::temp_directory_path() / ("qtls-quic-client-" + std::to_string(getpid()));
        fs::create_directories(dir_ / "www");
        ca_ = qtls::test::test_pki().write_to_dir(dir_.string());
        std::mt19937 rng(12345);
        std::string large(kLargeFileSize, '\0');
        for (auto& c : large) c = static_cast<char>(rng());
        write_file(dir_ / "www" / "large.bin", large);
        write_file(dir_ / "www" / "small.txt", "hello from gtlsserver\n");
        write_file(dir_ / "www" / "index.html", "<html>qtls</html>\n");
        if (ca_.empty()) {
            setup_error_ = "cannot write the test PKI";
            return;
        }
        setup_error_ = start_server(server_bin, {}, "server.log", port_, server_pid_);
    }

    // Starts gtlsserver with `extra` options on an ephemeral port, logging to
    // dir_/log_name; returns an error description or "".
    static std::string start_server(const std::string& server_bin, const std::vector<std::string>& extra,
                                    const std::string& log_name, std::uint16_t& port, pid_t& pid) {
        port = free_udp_port();
        if (port == 0) return "no ephemeral UDP port";
        // v1 preferred, v2 accepted (RFC 9368): a v1 client stays on v1.
        std::vector<std::string> args = {"timeout", std::to_string(kServerLifetimeSeconds), server_bin,
                                         "--no-quic-dump", "--no-http-dump", "--preferred-versions=v1,v2",
                                         "-d", (dir_ / "www").string()};
        args.insert(args.end(), extra.begin(), extra.end());
        args.insert(args.end(), {"127.0.0.1", std::to_string(port), (dir_ / "ecdsa_p256.key").string(),
                                 (dir_ / "ecdsa_p256.pem").string()});
        pid = spawn_logged(args, dir_ / log_name);
        if (pid <= 0) return "cannot start gtlsserver";
        if (!wait_for_udp_bound(port, std::chrono::seconds(10)))
            return "gtlsserver did not bind 127.0.0.1:" + std::to_string(port);
        return {};
    }

    static void stop_server(pid_t& pid) {
        terminate_and_wait(pid);
        pid = -1;
    }

    static void TearDownTestSuite() {
        stop_server(server_pid_);
        if (!any_failure_ && !dir_.empty()) fs::remove_all(dir_);
    }

    void SetUp() override { ASSERT_TRUE(setup_error_.empty()) << setup_error_; }
    void TearDown() override {
        if (HasFailure()) {
            any_failure_ = true;
            const std::string log = slurp(dir_ / "server.log");
            std::fprintf(stderr, "--- gtlsserver log (%s), last %zu bytes:\n%s\n", (dir_ / "server.log").c_str(),
                         std::min(log.size(), kServerLogTail),
                         log.substr(log.size() - std::min(log.size(), kServerLogTail)).c_str());
        }
    }

    std::string url(const std::string& path, std::uint16_t port = 0) const {
        return "https://127.0.0.1:" + std::to_string(port ? port : port_) + path;
    }

    // Runs `qtls quic-client --ca CA ARGS...` under timeout.
    ClientRun run_client(const std::vector<std::string>& args) const {
        std::string cmd = "timeout " + std::to_string(kClientTimeoutSeconds + 5) + " " + QTLS_CLI +
                          " quic-client --ca " + ca_ + " --timeout " + std::to_string(kClientTimeoutSeconds);
        for (const auto& a : args) cmd += " '" + a + "'";
        cmd += " 2>&1";
        ClientRun r;
        FILE* p = popen(cmd.c_str(), "r");
        if (p == nullptr) return r;
        char buf[1024];
        while (std::fgets(buf, sizeof buf, p)) r.output += buf;
        const int status = pclose(p);
        r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return r;
    }

    fs::path fresh_download_dir(const std::string& name) const {
        const fs::path d = dir_ / ("dl-" + name);
        fs::remove_all(d);
        fs::create_directories(d);
        return d;
    }

    static inline fs::path dir_;
    static inline std::string ca_;
    static inline std::uint16_t port_ = 0;
    static inline pid_t server_pid_ = -1;
    static inline std::string setup_error_;
    static inline bool any_failure_ = false;
};

TEST_F(QuicClientVsGtlsServer, DownloadsThreeFilesOverH3) {
    const fs::path dl = fresh_download_dir("three");
    const ClientRun r = run_client({"--download", dl.string(), url("/small.txt"), url("/large.bin"), url("/")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(count(r.output, "qtls: quic connected: "), 1u) << r.output;
    EXPECT_NE(r.output.find("version=v1 suite=TLS_AES_128_GCM_SHA256 group=X25519 alpn=h3 resumed=no "
                            "early-data=none retry=no"),
              std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("qtls: GET /large.bin -> 200 (2097152 bytes)"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("qtls: GET /small.txt -> 200 (22 bytes)"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("qtls: GET / -> 200"), std::string::npos) << r.output;
    EXPECT_EQ(slurp(dl / "large.bin"), slurp(dir_ / "www" / "large.bin"));
    EXPECT_EQ(slurp(dl / "small.txt"), slurp(dir_ / "www" / "small.txt"));
    EXPECT_EQ(slurp(dl / "index.html"), slurp(dir_ / "www" / "index.html"));
}

TEST_F(QuicClientVsGtlsServer, ChaCha20) {
    const fs::path dl = fresh_download_dir("chacha");
    const ClientRun r =
        run_client({"--ciphers", "TLS_CHACHA20_POLY1305_SHA256", "--download", dl.string(), url("/large.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("suite=TLS_CHACHA20_POLY1305_SHA256"), std::string::npos) << r.output;
    EXPECT_EQ(slurp(dl / "large.bin"), slurp(dir_ / "www" / "large.bin"));
}

TEST_F(QuicClientVsGtlsServer, QuicVersion2) {
    const ClientRun r = run_client({"--quic-version", "v2", url("/small.txt")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("qtls: quic connected: version=v2 "), std::string::npos) << r.output;
}

TEST_F(QuicClientVsGtlsServer, KeyUpdate) {
    const fs::path dl = fresh_download_dir("key-update");
    const ClientRun r = run_client({"--key-update", "--download", dl.string(), url("/large.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("qtls: key update initiated"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("qtls: key update confirmed"), std::string::npos) << r.output;
    EXPECT_EQ(slurp(dl / "large.bin"), slurp(dir_ / "www" / "large.bin"));
}

TEST_F(QuicClientVsGtlsServer, ResumesOnASecondConnection) {
    const ClientRun r = run_client({"--resume", url("/small.txt"), url("/index.html")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(count(r.output, "qtls: quic connected: "), 2u) << r.output;
    EXPECT_NE(r.output.find("resumed=no early-data=none"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("resumed=yes early-data=none"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("qtls: GET /index.html -> 200"), std::string::npos) << r.output;
}

TEST_F(QuicClientVsGtlsServer, EarlyDataOnTheResumedConnection) {
    const ClientRun r = run_client({"--early-data", url("/small.txt"), url("/index.html")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("resumed=yes early-data=accepted"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("qtls: GET /index.html -> 200"), std::string::npos) << r.output;
}

TEST_F(QuicClientVsGtlsServer, RetryFromTheServer) {
    // RFC 9000 §8.1.2: gtlsserver -V answers the first Initial with a Retry.
    std::uint16_t port = 0;
    pid_t pid = -1;
    const std::string error = start_server(find_in_path("gtlsserver"), {"-V"}, "server-retry.log", port, pid);
    ClientRun r;
    if (error.empty()) r = run_client({url("/small.txt", port)});
    stop_server(pid);
    ASSERT_TRUE(error.empty()) << error;
    ASSERT_EQ(r.exit_code, 0) << r.output << slurp(dir_ / "server-retry.log");
    EXPECT_NE(r.output.find("resumed=no early-data=none retry=yes"), std::string::npos) << r.output;
}

TEST_F(QuicClientVsGtlsServer, MissingFileFails) {
    const ClientRun r = run_client({url("/small.txt"), url("/no-such-file")});
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("qtls: GET /no-such-file -> 404"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("qtls: GET /small.txt -> 200"), std::string::npos) << r.output;
}

TEST_F(QuicClientVsGtlsServer, UntrustedServerNamesTheAlert) {
    // No --ca of ours: the system store does not know the test CA.
    const std::string cmd = "timeout 20 " + std::string(QTLS_CLI) + " quic-client --timeout 10 " +
                            url("/small.txt") + " 2>&1";
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    char buf[1024];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    const int status = pclose(p);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << out;
    EXPECT_NE(out.find("CRYPTO_ERROR 0x130 (TLS alert unknown_ca)"), std::string::npos) << out;
}

}  // namespace
