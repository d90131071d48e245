// Real peer: `openssl s_client` (OpenSSL 3.0, Debian package openssl)
// against a qtls server whose certificate selection and CertificateVerify
// signature are both deferred (qtls/async.h) and answered from the server's
// own loop one iteration after each request, as an application waiting on a
// remote key service would. The listener binds 127.0.0.1:0; s_client runs
// under `timeout`; the server loop waits on the socket with poll() and is
// bounded by a deadline. Fails (never skips) without the openssl program.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "qtls/record.h"
#include "support/temp_dir.h"
#include "support/test_pki.h"

extern char** environ;

namespace qtls {
namespace {

using test::KeyType;
using test::test_pki;

constexpr int kClientTimeoutSeconds = 20;       // `timeout` around s_client
constexpr auto kDeadline = std::chrono::seconds(25);
constexpr int kPollMs = 100;                    // one server loop iteration at most
constexpr int kIterationsBeforeAnswer = 1;      // answers come on a later iteration
constexpr std::size_t kReadChunk = 16 * 1024;

class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd() { reset(); }
    void reset() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool write_all(int fd, ByteView data) {
    while (!data.empty()) {
        const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n <= 0) return false;
        data = data.subspan(static_cast<std::size_t>(n));
    }
    return true;
}

TEST(AsyncOpensslInterop, DeferredSelectAndSignAgainstSClient) {
    ASSERT_EQ(::access("/usr/bin/openssl", X_OK), 0) << "openssl not found: apt-get install -y openssl";
    test::TempDir dir;
    const std::string ca = dir.write("ca.pem", test_pki().ca_pem());
    const std::string input = dir.write("input.txt", "hello async\n");
    const std::string log = dir.path() + "/s_client.log";

    Fd listener(::socket(AF_INET, SOCK_STREAM, 0));
    ASSERT_GE(listener.get(), 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;  // ephemeral
    ASSERT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(listener.get(), 1), 0);
    socklen_t len = sizeof addr;
    ASSERT_EQ(::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len), 0);
    const std::string port = std::to_string(ntohs(addr.sin_port));

    auto config = std::make_shared<ServerConfig>();
    config->deferred.select_certificate = true;
    config->deferred.sign = true;
    auto server = record::Connection::server(config);
    ASSERT_TRUE(server.ok());
    record::Connection& conn = *server;

    // s_client: stdin from the file, stdout and stderr to the log.
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, input.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const std::string connect = "127.0.0.1:" + port;
    const std::string seconds = std::to_string(kClientTimeoutSeconds);
    std::vector<std::string> args = {"timeout", seconds, "openssl", "s_client", "-connect", connect,
                                     "-servername", "localhost", "-verify_hostname", "localhost",
                                     "-tls1_3", "-CAfile", ca, "-verify_return_error", "-ign_eof"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    ASSERT_EQ(posix_spawnp(&pid, "timeout", &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);

    const auto deadline = std::chrono::steady_clock::now() + kDeadline;
    pollfd lp{listener.get(), POLLIN, 0};
    ASSERT_EQ(::poll(&lp, 1, static_cast<int>(std::chrono::milliseconds(kDeadline).count())), 1);
    Fd sock(::accept(listener.get(), nullptr, nullptr));
    ASSERT_GE(sock.get(), 0);

    int requests = 0;
    int waited = 0;
    std::string inbuf, received;
    bool answered_line = false;
    while (std::chrono::steady_clock::now() < deadline) {
        ASSERT_TRUE(write_all(sock.get(), conn.pending_tls()));
        conn.consume_tls(conn.pending_tls().size());
        if (answered_line) break;
        if (const auto& op = conn.pending_operation()) {
            if (waited == 0) ++requests;
            if (waited++ >= kIterationsBeforeAnswer) {
                waited = 0;
                OperationAnswer answer;
                if (const auto* sign = std::get_if<SignRequest>(&op->request))
                    answer = SignAnswer{sign->certificate->key->sign(sign->scheme, sign->input)};
                else
                    answer = CertificateSelectionAnswer{test_pki().leaf(KeyType::ecdsa_p256)};
                Status st = conn.resume(op->id, std::move(answer));
                ASSERT_TRUE(st.ok()) << st.error().what;
                continue;
            }
        }
        if (conn.handshake_complete()) {
            std::uint8_t buf[256];
            for (;;) {
                auto n = conn.read(buf);
                if (!n.ok() || *n == 0) break;
                received.append(reinterpret_cast<const char*>(buf), *n);
            }
            if (received.find('\n') != std::string::npos) {
                std::string line = received.substr(0, received.find('\n'));
                std::string reply(line.rbegin(), line.rend());
                reply += '\n';
                ASSERT_TRUE(conn.write(as_bytes(reply)).ok());
                conn.send_close_notify();
                answered_line = true;
                continue;
            }
        }
        pollfd p{sock.get(), POLLIN, 0};
        if (::poll(&p, 1, kPollMs) == 1) {
            char chunk[kReadChunk];
            const ssize_t n = ::recv(sock.get(), chunk, sizeof chunk, 0);
            ASSERT_GT(n, 0) << "s_client closed early:\n" << slurp(log);
            inbuf.append(chunk, static_cast<std::size_t>(n));
        }
        // Feed what the connection takes (one record at a time; none while
        // an operation is pending and a record already waits).
        while (!inbuf.empty()) {
            auto taken = conn.read_tls(as_bytes(inbuf));
            ASSERT_TRUE(taken.ok()) << taken.error().what;
            inbuf.erase(0, *taken);
            Status st = conn.process();
            ASSERT_TRUE(st.ok()) << st.error().what << "\n" << slurp(log);
            if (*taken == 0) break;
        }
    }
    sock.reset();  // s_client sees the close and exits
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    const std::string out = slurp(log);
    EXPECT_TRUE(answered_line) << out;
    EXPECT_EQ(requests, 2) << "one certificate selection and one signature";
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;
    EXPECT_NE(out.find("Verify return code: 0 (ok)"), std::string::npos) << out;
    EXPECT_NE(out.find("cnysa olleh"), std::string::npos) << out;
    EXPECT_EQ(conn.negotiated().own_signature_scheme, SignatureScheme::ecdsa_secp256r1_sha256);
}

}  // namespace
}  // namespace qtls
