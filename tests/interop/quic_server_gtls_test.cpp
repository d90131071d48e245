// Real interop: ngtcp2's gtlsclient (GnuTLS backend, package ngtcp2-client)
// fetching files over HTTP/3 from `qtls quic-server` on 127.0.0.1 with an
// ephemeral port (--port 0). Readiness is the server's "listening" line;
// every process runs under `timeout`. Covers a 1 MB download compared byte
// for byte, Retry, ChaCha20, QUIC v2 (first Initial in v2, and compatible
// version negotiation), and resumption with 0-RTT across two gtlsclient runs
// against one server process (proved by the server's summary line).
// Fails (never skips) without gtlsclient.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/process.h"
#include "support/test_pki.h"

namespace {

namespace fs = std::filesystem;
using qtls::test::find_in_path;
using qtls::test::slurp;
using qtls::test::spawn_logged;
using qtls::test::terminate_and_wait;
using qtls::test::write_file;

constexpr std::size_t kFileSize = 1024 * 1024;
constexpr int kServerLifetimeSeconds = 90;  // `timeout` around each server
constexpr int kClientTimeoutSeconds = 15;   // `timeout` around each gtlsclient
constexpr auto kListenWait = std::chrono::seconds(10);
constexpr auto kLogWait = std::chrono::seconds(10);
constexpr std::size_t kLogTail = 4000;  // printed on failure
const char kChachaPriority[] = "--ciphers=NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305";

std::string tail(const std::string& s) { return s.substr(s.size() - std::min(s.size(), kLogTail)); }

// Lines of the server log that start with `prefix`.
std::vector<std::string> lines_with(const std::string& log, const std::string& prefix) {
    std::vector<std::string> out;
    std::stringstream ss(log);
    std::string line;
    while (std::getline(ss, line))
        if (line.rfind(prefix, 0) == 0) out.push_back(line);
    return out;
}

// One `qtls quic-server` process, its log in a file.
class ServerProcess {
public:
    ~ServerProcess() { stop(); }

    // Starts the server with `args` and waits (bounded) for its listening
    // line; "" on success, else the reason.
    std::string start(const fs::path& dir, const std::string& name, const std::string& ca_dir,
                      const std::vector<std::string>& args) {
        log_ = dir / (name + ".log");
        std::vector<std::string> argv_s = {"timeout", std::to_string(kServerLifetimeSeconds), QTLS_CLI,
                                           "quic-server", "--cert", ca_dir + "/ecdsa_p256.pem",
                                           "--key", ca_dir + "/ecdsa_p256.key", "--listen", "127.0.0.1",
                                           "--port", "0", "--www", (dir / "www").string()};
        argv_s.insert(argv_s.end(), args.begin(), args.end());
        pid_ = spawn_logged(argv_s, log_);
        if (pid_ <= 0) return "cannot start qtls quic-server";
        static const std::regex kListening("qtls: quic-server listening on 127\\.0\\.0\\.1:([0-9]+)");
        const auto until = std::chrono::steady_clock::now() + kListenWait;
        while (std::chrono::steady_clock::now() < until) {
            std::smatch m;
            const std::string log = slurp(log_);
            if (std::regex_search(log, m, kListening)) {
                port_ = m[1].str();
                return {};
            }
            if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
                pid_ = -1;
                return "qtls quic-server exited early:\n" + log;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling a condition, bounded
        }
        return "no listening line within 10 s:\n" + slurp(log_);
    }

    // Waits (bounded) until the log holds `n` lines starting with `prefix`.
    std::vector<std::string> wait_for_lines(const std::string& prefix, std::size_t n) const {
        const auto until = std::chrono::steady_clock::now() + kLogWait;
        std::vector<std::string> lines;
        while (std::chrono::steady_clock::now() < until) {
            lines = lines_with(slurp(log_), prefix);
            if (lines.size() >= n) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling a condition, bounded
        }
        return lines;
    }

    // SIGTERM; returns the exit status (0 is the contract).
    int stop() {
        if (pid_ <= 0) return exit_status_;
        exit_status_ = terminate_and_wait(pid_);  // `timeout` forwards SIGTERM to the server
        pid_ = -1;
        return exit_status_;
    }

