// A TCP server built from record::Connection and a poll(2) loop on
// 127.0.0.1, under load from many slow clients (a ClientHello prefix, then
// silence) and flooding clients (maximum-size handshake records of garbage,
// reconnecting when thrown out), while honest qtls clients handshake and get
// their data echoed. Every connection's buffers stay under a named bound
// and every honest client completes. All waits are poll deadlines.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <malloc.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <thread>

#include "qtls/record.h"
#include "qtls/socket.h"
#include "record/record_header.h"
#include "support/test_pki.h"

namespace qtls::test {
namespace {

constexpr int kSlowClients = 32;
constexpr int kFloodClients = 8;
constexpr int kHonestClients = 8;
constexpr int kTestDeadlineMs = 30'000;
constexpr int kClientTimeoutMs = 15'000;
// Per connection: one record of input, the output of one flight and the
// retained plaintext (record::Connection keeps no more; see connection.cpp).
constexpr std::size_t kMaxBuffersPerConnection = 4 * record::kMaxRecordLength;
// Whole-process heap growth allowed per connection while the test runs: the
// record buffers, the engine's partial handshake message (at most
// kDefaultMaxHandshakeMessageSize) and the engine's own state; the client
// threads of this process count against it too. (glibc's mallinfo2; under
// AddressSanitizer it reports nothing and the check is vacuous.)
constexpr std::size_t kMaxHeapPerConnection = kMaxBuffersPerConnection + kDefaultMaxHandshakeMessageSize + 32 * 1024;
constexpr std::size_t kMaxHeapGrowth = (kSlowClients + kFloodClients + 2 * kHonestClients) * kMaxHeapPerConnection;

std::size_t heap_in_use() { return mallinfo2().uordblks; }

int connect_to(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        if (fd >= 0) ::close(fd);
        return -1;
    }
    return fd;
}

class FloodServer {
public:
    explicit FloodServer(std::shared_ptr<const ServerConfig> config) : config_(std::move(config)) {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 128) != 0 ||
            ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
            ADD_FAILURE() << "cannot listen on 127.0.0.1:0";
        port_ = ntohs(addr.sin_port);
        if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) ADD_FAILURE() << "pipe2";
        thread_ = std::thread([this] { run(); });
    }
    ~FloodServer() {
        stop();
        ::close(listen_fd_);
        ::close(wake_[0]);
        ::close(wake_[1]);
    }
    void stop() {
        if (!thread_.joinable()) return;
        const char b = 1;
        (void)!::write(wake_[1], &b, 1);
        thread_.join();
    }
    std::uint16_t port() const { return port_; }
    std::size_t max_buffers_seen = 0;
    std::size_t peak_heap = 0;
    std::size_t max_open_seen = 0;
    std::size_t accepted = 0;

private:
    struct Client {
        record::Connection conn;
        bool closing = false;
    };

    void run() {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kTestDeadlineMs);
        std::uint8_t buf[4096];
        while (std::chrono::steady_clock::now() < deadline) {
            std::vector<pollfd> fds = {{wake_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
            for (auto& [fd, c] : clients_)
                fds.push_back({fd, static_cast<short>(POLLIN | (c.conn.wants_write() ? POLLOUT : 0)), 0});
            if (::poll(fds.data(), fds.size(), 100) < 0) continue;
            if (fds[0].revents) return;
            if (fds[1].revents & POLLIN) accept_all();
            for (std::size_t i = 2; i < fds.size(); ++i) {
                if (!fds[i].revents) continue;
                auto it = clients_.find(fds[i].fd);
                if (it == clients_.end()) continue;
                if (!serve(it->first, it->second, buf)) {
                    ::close(it->first);
                    clients_.erase(it);
                }
            }
            std::size_t worst = 0;
            for (auto& [fd, c] : clients_) worst = std::max(worst, c.conn.buffer_capacity());
            max_buffers_seen = std::max(max_buffers_seen, worst);
            max_open_seen = std::max(max_open_seen, clients_.size());
            peak_heap = std::max(peak_heap, heap_in_use());
        }
        ADD_FAILURE() << "server loop hit the test deadline";
    }

    void accept_all() {
        for (;;) {
            const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) return;
            auto conn = record::Connection::server(config_);
            if (!conn.ok()) {
                ::close(fd);
                continue;
            }
            ++accepted;
            clients_.emplace(fd, Client{std::move(conn).value()});
        }
    }

    // One readiness event; false when the connection is finished.
    bool serve(int fd, Client& c, std::uint8_t (&buf)[4096]) {
        for (;;) {
            const MutableByteView space = c.conn.tls_input_space();
            if (space.empty()) break;
            const ssize_t n = ::recv(fd, space.data(), space.size(), 0);
            if (n == 0) return false;
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK) break;
                return false;
            }
            c.conn.tls_input_commit(static_cast<std::size_t>(n));
            if (!c.conn.process().ok()) c.closing = true;
            if (c.closing) break;
        }
        // Echo whatever arrived.
        for (;;) {
            auto got = c.conn.read(buf);
            if (!got.ok() || *got == 0) break;
            if (!c.conn.write(ByteView(buf, *got)).ok()) c.closing = true;
        }
        while (c.conn.wants_write()) {
            const ByteView out = c.conn.pending_tls();
            const ssize_t n = ::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
            if (n <= 0) break;
            c.conn.consume_tls(static_cast<std::size_t>(n));
        }
        return !(c.closing && !c.conn.wants_write()) && c.conn.close_state() != record::CloseState::close_notify_received;
    }

    std::shared_ptr<const ServerConfig> config_;
    int listen_fd_ = -1;
    int wake_[2] = {-1, -1};
    std::uint16_t port_ = 0;
    std::map<int, Client> clients_;
    std::thread thread_;
};

