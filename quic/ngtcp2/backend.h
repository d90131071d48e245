// Internals of libngtcp2_crypto_qtls shared by its translation units:
// algorithm descriptors (the native handles of ngtcp2_crypto_{md,aead,
// cipher}), keyed contexts, the TLS object and the hooks the generic code
// calls. Nothing here is exported.
#pragma once

#include <ngtcp2/ngtcp2_crypto.h>

#include <memory>
#include <optional>
#include <string>

#include "ngtcp2_crypto_qtls.h"
#include "qtls/config.h"
#include "qtls/provider.h"
#include "qtls/quic.h"
#include "qtls/quic_crypto.h"

namespace qtls::ngtcp2_backend {

// Static descriptors behind the native handles.
struct MdDesc {
    HashAlg alg;
    std::size_t length;
};
struct AeadDesc {
    AeadAlg alg;
    CipherSuite suite;  // the TLS 1.3 suite that uses this AEAD (RFC 8446 §B.4)
    std::size_t key_length;
};
struct CipherDesc {
    AeadAlg alg;  // header protection follows the AEAD (RFC 9001 §5.4.3, §5.4.4)
};

extern const MdDesc kSha256;
extern const MdDesc kSha384;
extern const AeadDesc kAes128Gcm;
extern const AeadDesc kAes256Gcm;
extern const AeadDesc kChacha20Poly1305;
extern const CipherDesc kHpAes128;
extern const CipherDesc kHpAes256;
extern const CipherDesc kHpChacha20;

inline const MdDesc* md_of(const ngtcp2_crypto_md* md) { return static_cast<const MdDesc*>(md->native_handle); }
inline const AeadDesc* aead_of(const ngtcp2_crypto_aead* a) {
    return static_cast<const AeadDesc*>(a->native_handle);
}
inline const CipherDesc* cipher_of(const ngtcp2_crypto_cipher* c) {
    return static_cast<const CipherDesc*>(c->native_handle);
}

// Keyed contexts behind ngtcp2_crypto_aead_ctx / ngtcp2_crypto_cipher_ctx.
struct AeadCtx {
    std::unique_ptr<AeadContext> aead;
};
struct HpCtx {
    std::unique_ptr<HeaderProtection> hp;
};

// The provider for packet protection (process-wide).
const CryptoProvider& provider();

// ---- hidden hooks (RFC 9001 §5) ----
ngtcp2_crypto_ctx* ctx_initial(ngtcp2_crypto_ctx* ctx);
ngtcp2_crypto_aead* aead_init(ngtcp2_crypto_aead* aead, const AeadDesc* desc);
ngtcp2_crypto_aead* aead_retry(ngtcp2_crypto_aead* aead);
int cipher_ctx_encrypt_init(ngtcp2_crypto_cipher_ctx* ctx, const ngtcp2_crypto_cipher* cipher, const uint8_t* key);
void cipher_ctx_free(ngtcp2_crypto_cipher_ctx* ctx);
// Fills ctx for a negotiated suite; nullptr for a suite we do not know.
ngtcp2_crypto_ctx* ctx_for_suite(ngtcp2_crypto_ctx* ctx, CipherSuite suite);

// Initial keys for `version` from the client's DCID (RFC 9001 §5.2);
// vneg installs the keys of a version being negotiated (RFC 9368 §6).
int install_initial_keys(ngtcp2_conn* conn, uint32_t version, const ngtcp2_cid* client_dcid, bool vneg);

}  // namespace qtls::ngtcp2_backend

// The TLS native handle.
struct ngtcp2_crypto_qtls_session {
    qtls::Side side = qtls::Side::client;
    bool configured = false;
    void* app_data = nullptr;  // ngtcp2_crypto_conn_ref*
    std::shared_ptr<const qtls::ClientConfig> client_config;
    std::string server_name;
    std::shared_ptr<const qtls::ServerConfig> server_config;
    qtls::Bytes local_tp;  // ours, encoded by ngtcp2
    std::unique_ptr<qtls::quic::Session> session;
    ngtcp2_conn* conn = nullptr;  // set while the session is being driven
    bool remote_tp_set = false;
    bool completion_reported = false;
    int tp_error = 0;  // ngtcp2 error from a transport parameter hook
    // 0-RTT (RFC 9001 §4.6): the suite of the early secret (the offered
    // ticket's), for ngtcp2_crypto_ctx_tls_early.
    std::optional<qtls::CipherSuite> early_suite;
    // Client: the ticket taken for this connection before the handshake, and
    // whether 0-RTT was planned with its remembered transport parameters.
    bool resumption_prepared = false;
    bool early_data_planned = false;
    std::optional<qtls::StoredSession> resume_session;
    bool early_rejection_reported = false;
    // Server: application settings appended to the 0-RTT transport
    // parameters in the ticket's early data context (RFC 9001 §4.6.2).
    qtls::Bytes app_early_data_context;
};

namespace qtls::ngtcp2_backend {
// ngtcp2_crypto_qtls_session from the conn's TLS native handle.
ngtcp2_crypto_qtls_session* session_of(ngtcp2_conn* conn);
// Client: our encoded transport parameters, for the ClientHello.
int set_local_transport_params(ngtcp2_crypto_qtls_session* tls, const uint8_t* buf, size_t len);
// Applies the peer's transport parameters once (no-op if already set).
int set_remote_transport_params(ngtcp2_conn* conn, ngtcp2_crypto_qtls_session* tls);
// Server: encodes our transport parameters after the Handshake tx install.
int encode_local_transport_params(ngtcp2_conn* conn, ngtcp2_crypto_qtls_session* tls);

// ---- resumption and 0-RTT (resumption.cpp) ----
// Client, once: takes the ticket for this connection from the session store
// and, when it allows 0-RTT, applies the transport parameters remembered
// with it (RFC 9000 §7.4.1). Returns whether 0-RTT is planned.
bool prepare_client_resumption(ngtcp2_conn* conn, ngtcp2_crypto_qtls_session* tls);
// Server: what its tickets' 0-RTT promise depends on: our 0-RTT transport
// parameters and the application's settings (RFC 9001 §4.6.2).
Bytes server_early_data_context(ngtcp2_conn* conn, const ngtcp2_crypto_qtls_session* tls);
// Client: tells ngtcp2 once that 0-RTT will not be used (rejected by the
// server, or not offered after all), so it drops the early streams.
int report_early_data_rejection(ngtcp2_conn* conn, ngtcp2_crypto_qtls_session* tls);
}  // namespace qtls::ngtcp2_backend
