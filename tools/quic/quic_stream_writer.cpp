// See quic_stream_writer.h.
#include "quic_stream_writer.h"

#include "quic_common.h"
#include "quic_udp.h"

namespace qtls::cli {

namespace {

// Stream data handed to ngtcp2 per write call.
constexpr std::size_t kMaxWriteVecs = 16;

using Outcome = PacketWriteResult::Outcome;

}  // namespace

PacketWriteResult write_stream_packets(ngtcp2_conn* conn, StreamApp* app, const PacketSender& send) {
    std::uint8_t buf[kMaxUdpPayload];
    ngtcp2_path_storage ps;
    ngtcp2_path_storage_zero(&ps);
    for (;;) {
        std::int64_t stream_id = -1;
        int fin = 0;
        ngtcp2_vec vec[kMaxWriteVecs];
        long veccnt = 0;
        if (app) {
            veccnt = app->pending(stream_id, fin, vec, kMaxWriteVecs);
            if (veccnt < 0) return {Outcome::kAppPendingFailed};
        }
        // WRITE_MORE: coalesce further stream frames into the same packet
        // (ngtcp2 then answers NGTCP2_ERR_WRITE_MORE while there is room).
        std::uint32_t flags = NGTCP2_WRITE_STREAM_FLAG_MORE;
        if (fin) flags |= NGTCP2_WRITE_STREAM_FLAG_FIN;
        ngtcp2_ssize ndatalen = -1;
        ngtcp2_pkt_info pi{};
        const ngtcp2_ssize n = ngtcp2_conn_writev_stream(conn, &ps.path, &pi, buf, sizeof buf, &ndatalen, flags,
                                                         stream_id, vec, static_cast<std::size_t>(veccnt), quic_now());
        if (n < 0) {
            switch (n) {
                case NGTCP2_ERR_STREAM_DATA_BLOCKED:
                    if (app) app->blocked(stream_id);
                    continue;
                case NGTCP2_ERR_STREAM_SHUT_WR:
                    if (app) app->shutdown_write(stream_id);
                    continue;
                case NGTCP2_ERR_WRITE_MORE:
                    if (app && !app->written(stream_id, static_cast<std::size_t>(ndatalen)))
                        return {Outcome::kAppWrittenFailed};
                    continue;
                default:
                    return {Outcome::kConnectionError, static_cast<int>(n)};
            }
        }
        if (ndatalen >= 0 && stream_id >= 0 && app && !app->written(stream_id, static_cast<std::size_t>(ndatalen)))
            return {Outcome::kAppWrittenFailed};
        if (n == 0) return {Outcome::kDone};
        if (!send(buf, static_cast<std::size_t>(n))) return {Outcome::kSendFailed};
    }
}

void send_connection_close(ngtcp2_conn* conn, const ngtcp2_ccerr& ccerr, const PacketSender& send) {
    std::uint8_t buf[kMaxUdpPayload];
    ngtcp2_path_storage ps;
    ngtcp2_path_storage_zero(&ps);
    ngtcp2_pkt_info pi{};
    const ngtcp2_ssize n =
        ngtcp2_conn_write_connection_close(conn, &ps.path, &pi, buf, sizeof buf, &ccerr, quic_now());
    if (n > 0) send(buf, static_cast<std::size_t>(n));
}

}  // namespace qtls::cli
