// `qtls quic-server`: one UDP socket, many QUIC connections (RFC 9000),
// routed by destination connection ID. New connections start at an Initial
// that ngtcp2_accept takes, optionally after a Retry round trip (RFC 9000
// §8.1.2); packets for no connection get a Version Negotiation (§6) or a
// Stateless Reset (§10.3), or are dropped. SIGTERM/SIGINT close every
// connection and end the process with status 0.
#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "qtls/certs.h"
#include "quic_commands.h"
#include "quic_server_connection.h"

namespace qtls::cli {

namespace {

// RFC 9000 §8.1.3: a Retry token proves the client's address this long.
constexpr ngtcp2_duration kRetryTokenLifetime = 10 * NGTCP2_SECONDS;
// Datagrams read per wake-up before timers and other connections get a turn.
constexpr int kMaxDatagramsPerWake = 64;
// RFC 9000 §10.3: a Stateless Reset must be shorter than the packet that
// caused it (so two endpoints cannot loop) and look like a short header
// packet: 1 byte, at least 5 random bytes, the 16-byte token.
constexpr std::size_t kMinStatelessResetLength = 1 + NGTCP2_MIN_STATELESS_RESET_RANDLEN + NGTCP2_STATELESS_RESET_TOKENLEN;
constexpr std::size_t kMaxStatelessResetLength = 64;
// Wake up at least this often even with no timer due.
constexpr int kMaxPollMs = 1000;

std::string cid_key(const ngtcp2_cid& cid) { return std::string(reinterpret_cast<const char*>(cid.data), cid.datalen); }
std::string cid_key(const std::uint8_t* data, std::size_t len) {
    return std::string(reinterpret_cast<const char*>(data), len);
}

class QuicServer {
public:
    explicit QuicServer(const QuicOptions& o) : options_(o) {}
    int run();

private:
    bool setup();
    void on_datagram(const std::uint8_t* data, std::size_t len, const SocketAddress& from);
    void accept(const std::uint8_t* data, std::size_t len, const SocketAddress& from);
    void send_version_negotiation(const ngtcp2_version_cid& vc, const SocketAddress& to);
    void send_retry(const ngtcp2_pkt_hd& hd, const SocketAddress& to);
    void send_stateless_reset(const ngtcp2_version_cid& vc, std::size_t len, const SocketAddress& to);
    void drop(ServerConnection* c);
    bool version_accepted(std::uint32_t version) const {
        return std::find(options_.quic_versions.begin(), options_.quic_versions.end(), version) !=
               options_.quic_versions.end();
    }

