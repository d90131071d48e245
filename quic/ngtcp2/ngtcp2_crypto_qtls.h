/*
 * libngtcp2_crypto_qtls: the qtls TLS 1.3 engine as an ngtcp2 (1.11) crypto
 * backend. It implements every function of <ngtcp2/ngtcp2_crypto.h> and the
 * qtls-specific entry points below.
 *
 * Usage (client; the server is the same with the server functions):
 *
 *   ngtcp2_crypto_conn_ref ref = {get_conn, app};   // stable address
 *   ngtcp2_conn_client_new(&conn, ...);              // callbacks from ngtcp2_crypto.h
 *   ngtcp2_crypto_qtls_session *tls =
 *       ngtcp2_crypto_qtls_client_session_new(config, "example.com");
 *   ngtcp2_crypto_qtls_configure_client_session(tls);
 *   ngtcp2_crypto_qtls_session_set_app_data(tls, &ref);
 *   ngtcp2_conn_set_tls_native_handle(conn, tls);
 *   ...
 *   ngtcp2_conn_del(conn); ngtcp2_crypto_qtls_session_del(tls);
 *
 * Resumption and 0-RTT (RFC 9001 §4.5, §4.6):
 * - Server: set ServerConfig::ticketer (shared by every connection of the
 *   process, with ServerConfig::anti_replay) and ServerConfig::max_early_data
 *   (any nonzero value; QUIC tickets always say 0xffffffff).  Tickets need no
 *   call: they leave as 1-RTT CRYPTO data right after the client's Finished
 *   (ngtcp2_conn_submit_crypto_data at NGTCP2_ENCRYPTION_LEVEL_1RTT).  Each
 *   ticket carries the server's 0-RTT transport parameters
 *   (ngtcp2_conn_encode_0rtt_transport_params) plus optional application
 *   settings (ngtcp2_crypto_qtls_server_session_set_early_data_context);
 *   0-RTT is accepted only when those and the ALPN are unchanged, and only
 *   then is the 0-RTT rx key installed.
 * - Client: set ClientConfig::session_store (tickets are put there as they
 *   arrive, with the server's transport parameters; wrap the store to learn
 *   when a ticket arrived or to persist it) and, for 0-RTT,
 *   ClientConfig::enable_early_data.  Before the first
 *   ngtcp2_conn_write_pkt call
 *   ngtcp2_crypto_qtls_client_session_prepare_resumption: it takes the
 *   ticket and applies its remembered transport parameters, so on 1 the
 *   application may open streams and write 0-RTT data at once.  If 0-RTT is
 *   rejected the backend calls ngtcp2_conn_tls_early_data_rejected (ngtcp2
 *   fires tls_early_data_rejected and drops the streams; send again in
 *   1-RTT).  ngtcp2_crypto_qtls_session_get_early_data_status and
 *   ngtcp2_crypto_qtls_session_get_resumed tell what happened.
 *
 * Native handles:
 * - TLS native handle (ngtcp2_conn_set_tls_native_handle, ctx_tls): an
 *   ngtcp2_crypto_qtls_session*.
 * - ngtcp2_crypto_md.native_handle, ngtcp2_crypto_aead.native_handle and
 *   ngtcp2_crypto_cipher.native_handle point to static, immutable qtls
 *   algorithm descriptors; ngtcp2_crypto_md_init accepts only pointers
 *   obtained from ngtcp2_crypto_qtls_md_sha256/_sha384.
 * - ngtcp2_crypto_aead_ctx / ngtcp2_crypto_cipher_ctx native handles are
 *   heap-allocated keyed contexts owned by ngtcp2 once installed.
 * - Packet protection uses qtls::default_provider() (libcrypto/libsodium);
 *   the handshake uses the provider of the qtls config.
 */
#ifndef NGTCP2_CRYPTO_QTLS_H
#define NGTCP2_CRYPTO_QTLS_H

#include <ngtcp2/ngtcp2.h>

