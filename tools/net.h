// Plain TCP sockets for the CLI: connect with a timeout, listen (port 0
// picks an ephemeral port), and HOST:PORT parsing ([v6]:port too).
#pragma once

#include <string>

namespace qtls::cli {

struct HostPort {
    std::string host;
    std::string port;
};

bool split_host_port(const std::string& s, HostPort& out);
// Returns a connected fd, or -1 with `error` set.
int connect_tcp(const HostPort& hp, int timeout_ms, std::string& error);
// Returns a listening fd, or -1 with `error` set.
int listen_tcp(const HostPort& hp, std::string& error);
// "HOST:PORT" the socket is bound to.
std::string local_address(int fd);
// Waits for a connection; -1 with `error` on failure or timeout (timeout_ms < 0: forever).
int accept_tcp(int listen_fd, int timeout_ms, std::string& error);

// Closes a connected socket without losing data the peer has not read yet:
// half-close, then read (and discard) until the peer's EOF or the timeout,
// so unread input never turns the close into a reset (RFC 7230 §6.6 calls
// this a lingering close).
void lingering_close(int fd, int timeout_ms);

}  // namespace qtls::cli
