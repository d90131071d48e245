// UDP sockets for the QUIC tools: bind (port 0 picks an ephemeral port) or
// connect, non-blocking, with the addresses ngtcp2 needs for its paths.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include <ngtcp2/ngtcp2.h>

namespace qtls::cli {

// RFC 9000 §14: a UDP payload of at least 1200 bytes must be supported; the
// tools send at most this much per datagram (fits a 1500-byte Ethernet MTU
// with IPv6 and UDP headers).
inline constexpr std::size_t kMaxUdpPayload = 1452;
// The largest datagram we read (RFC 9000 §18.2 max_udp_payload_size limit).
inline constexpr std::size_t kMaxUdpReceive = 65527;

struct SocketAddress {
    sockaddr_storage storage{};
    socklen_t len = 0;

    sockaddr* get() { return reinterpret_cast<sockaddr*>(&storage); }
    const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
    ngtcp2_addr as_ngtcp2() { return {reinterpret_cast<ngtcp2_sockaddr*>(&storage), len}; }
    // "ADDR:PORT" ("[v6]:PORT" for IPv6).
    std::string to_string() const;
};

// Resolves HOST (name or literal) and PORT for UDP.
bool resolve_udp(const std::string& host, const std::string& port, SocketAddress& out, std::string& error);

class UdpSocket {
public:
    UdpSocket() = default;
    UdpSocket(const UdpSocket&) = delete;
    UdpSocket& operator=(const UdpSocket&) = delete;
    UdpSocket(UdpSocket&& other) noexcept;
    UdpSocket& operator=(UdpSocket&& other) noexcept;
    ~UdpSocket();

    // A server socket bound to host:port (port "0": ephemeral).
    bool bind(const std::string& host, const std::string& port, std::string& error);
    // A client socket connected to `remote` (so ICMP errors reach us).
    bool connect(const SocketAddress& remote, std::string& error);

    int fd() const { return fd_; }
    const SocketAddress& local() const { return local_; }

    // Sends one datagram (to `remote`, or to the connected peer when null).
    // A transient failure (EAGAIN, ECONNREFUSED) counts as sent: QUIC
    // recovers lost datagrams itself.
    bool send(const std::uint8_t* data, std::size_t len, const SocketAddress* remote = nullptr);
    // Receives one datagram without blocking; returns its size, 0 when none
    // is waiting, -1 on a hard error. `from` gets the sender.
    long receive(std::uint8_t* buf, std::size_t cap, SocketAddress& from);

private:
    int fd_ = -1;
    SocketAddress local_;
};

}  // namespace qtls::cli
