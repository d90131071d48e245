#include "quic_udp.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace qtls::cli {

std::string SocketAddress::to_string() const {
    char host[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    if (storage.ss_family == AF_INET) {
        auto* a = reinterpret_cast<const sockaddr_in*>(&storage);
        inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
        port = ntohs(a->sin_port);
        return std::string(host) + ":" + std::to_string(port);
    }
    if (storage.ss_family == AF_INET6) {
        auto* a = reinterpret_cast<const sockaddr_in6*>(&storage);
        inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
        port = ntohs(a->sin6_port);
    }
    return "[" + std::string(host) + "]:" + std::to_string(port);
}

bool resolve_udp(const std::string& host, const std::string& port, SocketAddress& out, std::string& error) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* res = nullptr;
    const int rv = getaddrinfo(host.c_str(), port.c_str(), &hints, &res);
    if (rv != 0 || res == nullptr) {
        error = "cannot resolve " + host + ":" + port + ": " + gai_strerror(rv);
        return false;
    }
    std::memcpy(&out.storage, res->ai_addr, res->ai_addrlen);
    out.len = static_cast<socklen_t>(res->ai_addrlen);
    freeaddrinfo(res);
    return true;
}

UdpSocket::UdpSocket(UdpSocket&& other) noexcept : fd_(std::exchange(other.fd_, -1)), local_(other.local_) {}

UdpSocket& UdpSocket::operator=(UdpSocket&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
        local_ = other.local_;
    }
    return *this;
}

UdpSocket::~UdpSocket() {
    if (fd_ >= 0) ::close(fd_);
}

namespace {

int open_nonblocking(int family, std::string& error) {
    const int fd = ::socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) error = std::string("socket: ") + std::strerror(errno);
    return fd;
}

// ::bind or ::connect.
using AttachFn = int (*)(int, const sockaddr*, socklen_t);

// Opens a socket of `addr`'s family into `fd`, binds or connects it to
// `addr` (`what` names the call in errors) and reads back the local address.
bool open_attached(int& fd, SocketAddress& local, const SocketAddress& addr, AttachFn attach, const char* what,
                   std::string& error) {
    fd = open_nonblocking(addr.storage.ss_family, error);
    if (fd < 0) return false;
    if (attach(fd, addr.get(), addr.len) != 0) {
        error = std::string(what) + " " + addr.to_string() + ": " + std::strerror(errno);
        return false;
    }
    local.len = sizeof local.storage;
    if (::getsockname(fd, local.get(), &local.len) != 0) {
        error = std::string("getsockname: ") + std::strerror(errno);
        return false;
    }
    return true;
}

}  // namespace

bool UdpSocket::bind(const std::string& host, const std::string& port, std::string& error) {
    SocketAddress addr;
    if (!resolve_udp(host, port, addr, error)) return false;
    return open_attached(fd_, local_, addr, ::bind, "bind", error);
}

bool UdpSocket::connect(const SocketAddress& remote, std::string& error) {
    return open_attached(fd_, local_, remote, ::connect, "connect", error);
}

bool UdpSocket::send(const std::uint8_t* data, std::size_t len, const SocketAddress* remote) {
    for (;;) {
        const ssize_t n = remote ? ::sendto(fd_, data, len, 0, remote->get(), remote->len) : ::send(fd_, data, len, 0);
        if (n >= 0) return true;
        if (errno == EINTR) continue;
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNREFUSED;
    }
}

long UdpSocket::receive(std::uint8_t* buf, std::size_t cap, SocketAddress& from) {
    for (;;) {
        from.len = sizeof from.storage;
        const ssize_t n = ::recvfrom(fd_, buf, cap, 0, from.get(), &from.len);
        if (n >= 0) return static_cast<long>(n);
        if (errno == EINTR) continue;
        // ECONNREFUSED: an ICMP error for an earlier datagram; QUIC's own
        // timers decide when the peer is gone.
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNREFUSED) return 0;
        return -1;
    }
}

}  // namespace qtls::cli
