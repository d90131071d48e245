// The socket helpers of qtls/socket.h over a socketpair, blocking and
// non-blocking, with scripted engines keyed from the RFC 8448 trace.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "qtls/record.h"
#include "qtls/socket.h"
#include "record_scripted_engine.h"
#include "record_trace.h"
#include "support/vectors.h"

namespace qtls::record {
namespace {

using test::ScriptedEngine;

constexpr int kTimeout = 5000;

struct SocketPair {
    explicit SocketPair(bool non_blocking) {
        EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
        if (non_blocking)
            for (int fd : fds) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    }
    ~SocketPair() {
        for (int fd : fds)
            if (fd >= 0) ::close(fd);
    }
    int fds[2] = {-1, -1};
};

Connection make(Side side) {
    const auto v = test::load_vector("rfc8448-simple-1rtt");
    auto engine = std::make_unique<ScriptedEngine>(side, side == Side::client ? test::client_script(v) : test::server_script(v));
    return Connection(std::move(engine), openssl_provider());
}

std::string pattern(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('A' + (i * 13 + i / 97) % 26);
    return s;
}

// Reads until close_notify; returns what arrived.
std::string read_to_end(Connection& c, int fd) {
    std::string out;
    Bytes buf(10'000);
    for (;;) {
        auto n = read_some(c, fd, buf, kTimeout);
        EXPECT_TRUE(n.ok()) << (n.ok() ? "" : n.error().what);
        if (!n.ok() || *n == 0) return out;
        out.append(reinterpret_cast<const char*>(buf.data()), *n);
    }
}

void exchange(bool non_blocking) {
    SocketPair sp(non_blocking);
    const std::string request = pattern(300'000);
    std::string server_got;
    std::thread server_thread([&] {
        Connection server = make(Side::server);
        Status st = drive_handshake(server, sp.fds[1], kTimeout);
        ASSERT_TRUE(st.ok()) << st.error().what;
        server_got = read_to_end(server, sp.fds[1]);
        ASSERT_TRUE(write_all(server, sp.fds[1], as_bytes("got " + std::to_string(server_got.size())), kTimeout).ok());
        ASSERT_TRUE(close(server, sp.fds[1], kTimeout).ok());
    });
    Connection client = make(Side::client);
    Status st = drive_handshake(client, sp.fds[0], kTimeout);
    ASSERT_TRUE(st.ok()) << st.error().what;
    st = write_all(client, sp.fds[0], as_bytes(request), kTimeout);
    ASSERT_TRUE(st.ok()) << st.error().what;
    ASSERT_TRUE(close(client, sp.fds[0], kTimeout).ok());
    EXPECT_EQ(read_to_end(client, sp.fds[0]), "got 300000");
    server_thread.join();
    EXPECT_TRUE(server_got == request);
}

TEST(RecordSocket, BlockingExchange) { exchange(false); }
TEST(RecordSocket, NonBlockingExchange) { exchange(true); }

TEST(RecordSocket, EofWithoutCloseNotifyIsAnError) {
    SocketPair sp(true);
    std::thread server_thread([&] {
        Connection server = make(Side::server);
        ASSERT_TRUE(drive_handshake(server, sp.fds[1], kTimeout).ok());
        ASSERT_TRUE(write_all(server, sp.fds[1], as_bytes("cut"), kTimeout).ok());
        ::shutdown(sp.fds[1], SHUT_WR);  // no close_notify
    });
    Connection client = make(Side::client);
    ASSERT_TRUE(drive_handshake(client, sp.fds[0], kTimeout).ok());
    server_thread.join();
    Bytes buf(100);
    auto n = read_some(client, sp.fds[0], buf, kTimeout);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 3u);
    n = read_some(client, sp.fds[0], buf, kTimeout);
    ASSERT_FALSE(n.ok());
    EXPECT_TRUE(is_unexpected_eof(n.error())) << n.error().what;
    EXPECT_EQ(client.close_state(), CloseState::truncated);
}

TEST(RecordSocket, ReadTimesOut) {
    SocketPair sp(false);
    std::thread server_thread([&] {
        Connection server = make(Side::server);
        ASSERT_TRUE(drive_handshake(server, sp.fds[1], kTimeout).ok());
    });
    Connection client = make(Side::client);
    ASSERT_TRUE(drive_handshake(client, sp.fds[0], kTimeout).ok());
    server_thread.join();
    Bytes buf(100);
    auto n = read_some(client, sp.fds[0], buf, 50);
    ASSERT_FALSE(n.ok());
    EXPECT_TRUE(is_timeout(n.error()));
    EXPECT_EQ(client.close_state(), CloseState::open);
}

TEST(RecordSocket, HandshakeTimesOutAgainstASilentPeer) {
    SocketPair sp(false);
    Connection client = make(Side::client);
    Status st = drive_handshake(client, sp.fds[0], 50);
    ASSERT_FALSE(st.ok());
    EXPECT_TRUE(is_timeout(st.error()));
}

TEST(RecordSocket, HandshakeEofIsUnexpectedEof) {
    SocketPair sp(false);
    ::shutdown(sp.fds[1], SHUT_WR);
    Connection client = make(Side::client);
    Status st = drive_handshake(client, sp.fds[0], kTimeout);
    ASSERT_FALSE(st.ok());
    EXPECT_TRUE(is_unexpected_eof(st.error())) << st.error().what;
}

TEST(RecordSocket, FailedHandshakeSendsTheAlert) {
    SocketPair sp(false);
    // A "server" that answers with garbage: the client must report the
    // error and put its alert on the wire.
    const std::uint8_t garbage[] = {0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e, 0x31};  // "HTTP/1.1"
    ASSERT_EQ(::write(sp.fds[1], garbage, sizeof garbage), static_cast<ssize_t>(sizeof garbage));
    Connection client = make(Side::client);
    Status st = drive_handshake(client, sp.fds[0], kTimeout);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().alert, Alert::unexpected_message);
    Bytes got(1000);
    const ssize_t n = ::read(sp.fds[1], got.data(), got.size());
    ASSERT_GT(n, 7);
    // The ClientHello, then a plaintext fatal unexpected_message alert.
    EXPECT_EQ(test::to_hex(ByteView(got.data() + n - 7, 7)), "1503030002020a");
}

}  // namespace
}  // namespace qtls::record