    bool started() const { return !port_.empty(); }
    const std::string& port() const { return port_; }
    std::string log() const { return slurp(log_); }

private:
    fs::path log_;
    pid_t pid_ = -1;
    std::string port_;
    int exit_status_ = -1;
};

struct ClientRun {
    int exit_code = -1;
    std::string output;
};

class GtlsClientVsQuicServer : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        client_bin_ = find_in_path("gtlsclient");
        dir_ = fs::temp_directory_path() / ("qtls-quic-server-" + std::to_string(getpid()));
        fs::create_directories(dir_ / "www");
        pki_dir_ = qtls::test::test_pki().write_to_dir(dir_.string()).empty() ? std::string() : dir_.string();
        std::mt19937 rng(4242);
        std::string data(kFileSize, '\0');
        for (auto& c : data) c = static_cast<char>(rng());
        write_file(dir_ / "www" / "1mb.bin", data);
        write_file(dir_ / "www" / "index.html", "<html>qtls quic-server</html>\n");
    }

    static void TearDownTestSuite() {
        if (!any_failure_ && !dir_.empty()) fs::remove_all(dir_);
    }

    void SetUp() override {
        ASSERT_FALSE(client_bin_.empty())
            << "gtlsclient not found: install the Debian package ngtcp2-client from bookworm-backports (./run test does)";
        ASSERT_FALSE(pki_dir_.empty()) << "cannot write the test PKI";
    }

    void TearDown() override {
        if (HasFailure()) {
            any_failure_ = true;
            std::fprintf(stderr, "--- qtls quic-server log, last %zu bytes:\n%s\n", kLogTail,
                         tail(server_.log()).c_str());
        }
        if (server_.started()) {
            EXPECT_EQ(server_.stop(), 0) << "quic-server must exit 0 on SIGTERM";
        }
    }

    void start_server(const std::vector<std::string>& args = {}) {
        const std::string err = server_.start(dir_, ::testing::UnitTest::GetInstance()->current_test_info()->name(),
                                              pki_dir_, args);
        ASSERT_TRUE(err.empty()) << err;
    }

    // gtlsclient [args] 127.0.0.1 PORT URL, downloading into a fresh dir.
    ClientRun run_client(const std::vector<std::string>& args, const std::string& path, fs::path& dl) const {
        dl = dir_ / ("dl-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
                     std::to_string(runs_++));
        fs::remove_all(dl);
        fs::create_directories(dl);
        std::string cmd = "timeout " + std::to_string(kClientTimeoutSeconds) + " " + client_bin_ +
                          " --exit-on-all-streams-close --no-quic-dump --no-http-dump --download=" + dl.string();
        for (const auto& a : args) cmd += " '" + a + "'";
        cmd += " 127.0.0.1 " + server_.port() + " https://127.0.0.1:" + server_.port() + path + " 2>&1";
        ClientRun r;
        FILE* p = popen(cmd.c_str(), "r");
        if (p == nullptr) return r;
        char buf[1024];
        while (std::fgets(buf, sizeof buf, p)) r.output += buf;
        const int status = pclose(p);
        r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return r;
    }

    // Downloads /1mb.bin and compares it; returns the server's summary line.
    std::string download_and_compare(const std::vector<std::string>& client_args, std::size_t connection_number) {
        fs::path dl;
        const ClientRun r = run_client(client_args, "/1mb.bin", dl);
        EXPECT_EQ(r.exit_code, 0) << tail(r.output);
        // gtlsclient exits 0 even after a failure: the bytes decide.
        EXPECT_TRUE(slurp(dl / "1mb.bin") == slurp(dir_ / "www" / "1mb.bin"))
            << "downloaded file differs (" << (fs::exists(dl / "1mb.bin") ? fs::file_size(dl / "1mb.bin") : 0)
            << " bytes)\n"
            << tail(r.output);
        auto lines = server_.wait_for_lines("qtls: quic accepted: ", connection_number);
        if (lines.size() < connection_number) {
            ADD_FAILURE() << "no summary line for connection " << connection_number;
            return {};
        }
        return lines[connection_number - 1];
    }

    ServerProcess server_;
    static inline std::string client_bin_;
    static inline fs::path dir_;
    static inline std::string pki_dir_;
    static inline bool any_failure_ = false;
    static inline int runs_ = 0;
};

TEST_F(GtlsClientVsQuicServer, Downloads1MBOverH3) {
    start_server();
    const std::string line = download_and_compare({}, 1);
    EXPECT_NE(line.find("version=v1 suite=TLS_AES_128_GCM_SHA256 group=X25519 alpn=h3 resumed=no early-data=none "
                        "retry=no"),
              std::string::npos)
        << line;
}

TEST_F(GtlsClientVsQuicServer, RetryThenDownload) {
    start_server({"--retry"});
    const std::string line = download_and_compare({}, 1);
    EXPECT_NE(line.find("retry=yes"), std::string::npos) << line;
}

TEST_F(GtlsClientVsQuicServer, ChaCha20Poly1305) {
    start_server();
    const std::string line = download_and_compare({kChachaPriority}, 1);
    EXPECT_NE(line.find("suite=TLS_CHACHA20_POLY1305_SHA256"), std::string::npos) << line;
}

TEST_F(GtlsClientVsQuicServer, QuicV2FromTheFirstInitial) {
    start_server();
    const std::string line = download_and_compare({"-v", "v2"}, 1);
    EXPECT_NE(line.find("version=v2"), std::string::npos) << line;
}

// RFC 9368: the client starts in v1 and lists v2; the server prefers v2.
TEST_F(GtlsClientVsQuicServer, CompatibleVersionNegotiationToV2) {
    start_server({"--quic-versions", "v2,v1"});
    const std::string line = download_and_compare({"--available-versions=v1,v2"}, 1);
    EXPECT_NE(line.find("version=v2"), std::string::npos) << line;
}

// Two gtlsclient runs against one server process: the second resumes with
// the first's ticket and sends its request in 0-RTT (RFC 9001 §4.6.1).
TEST_F(GtlsClientVsQuicServer, ResumptionAndZeroRtt) {
    start_server();
    const std::string session = (dir_ / "session.pem").string(), tp = (dir_ / "tp.txt").string();
    fs::remove(session);
    fs::remove(tp);
    const std::vector<std::string> args = {"--wait-for-ticket", "--session-file=" + session, "--tp-file=" + tp};
    const std::string first = download_and_compare(args, 1);
    EXPECT_NE(first.find("resumed=no early-data=none"), std::string::npos) << first;
    ASSERT_TRUE(fs::exists(session) && fs::exists(tp)) << "gtlsclient saved no ticket / transport parameters";
    const std::string second = download_and_compare(args, 2);
    EXPECT_NE(second.find("resumed=yes early-data=accepted"), std::string::npos) << second;
}

}  // namespace
