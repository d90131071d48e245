// An ngtcp2 1.11 client and server in one thread, packets handed over in
// memory under a fixed clock, their TLS from one crypto backend
// (crypto_backend.h). The same loop drives both backends, so the figures
// differ only by the backend.
#pragma once

#include <ngtcp2/ngtcp2.h>
#include <ngtcp2/ngtcp2_crypto.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "quic/crypto_backend.h"

namespace qbench {

// The AEAD and header-protection contexts ngtcp2 used for the client's last
// protected packet: after the handshake, its 1-RTT keys as the backend
// installed them. Valid while the client connection lives.
struct ProtectionKeys {
    ngtcp2_crypto_aead aead{};
    ngtcp2_crypto_aead_ctx aead_ctx{};
    ngtcp2_crypto_cipher hp{};
    ngtcp2_crypto_cipher_ctx hp_ctx{};
    bool seen = false;
};

class QuicPair {
public:
    struct Endpoint {
        QuicPair* pair = nullptr;
        bool server = false;
        ngtcp2_conn* conn = nullptr;
        ngtcp2_crypto_conn_ref ref{};
        std::unique_ptr<QuicTls> tls;
        ngtcp2_sockaddr_in local{}, remote{};
        ngtcp2_path path{};
        bool completed = false;
        bool confirmed = false;
    };

    // `capture`: record the client's packet protection keys (ProtectionKeys).
    explicit QuicPair(CryptoBackend& backend, bool capture = false);
    ~QuicPair();
    QuicPair(const QuicPair&) = delete;
    QuicPair& operator=(const QuicPair&) = delete;

    // Runs until the server completed and the client confirmed the
    // handshake (HANDSHAKE_DONE, RFC 9001 §4.1.2). False on any failure.
    bool handshake();
    std::string describe();
    const ProtectionKeys& client_keys() const { return keys_; }

    // Memory accounting: the connections first, then each TLS object.
    void delete_connections();
    void delete_client_tls();
    void delete_server_tls();

private:
    bool start_client();
    bool accept(const std::uint8_t* pkt, std::size_t len);
    bool send_all(Endpoint& from, Endpoint& to);
    bool deliver(Endpoint& to, const std::uint8_t* pkt, std::size_t len);

    CryptoBackend& backend_;
    bool capture_;
    Endpoint client_, server_;
    ngtcp2_tstamp now_;
    ProtectionKeys keys_;
    std::vector<std::uint8_t> packet_;
};

}  // namespace qbench
