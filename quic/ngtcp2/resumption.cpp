// Resumption and 0-RTT through ngtcp2 (RFC 9001 §4.5, §4.6): the client
// takes its ticket before the handshake so the transport parameters
// remembered with it (RFC 9000 §7.4.1) bound the 0-RTT data it may send;
// the server seals its own 0-RTT parameters into tickets and accepts 0-RTT
// only while they are unchanged; both report what happened.
#include <algorithm>

#include "backend.h"

using namespace qtls;
using namespace qtls::ngtcp2_backend;

namespace {

// Encoded 0-RTT transport parameters are well under this (RFC 9000 §18.2);
// grown on NOBUF up to kMaxEarlyTransportParams.
constexpr std::size_t kEarlyTransportParamsBuffer = 256;
constexpr std::size_t kMaxEarlyTransportParams = 4096;
// The application settings an app may add to the early data context.
constexpr std::size_t kMaxAppEarlyDataContext = 512;

std::uint64_t now_ms(const ClientConfig& config) { return config.clock ? config.clock() : system_clock_ms(); }

// The conditions under which the client engine offers early data with
// `s` (RFC 8446 §4.2.10; ALPN per RFC 9001 §4.6.1 / RFC 8446 §4.6.1).
bool ticket_allows_early_data(const ClientConfig& config, const StoredSession& s) {
    if (!config.enable_early_data || s.max_early_data == 0 || s.quic_transport_parameters.empty()) return false;
    if (std::find(config.cipher_suites.begin(), config.cipher_suites.end(), s.suite) == config.cipher_suites.end())
        return false;
    const std::uint64_t now = now_ms(config);
    if (now < s.received_at_ms || now - s.received_at_ms >= std::uint64_t{s.lifetime_s} * 1000) return false;
    return s.alpn.empty() ? config.alpn.empty() : (!config.alpn.empty() && config.alpn.front() == s.alpn);
}

}  // namespace

namespace qtls::ngtcp2_backend {

bool prepare_client_resumption(ngtcp2_conn* conn, ngtcp2_crypto_qtls_session* tls) {
    if (tls->resumption_prepared) return tls->early_data_planned;
    tls->resumption_prepared = true;
    const ClientConfig& config = *tls->client_config;
    if (!config.session_store || tls->server_name.empty()) return false;
    std::optional<StoredSession> s = config.session_store->take(tls->server_name);
    if (!s) return false;
    if (ticket_allows_early_data(config, *s)) {
        const Bytes& tp = s->quic_transport_parameters;
        // ngtcp2 keeps only the parameters RFC 9000 §7.4.1 lets a client
        // remember; if they do not decode, resume without 0-RTT.
        if (ngtcp2_conn_decode_and_set_0rtt_transport_params(conn, tp.data(), tp.size()) == 0)
            tls->early_data_planned = true;
    }
    if (!tls->early_data_planned) s->max_early_data = 0;  // the engine then offers no early data
    tls->resume_session = std::move(s);
    return tls->early_data_planned;
}

Bytes server_early_data_context(ngtcp2_conn* conn, const ngtcp2_crypto_qtls_session* tls) {
    Bytes context;
    for (std::size_t size = kEarlyTransportParamsBuffer; size <= kMaxEarlyTransportParams; size *= 4) {
        context.assign(size, 0);
        const ngtcp2_ssize n = ngtcp2_conn_encode_0rtt_transport_params(conn, context.data(), context.size());
        if (n == NGTCP2_ERR_NOBUF) continue;
        // Without our parameters no ticket can promise 0-RTT safely: an
        // empty context never matches a later connection's real one.
        if (n < 0) return {};
        context.resize(static_cast<std::size_t>(n));
        break;
    }
    context.insert(context.end(), tls->app_early_data_context.begin(), tls->app_early_data_context.end());
    return context;
}

int report_early_data_rejection(ngtcp2_conn* conn, ngtcp2_crypto_qtls_session* tls) {
    if (tls->early_rejection_reported) return 0;
    tls->early_rejection_reported = true;
    const int rv = ngtcp2_conn_tls_early_data_rejected(conn);
    if (rv != 0) ngtcp2_conn_set_tls_error(conn, rv);
    return rv == 0 ? 0 : -1;
}

}  // namespace qtls::ngtcp2_backend

extern "C" {

int ngtcp2_crypto_qtls_client_session_prepare_resumption(ngtcp2_crypto_qtls_session* session, ngtcp2_conn* conn) {
    if (session == nullptr || conn == nullptr || session->side != Side::client || session->session) return -1;
    return prepare_client_resumption(conn, session) ? 1 : 0;
}

int ngtcp2_crypto_qtls_server_session_set_early_data_context(ngtcp2_crypto_qtls_session* session,
                                                             const uint8_t* data, size_t datalen) {
    if (session == nullptr || session->side != Side::server || session->session ||
        datalen > kMaxAppEarlyDataContext || (data == nullptr && datalen > 0))
        return -1;
    session->app_early_data_context.assign(data, data + datalen);
    return 0;
}

ngtcp2_crypto_qtls_early_data_status ngtcp2_crypto_qtls_session_get_early_data_status(
    ngtcp2_crypto_qtls_session* session) {
    if (session == nullptr || !session->session) return NGTCP2_CRYPTO_QTLS_EARLY_DATA_NONE;
    const quic::Session& s = *session->session;
    if (s.early_data_accepted()) return NGTCP2_CRYPTO_QTLS_EARLY_DATA_ACCEPTED;
    if (s.early_data_rejected()) return NGTCP2_CRYPTO_QTLS_EARLY_DATA_REJECTED;
    if (s.negotiated().early_data_offered) return NGTCP2_CRYPTO_QTLS_EARLY_DATA_PENDING;
    return NGTCP2_CRYPTO_QTLS_EARLY_DATA_NONE;
}

int ngtcp2_crypto_qtls_session_get_resumed(ngtcp2_crypto_qtls_session* session) {
    return session != nullptr && session->session && session->session->resumed() ? 1 : 0;
}

}  // extern "C"
