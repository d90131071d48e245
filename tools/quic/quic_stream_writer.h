// The packet-writing loop both QUIC tools share: drain an app's pending
// stream data into ngtcp2_conn_writev_stream until ngtcp2 has nothing more
// to send, and the CONNECTION_CLOSE writer (RFC 9000 §10.2). What to do
// about a failure stays with the caller (client and server report and
// close differently).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include <ngtcp2/ngtcp2.h>

#include "quic_app.h"

namespace qtls::cli {

// Sends one UDP datagram; false stops the loop (kSendFailed).
using PacketSender = std::function<bool(const std::uint8_t* data, std::size_t len)>;

struct PacketWriteResult {
    enum class Outcome {
        kDone,              // ngtcp2 has nothing more to send now
        kAppPendingFailed,  // app->pending() failed
        kAppWrittenFailed,  // app->written() could not account for sent data
        kConnectionError,   // ngtcp2 error `liberr`
        kSendFailed,        // the sender returned false
    };
    Outcome outcome = Outcome::kDone;
    int liberr = 0;
};

// `app` may be null (no stream data yet: only handshake, ACK and control
// packets are written).
PacketWriteResult write_stream_packets(ngtcp2_conn* conn, StreamApp* app, const PacketSender& send);

// Writes a CONNECTION_CLOSE carrying `ccerr` and sends it, if ngtcp2
// produces one (not in the closing or draining period).
void send_connection_close(ngtcp2_conn* conn, const ngtcp2_ccerr& ccerr, const PacketSender& send);

}  // namespace qtls::cli
