// One connection of `qtls quic-server`: an ngtcp2_conn with the qtls
// backend and the application its ALPN chose. The endpoint
// (quic_server.cpp) owns the socket and routes datagrams here by
// connection ID; the connection tells it which IDs are its own.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <ngtcp2/ngtcp2.h>
#include <ngtcp2/ngtcp2_crypto_qtls.h>

#include "qtls/config.h"
#include "quic_common.h"
#include "quic_options.h"
#include "quic_server_app.h"
#include "quic_stream_writer.h"
#include "quic_udp.h"

namespace qtls::cli {

// RFC 9000 §10.3 / §8.1.4: one secret keys the stateless reset and Retry
// tokens of every connection of the process.
inline constexpr std::size_t kStaticSecretLength = 32;

class ServerConnection;

// What every connection of one server process shares.
struct ServerShared {
    const QuicOptions* options = nullptr;
    // One config for all connections: one ticketer and one anti-replay
    // register, so tickets from one connection resume (and 0-RTT is
    // accepted once) on the next (RFC 8446 §8).
    std::shared_ptr<const ServerConfig> tls_config;
    UdpSocket* socket = nullptr;
    std::array<std::uint8_t, kStaticSecretLength> static_secret{};
    // The routing table: CID -> connection.
    std::function<void(const ngtcp2_cid&, ServerConnection*)> add_cid;
    std::function<void(const ngtcp2_cid&)> remove_cid;
};

// A first Initial that ngtcp2_accept took, after address validation.
struct NewConnection {
    ngtcp2_pkt_hd hd{};
    SocketAddress local;
    SocketAddress remote;
    ngtcp2_cid original_dcid{};        // the client's first DCID (RFC 9000 §7.3)
    bool retried = false;              // the token proved a Retry round trip
    ngtcp2_cid retry_scid{};           // the SCID of our Retry
};

class ServerConnection final : public ServerAppHost {
public:
    // nullptr (with the reason on stderr) when ngtcp2 or TLS refused.
    static std::unique_ptr<ServerConnection> create(ServerShared& shared, const NewConnection& nc);
    ~ServerConnection() override;
    ServerConnection(const ServerConnection&) = delete;
    ServerConnection& operator=(const ServerConnection&) = delete;

    // A datagram for this connection, then whatever it has to send.
    // False: the connection is over and can be dropped.
    bool on_datagram(const std::uint8_t* data, std::size_t len, const SocketAddress& remote);
    // Timers (loss detection, ACK delay, idle) and writes. False: over.
    bool on_timer();
    ngtcp2_tstamp expiry() const { return ngtcp2_conn_get_expiry(conn_); }
    // SIGTERM/SIGINT: close politely (RFC 9000 §10.2, NO_ERROR / H3_NO_ERROR).
    void close();

    // ServerAppHost.
    ngtcp2_conn* conn() override { return conn_; }
    void consume(std::int64_t stream_id, std::size_t n) override;
    const std::string& www_dir() const override { return shared_.options->www_dir; }
    void log_response(const std::string& path, int status, std::size_t bytes) override;

private:
    explicit ServerConnection(ServerShared& shared) : shared_(shared) {}
    bool setup(const NewConnection& nc);
    void install_callbacks(ngtcp2_callbacks& cb);
    bool ensure_app();
    bool write_packets();
    void fail(int liberr);
    void send(const std::uint8_t* data, std::size_t len);
    // send() as the shared writer's PacketSender.
    PacketSender sender();

    static ServerConnection* self(void* user_data) { return static_cast<ServerConnection*>(user_data); }

    ServerShared& shared_;
    SocketAddress local_;
    SocketAddress remote_;
    ngtcp2_path path_{};
    ngtcp2_conn* conn_ = nullptr;
    ngtcp2_crypto_qtls_session* tls_ = nullptr;
    ngtcp2_crypto_conn_ref ref_{[](ngtcp2_crypto_conn_ref* r) { return self(r->user_data)->conn_; }, this};
    QlogFile qlog_;
    std::unique_ptr<ServerApp> app_;
    bool retried_ = false;
    bool summary_printed_ = false;
    bool failed_ = false;
};

}  // namespace qtls::cli