// A real ClientHello record, for the slow clients' prefix.
Bytes client_hello_record() {
    auto cc = std::make_shared<ClientConfig>();
    cc->verifier = test_pki().verifier();
    auto c = record::Connection::client(cc, ClientOptions{"localhost", Transport::tcp, {}});
    EXPECT_TRUE(c.ok() && c->start().ok());
    return Bytes(c->pending_tls().begin(), c->pending_tls().end());
}

// Maximum-size handshake records: a ClientHello header claiming a message
// of nearly 64 KiB, then filler, so the server buffers up to its limits.
void flood(std::uint16_t port, const std::atomic<bool>& stop, std::atomic<std::size_t>& records_sent) {
    Bytes first = {22, 3, 1, 0x40, 0x00, 1, 0x00, 0xf0, 0x00};
    first.resize(record::kRecordHeaderLength + record::kMaxPlaintextFragment, 0x5a);
    Bytes next = {22, 3, 3, 0x40, 0x00};
    next.resize(record::kRecordHeaderLength + record::kMaxPlaintextFragment, 0x5a);
    while (!stop) {
        const int fd = connect_to(port);
        if (fd < 0) return;
        const timeval tv{0, 200'000};
        ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        bool ok = ::send(fd, first.data(), first.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(first.size());
        while (ok && !stop) {
            ok = ::send(fd, next.data(), next.size(), MSG_NOSIGNAL) > 0;
            ++records_sent;
        }
        ::close(fd);
    }
}

bool honest(std::uint16_t port, std::shared_ptr<const ClientConfig> config, int index) {
    const int fd = connect_to(port);
    if (fd < 0) return false;
    auto c = record::Connection::client(config, ClientOptions{"localhost", Transport::tcp, {}});
    bool ok = c.ok() && record::drive_handshake(*c, fd, kClientTimeoutMs).ok();
    const std::string msg = "honest client " + std::to_string(index);
    ok = ok && record::write_all(*c, fd, as_bytes(msg), kClientTimeoutMs).ok();
    std::string echoed;
    while (ok && echoed.size() < msg.size()) {
        std::uint8_t buf[256];
        auto n = record::read_some(*c, fd, buf, kClientTimeoutMs);
        ok = n.ok() && *n > 0;
        if (ok) echoed.append(reinterpret_cast<const char*>(buf), *n);
    }
    ok = ok && echoed == msg;
    if (c.ok()) (void)record::close(*c, fd, 1000);
    ::close(fd);
    return ok;
}

TEST(ServerFlood, SlowAndFloodingClientsDoNotStarveHonestOnesAndMemoryStaysBounded) {
    auto sc = std::make_shared<ServerConfig>();
    sc->cert_resolver = single_cert_resolver(test_pki().leaf(KeyType::ecdsa_p256));
    auto cc = std::make_shared<ClientConfig>();
    cc->verifier = test_pki().verifier();
    const Bytes hello = client_hello_record();
    const std::size_t heap_before = heap_in_use();
    FloodServer server(sc);

    std::vector<int> slow;
    for (int i = 0; i < kSlowClients; ++i) {
        const int fd = connect_to(server.port());
        ASSERT_GE(fd, 0);
        ASSERT_EQ(::send(fd, hello.data(), 10, MSG_NOSIGNAL), 10);  // header and a little, then silence
        slow.push_back(fd);
    }
    std::atomic<bool> stop{false};
    std::atomic<std::size_t> flood_records{0};
    std::vector<std::thread> flooders;
    for (int i = 0; i < kFloodClients; ++i) flooders.emplace_back(flood, server.port(), std::cref(stop), std::ref(flood_records));

    std::atomic<int> completed{0};
    std::vector<std::thread> honest_clients;
    for (int i = 0; i < kHonestClients; ++i)
        honest_clients.emplace_back([&, i] {
            if (honest(server.port(), cc, i)) ++completed;
        });
    for (auto& t : honest_clients) t.join();
    stop = true;
    for (auto& t : flooders) t.join();
    server.stop();
    for (int fd : slow) ::close(fd);

    RecordProperty("accepted", static_cast<int>(server.accepted));
    RecordProperty("flood_records", static_cast<int>(flood_records.load()));
    RecordProperty("max_buffers_per_connection", static_cast<int>(server.max_buffers_seen));
    const std::size_t growth = server.peak_heap > heap_before ? server.peak_heap - heap_before : 0;
    RecordProperty("peak_heap_growth", static_cast<int>(growth));
    EXPECT_LE(growth, kMaxHeapGrowth);
    EXPECT_EQ(completed.load(), kHonestClients);
    EXPECT_GT(flood_records.load(), 0u);
    EXPECT_GE(server.max_open_seen, static_cast<std::size_t>(kSlowClients));
    EXPECT_LE(server.max_buffers_seen, kMaxBuffersPerConnection);
}

}  // namespace
}  // namespace qtls::test