    const QuicOptions& options_;
    UdpSocket socket_;
    int signal_fd_ = -1;
    ServerShared shared_;
    std::map<ServerConnection*, std::unique_ptr<ServerConnection>> connections_;
    std::map<std::string, ServerConnection*> routes_;  // CID bytes -> connection
};

bool QuicServer::setup() {
    const QuicOptions& o = options_;
    auto key = load_certified_key(o.cert_file, o.key_file);
    if (!key.ok()) {
        std::fprintf(stderr, "qtls quic-server: cannot load %s / %s: %s\n", o.cert_file.c_str(), o.key_file.c_str(),
                     std::string(key.error().what).c_str());
        return false;
    }
    auto config = std::make_shared<ServerConfig>();
    config->cert_resolver = single_cert_resolver(std::move(key).value());
    config->alpn = o.alpn;
    config->alpn_client_preference = true;  // the contract: the client's first protocol we speak
    if (!o.suites.empty()) config->cipher_suites = o.suites;
    config->keylog = keylog_for(o.keylog_file);
    // RFC 8446 §4.6.1: tickets after every handshake; one ticketer and one
    // strike register for the whole process (RFC 8446 §8.2), so a ticket
    // resumes on a later connection and its 0-RTT is accepted once.
    config->ticketer = rotating_ticketer();
    config->anti_replay = strike_register();
    config->max_early_data = o.server_early_data ? 0xffffffff : 0;  // RFC 9001 §4.6.1
    if (Status s = validate(*config); !s.ok()) {
        std::fprintf(stderr, "qtls quic-server: %s\n", std::string(s.error().what).c_str());
        return false;
    }
    shared_.options = &options_;
    shared_.tls_config = std::move(config);
    shared_.socket = &socket_;
    random_bytes(shared_.static_secret.data(), shared_.static_secret.size());
    shared_.add_cid = [this](const ngtcp2_cid& cid, ServerConnection* c) { routes_[cid_key(cid)] = c; };
    shared_.remove_cid = [this](const ngtcp2_cid& cid) { routes_.erase(cid_key(cid)); };

    // SIGTERM/SIGINT arrive as readable data on a signalfd, so the event
    // loop handles them between datagrams, never inside ngtcp2.
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    if (sigprocmask(SIG_BLOCK, &mask, nullptr) != 0 || (signal_fd_ = signalfd(-1, &mask, SFD_CLOEXEC)) < 0) {
        std::fprintf(stderr, "qtls quic-server: signalfd: %s\n", std::strerror(errno));
        return false;
    }
    std::string error;
    if (!socket_.bind(o.listen, std::to_string(o.port), error)) {
        std::fprintf(stderr, "qtls quic-server: %s\n", error.c_str());
        return false;
    }
    std::fprintf(stderr, "qtls: quic-server listening on %s\n", socket_.local().to_string().c_str());
    return true;
}

void QuicServer::drop(ServerConnection* c) {
    for (auto it = routes_.begin(); it != routes_.end();) it = it->second == c ? routes_.erase(it) : std::next(it);
    connections_.erase(c);
}

void QuicServer::send_version_negotiation(const ngtcp2_version_cid& vc, const SocketAddress& to) {
    std::uint8_t buf[kMaxUdpPayload];
    std::uint8_t unused = 0;
    random_bytes(&unused, 1);
    // RFC 9000 §17.2.1: the CIDs are echoed swapped.
    const ngtcp2_ssize n = ngtcp2_pkt_write_version_negotiation(
        buf, sizeof buf, unused, vc.scid, vc.scidlen, vc.dcid, vc.dcidlen, options_.quic_versions.data(),
        options_.quic_versions.size());
    if (n > 0) socket_.send(buf, static_cast<std::size_t>(n), &to);
}

void QuicServer::send_retry(const ngtcp2_pkt_hd& hd, const SocketAddress& to) {
    const ngtcp2_cid retry_scid = random_cid();
    std::uint8_t token[NGTCP2_CRYPTO_MAX_RETRY_TOKENLEN2];
    const auto& secret = shared_.static_secret;
    const ngtcp2_ssize tokenlen = ngtcp2_crypto_generate_retry_token2(
        token, secret.data(), secret.size(), hd.version, reinterpret_cast<const ngtcp2_sockaddr*>(to.get()), to.len,
        &retry_scid, &hd.dcid, quic_now());
    if (tokenlen < 0) return;
    std::uint8_t buf[kMaxUdpPayload];
    const ngtcp2_ssize n = ngtcp2_crypto_write_retry(buf, sizeof buf, hd.version, &hd.scid, &retry_scid, &hd.dcid,
                                                     token, static_cast<std::size_t>(tokenlen));
    if (n > 0) socket_.send(buf, static_cast<std::size_t>(n), &to);
    if (options_.verbose) std::fprintf(stderr, "qtls: sent Retry to %s\n", to.to_string().c_str());
}

void QuicServer::send_stateless_reset(const ngtcp2_version_cid& vc, std::size_t len, const SocketAddress& to) {
    if (len <= kMinStatelessResetLength) return;  // too short to answer without risking a loop
    ngtcp2_cid dcid;
    ngtcp2_cid_init(&dcid, vc.dcid, vc.dcidlen);
    std::uint8_t token[NGTCP2_STATELESS_RESET_TOKENLEN];
    const auto& secret = shared_.static_secret;
    if (ngtcp2_crypto_generate_stateless_reset_token(token, secret.data(), secret.size(), &dcid) != 0) return;
    const std::size_t total = std::min(len - 1, kMaxStatelessResetLength);
    std::uint8_t rand[kMaxStatelessResetLength];
    const std::size_t randlen = total - 1 - NGTCP2_STATELESS_RESET_TOKENLEN;
    random_bytes(rand, randlen);
    std::uint8_t buf[kMaxStatelessResetLength];
    const ngtcp2_ssize n = ngtcp2_pkt_write_stateless_reset(buf, sizeof buf, token, rand, randlen);
    if (n > 0) socket_.send(buf, static_cast<std::size_t>(n), &to);
}

// A packet for no known connection: RFC 9000 §5.2.2 (server side).
void QuicServer::accept(const std::uint8_t* data, std::size_t len, const SocketAddress& from) {
    NewConnection nc;
    // Only a client Initial of at least 1200 bytes starts a connection
    // (RFC 9000 §14.1); ngtcp2_accept checks that.
    if (ngtcp2_accept(&nc.hd, data, len) != 0) return;
    nc.remote = from;
    nc.local = socket_.local();
    nc.original_dcid = nc.hd.dcid;
    const bool has_retry_token = nc.hd.tokenlen > 0 && nc.hd.token[0] == NGTCP2_CRYPTO_TOKEN_MAGIC_RETRY2;
    if (options_.retry) {
        if (!has_retry_token) {
            send_retry(nc.hd, from);
            return;
        }
        const auto& secret = shared_.static_secret;
        const int rv = ngtcp2_crypto_verify_retry_token2(
            &nc.original_dcid, nc.hd.token, nc.hd.tokenlen, secret.data(), secret.size(), nc.hd.version,
            reinterpret_cast<const ngtcp2_sockaddr*>(from.get()), from.len, &nc.hd.dcid, kRetryTokenLifetime,
            quic_now());
        if (rv != 0) {
            // RFC 9000 §8.1.3: a Retry token we cannot accept ends the attempt
            // with INVALID_TOKEN (a fresh attempt gets a fresh Retry).
            std::uint8_t buf[kMaxUdpPayload];
            const ngtcp2_cid scid = random_cid();
            const ngtcp2_ssize n = ngtcp2_crypto_write_connection_close(
                buf, sizeof buf, nc.hd.version, &nc.hd.scid, &scid, NGTCP2_INVALID_TOKEN, nullptr, 0);
            if (n > 0) socket_.send(buf, static_cast<std::size_t>(n), &from);
            return;
        }
        nc.retried = true;
        nc.retry_scid = nc.hd.dcid;
    }
    auto c = ServerConnection::create(shared_, nc);
    if (!c) return;
    ServerConnection* raw = c.get();
    connections_[raw] = std::move(c);
    if (!raw->on_datagram(data, len, from)) drop(raw);
}

void QuicServer::on_datagram(const std::uint8_t* data, std::size_t len, const SocketAddress& from) {
    ngtcp2_version_cid vc;
    const int rv = ngtcp2_pkt_decode_version_cid(&vc, data, len, kCidLength);
    if (rv == NGTCP2_ERR_VERSION_NEGOTIATION) {
        send_version_negotiation(vc, from);
        return;
    }
    if (rv != 0) return;  // not a QUIC packet we can parse
    if (auto it = routes_.find(cid_key(vc.dcid, vc.dcidlen)); it != routes_.end()) {
        ServerConnection* c = it->second;
        if (!c->on_datagram(data, len, from)) drop(c);
        return;
    }
    const bool long_header = (data[0] & 0x80) != 0;
    if (!long_header) {
        send_stateless_reset(vc, len, from);
        return;
    }
    // A version ngtcp2 knows but --quic-versions excludes (RFC 9000 §6.1).
    if (!version_accepted(vc.version)) {
        send_version_negotiation(vc, from);
        return;
    }
    accept(data, len, from);
}

int QuicServer::run() {
    if (!setup()) return 1;
    static std::uint8_t buf[kMaxUdpReceive];
    for (;;) {
        const ngtcp2_tstamp now = quic_now();
        ngtcp2_tstamp wake = now + static_cast<ngtcp2_tstamp>(kMaxPollMs) * NGTCP2_MILLISECONDS;
        for (const auto& [raw, c] : connections_) wake = std::min(wake, c->expiry());
        const int timeout_ms =
            wake <= now ? 0 : static_cast<int>((wake - now + NGTCP2_MILLISECONDS - 1) / NGTCP2_MILLISECONDS);
        pollfd fds[2] = {{socket_.fd(), POLLIN, 0}, {signal_fd_, POLLIN, 0}};
        if (::poll(fds, 2, timeout_ms) < 0 && errno != EINTR) {
            std::fprintf(stderr, "qtls quic-server: poll: %s\n", std::strerror(errno));
            return 1;
        }
        if (fds[1].revents & POLLIN) {
            signalfd_siginfo info{};
            if (::read(signal_fd_, &info, sizeof info) < 0) info.ssi_signo = SIGTERM;
            std::fprintf(stderr, "qtls: quic-server stopping (%s), closing %zu connection(s)\n",
                         strsignal(static_cast<int>(info.ssi_signo)), connections_.size());
            for (const auto& [raw, c] : connections_) c->close();
            connections_.clear();
            routes_.clear();
            ::close(signal_fd_);
            return 0;
        }
        if (fds[0].revents & POLLIN) {
            for (int i = 0; i < kMaxDatagramsPerWake; ++i) {
                SocketAddress from;
                const long n = socket_.receive(buf, sizeof buf, from);
                if (n < 0) {
                    std::fprintf(stderr, "qtls quic-server: recv: %s\n", std::strerror(errno));
                    break;
                }
                if (n == 0) break;
                on_datagram(buf, static_cast<std::size_t>(n), from);
            }
        }
        std::vector<ServerConnection*> over;
        for (const auto& [raw, c] : connections_)
            if (!c->on_timer()) over.push_back(raw);
        for (ServerConnection* c : over) drop(c);
    }
}

}  // namespace

int run_quic_server(const QuicOptions& o) {
    QuicServer server(o);
    return server.run();
}

}  // namespace qtls::cli
