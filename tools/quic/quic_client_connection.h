// One QUIC client connection of `qtls quic-client`: a connected UDP socket,
// an ngtcp2_conn with the qtls backend, and an application (HTTP/3 or
// hq-interop) that fetches a list of requests, all under one deadline.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <ngtcp2/ngtcp2.h>
#include <ngtcp2/ngtcp2_crypto_qtls.h>

#include "qtls/config.h"
#include "quic_client_app.h"
#include "quic_common.h"
#include "quic_options.h"
#include "quic_udp.h"

namespace qtls::cli {

// Counts the tickets the TLS engine stores, so a connection can wait for
// one before it closes (--resume).
class TicketCountingStore final : public ClientSessionStore {
public:
    TicketCountingStore() : inner_(memory_session_store()) {}
    void put(const std::string& server_name, StoredSession session) override {
        ++stored_;
        inner_->put(server_name, std::move(session));
    }
    std::optional<StoredSession> take(const std::string& server_name) override { return inner_->take(server_name); }
    std::uint64_t stored() const { return stored_; }

private:
    std::shared_ptr<ClientSessionStore> inner_;
    std::uint64_t stored_ = 0;
};

// What every connection of one run shares.
struct ClientRun {
    const QuicOptions* options = nullptr;
    std::shared_ptr<const ClientConfig> tls_config;
    std::shared_ptr<TicketCountingStore> tickets;
    std::string server_name;
    SocketAddress remote;
    ngtcp2_tstamp deadline = 0;
};

struct ConnectionPlan {
    std::vector<Request*> requests;
    bool wait_for_ticket = false;  // --resume: keep going until a ticket arrived
};

struct ConnectionOutcome {
    bool handshake_ok = false;
    bool ticket_received = false;
};

// Runs one connection to completion. When the config's session store holds
// a ticket the connection resumes; with ClientConfig::enable_early_data and
// a ticket that allows it, the requests go out in 0-RTT. (every request done, or a failure, or
// the deadline). Returns false when the connection itself failed; per-request
// results are in the Requests.
bool run_client_connection(const ClientRun& run, const ConnectionPlan& plan, ConnectionOutcome& outcome);

}  // namespace qtls::cli