#ifdef __cplusplus
#  include <memory>
#  include <string_view>

namespace qtls {
struct ClientConfig;
struct ServerConfig;
namespace quic {
class Session;
}
}  // namespace qtls

extern "C" {
#endif /* defined(__cplusplus) */

/* One QUIC connection's TLS object (the TLS native handle). */
typedef struct ngtcp2_crypto_qtls_session ngtcp2_crypto_qtls_session;

/* The encryption levels of qtls::quic::Level (same numeric values). */
typedef enum ngtcp2_crypto_qtls_level {
  NGTCP2_CRYPTO_QTLS_LEVEL_INITIAL = 0,
  NGTCP2_CRYPTO_QTLS_LEVEL_EARLY_DATA = 1,
  NGTCP2_CRYPTO_QTLS_LEVEL_HANDSHAKE = 2,
  NGTCP2_CRYPTO_QTLS_LEVEL_APPLICATION = 3
} ngtcp2_crypto_qtls_level;

/* Level translation (as the GnuTLS backend offers for its levels). */
NGTCP2_EXTERN ngtcp2_encryption_level
ngtcp2_crypto_qtls_from_qtls_level(ngtcp2_crypto_qtls_level qtls_level);
NGTCP2_EXTERN ngtcp2_crypto_qtls_level
ngtcp2_crypto_qtls_from_ngtcp2_encryption_level(
  ngtcp2_encryption_level encryption_level);

/*
 * Configure |session| for the client (server) side of a QUIC connection:
 * QUIC mode (TLS 1.3 only, no middlebox compatibility, no EndOfEarlyData,
 * KeyUpdate rejected, ALPN mandatory), the quic_transport_parameters
 * extension fed from and to the ngtcp2_conn, secrets installed through
 * ngtcp2_crypto_derive_and_install_{rx,tx}_key, handshake bytes submitted
 * with ngtcp2_conn_submit_crypto_data and alerts reported with
 * ngtcp2_conn_set_tls_alert.  The application must set a pointer to an
 * ngtcp2_crypto_conn_ref as app data (ngtcp2_crypto_qtls_session_set_app_data)
 * whose get_conn returns the connection.  Returns 0, or -1 when |session|
 * was created for the other side.
 */
NGTCP2_EXTERN int
ngtcp2_crypto_qtls_configure_client_session(ngtcp2_crypto_qtls_session *session);
NGTCP2_EXTERN int
ngtcp2_crypto_qtls_configure_server_session(ngtcp2_crypto_qtls_session *session);

/* App data: must be an ngtcp2_crypto_conn_ref* for the hooks to find the conn. */
NGTCP2_EXTERN void
ngtcp2_crypto_qtls_session_set_app_data(ngtcp2_crypto_qtls_session *session,
                                        void *app_data);
NGTCP2_EXTERN void *
ngtcp2_crypto_qtls_session_get_app_data(ngtcp2_crypto_qtls_session *session);

NGTCP2_EXTERN void
ngtcp2_crypto_qtls_session_del(ngtcp2_crypto_qtls_session *session);

/* Negotiated values (0 / empty before they are known). */
NGTCP2_EXTERN uint16_t
ngtcp2_crypto_qtls_session_get_cipher_suite(ngtcp2_crypto_qtls_session *session);
NGTCP2_EXTERN uint16_t
ngtcp2_crypto_qtls_session_get_group(ngtcp2_crypto_qtls_session *session);
/* Writes a pointer to the ALPN (not NUL-terminated) and its length. */
NGTCP2_EXTERN void
ngtcp2_crypto_qtls_session_get_alpn(ngtcp2_crypto_qtls_session *session,
                                    const uint8_t **alpn, size_t *alpnlen);
/* The TLS alert that ended the handshake, or 0. */
NGTCP2_EXTERN uint8_t
ngtcp2_crypto_qtls_session_get_alert(ngtcp2_crypto_qtls_session *session);
/* Nonzero once the TLS handshake has completed. */
NGTCP2_EXTERN int
ngtcp2_crypto_qtls_session_get_handshake_completed(
  ngtcp2_crypto_qtls_session *session);

/* 0-RTT as this side saw it. */
typedef enum ngtcp2_crypto_qtls_early_data_status {
  NGTCP2_CRYPTO_QTLS_EARLY_DATA_NONE = 0,     /* not offered (by the client) */
  NGTCP2_CRYPTO_QTLS_EARLY_DATA_PENDING = 1,  /* client: offered, no answer yet */
  NGTCP2_CRYPTO_QTLS_EARLY_DATA_ACCEPTED = 2,
  NGTCP2_CRYPTO_QTLS_EARLY_DATA_REJECTED = 3
} ngtcp2_crypto_qtls_early_data_status;
NGTCP2_EXTERN ngtcp2_crypto_qtls_early_data_status
ngtcp2_crypto_qtls_session_get_early_data_status(
  ngtcp2_crypto_qtls_session *session);
/* Nonzero when the handshake resumed a session (a PSK from a ticket). */
NGTCP2_EXTERN int
ngtcp2_crypto_qtls_session_get_resumed(ngtcp2_crypto_qtls_session *session);

/*
 * Client, optional, after ngtcp2_conn_set_tls_native_handle and before the
 * first ngtcp2_conn_write_pkt: takes the newest ticket for the server name
 * from the config's session_store and, when it allows 0-RTT (early data
 * enabled, same ALPN, fresh, suite offered), applies the server transport
 * parameters remembered with it to |conn|
 * (ngtcp2_conn_decode_and_set_0rtt_transport_params, RFC 9000 §7.4.1).
 * Returns 1 when the ClientHello will offer 0-RTT (streams may be opened
 * and written now), 0 when it will not (the ticket, if any, still resumes),
 * -1 when |session| is not a client session that has not started.  Without
 * this call the same happens when the handshake starts.
 */
NGTCP2_EXTERN int ngtcp2_crypto_qtls_client_session_prepare_resumption(
  ngtcp2_crypto_qtls_session *session, ngtcp2_conn *conn);

/*
 * Server, optional, before the handshake: application settings that 0-RTT
 * depends on (e.g. HTTP/3 SETTINGS, RFC 9114 §7.2.4.2), at most 512 bytes,
 * sealed into tickets with the 0-RTT transport parameters; a later
 * connection accepts 0-RTT only with the same bytes.  Returns 0 or -1.
 */
NGTCP2_EXTERN int ngtcp2_crypto_qtls_server_session_set_early_data_context(
  ngtcp2_crypto_qtls_session *session, const uint8_t *data, size_t datalen);

/* Native handles for ngtcp2_crypto_md_init. */
NGTCP2_EXTERN void *ngtcp2_crypto_qtls_md_sha256(void);
NGTCP2_EXTERN void *ngtcp2_crypto_qtls_md_sha384(void);

#ifdef __cplusplus
}

/*
 * C++ construction from qtls configurations (qtls/config.h). The config is
 * shared and must not change afterwards.  |server_name| is the SNI and the
 * name the server certificate must match.  ALPN comes from the config and
 * is mandatory for QUIC.  Returns nullptr when the config is invalid.
 */
NGTCP2_EXTERN ngtcp2_crypto_qtls_session *
ngtcp2_crypto_qtls_client_session_new(std::shared_ptr<const qtls::ClientConfig> config,
                                      std::string_view server_name);
NGTCP2_EXTERN ngtcp2_crypto_qtls_session *
ngtcp2_crypto_qtls_server_session_new(std::shared_ptr<const qtls::ServerConfig> config);
/* The underlying qtls QUIC session once the handshake started, else nullptr. */
NGTCP2_EXTERN const qtls::quic::Session *
ngtcp2_crypto_qtls_session_get_quic_session(ngtcp2_crypto_qtls_session *session);
#endif /* defined(__cplusplus) */

#endif /* !defined(NGTCP2_CRYPTO_QTLS_H) */
