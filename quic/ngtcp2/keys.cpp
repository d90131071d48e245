// Deriving packet protection keys from TLS secrets and installing them in
// the ngtcp2_conn (RFC 9001 §5.1, §5.2), key update (RFC 9001 §6) and the
// transport parameter hooks tied to key installation (RFC 9001 §8.2).
#include <cstring>

#include "backend.h"

using namespace qtls;
using namespace qtls::ngtcp2_backend;

namespace {

constexpr std::size_t kMinIvLength = 8;  // ngtcp2's packet number space needs 8 bytes of IV

void copy_out(uint8_t* dest, ByteView src) {
    if (dest != nullptr) std::memcpy(dest, src.data(), src.size());
}

// The crypto ctx of `level`, set on the conn from TLS on first use.
const ngtcp2_crypto_ctx* level_ctx(ngtcp2_conn* conn, ngtcp2_encryption_level level) {
    void* tls = ngtcp2_conn_get_tls_native_handle(conn);
    if (level == NGTCP2_ENCRYPTION_LEVEL_0RTT) {
        const ngtcp2_crypto_ctx* ctx = ngtcp2_conn_get_0rtt_crypto_ctx(conn);
        if (ctx->aead.native_handle == nullptr) {
            ngtcp2_crypto_ctx fresh{};
            if (ngtcp2_crypto_ctx_tls_early(&fresh, tls) == nullptr) return nullptr;
            ngtcp2_conn_set_0rtt_crypto_ctx(conn, &fresh);
            ctx = ngtcp2_conn_get_0rtt_crypto_ctx(conn);
        }
        return ctx;
    }
    const ngtcp2_crypto_ctx* ctx = ngtcp2_conn_get_crypto_ctx(conn);
    if (ctx->aead.native_handle == nullptr) {
        ngtcp2_crypto_ctx fresh{};
        if (ngtcp2_crypto_ctx_tls(&fresh, tls) == nullptr) return nullptr;
        ngtcp2_conn_set_crypto_ctx(conn, &fresh);
        ctx = ngtcp2_conn_get_crypto_ctx(conn);
    }
    return ctx;
}

int install(ngtcp2_conn* conn, ngtcp2_encryption_level level, bool rx, const uint8_t* secret, size_t secretlen,
            const ngtcp2_crypto_aead_ctx* aead_ctx, const uint8_t* iv, size_t ivlen,
            const ngtcp2_crypto_cipher_ctx* hp_ctx) {
    switch (level) {
        case NGTCP2_ENCRYPTION_LEVEL_HANDSHAKE:
            return rx ? ngtcp2_conn_install_rx_handshake_key(conn, aead_ctx, iv, ivlen, hp_ctx)
                      : ngtcp2_conn_install_tx_handshake_key(conn, aead_ctx, iv, ivlen, hp_ctx);
        case NGTCP2_ENCRYPTION_LEVEL_0RTT:
            return ngtcp2_conn_install_0rtt_key(conn, aead_ctx, iv, ivlen, hp_ctx);
        case NGTCP2_ENCRYPTION_LEVEL_1RTT:
            return rx ? ngtcp2_conn_install_rx_key(conn, secret, secretlen, aead_ctx, iv, ivlen, hp_ctx)
                      : ngtcp2_conn_install_tx_key(conn, secret, secretlen, aead_ctx, iv, ivlen, hp_ctx);
        default:
            return -1;
    }
}

int derive_and_install(ngtcp2_conn* conn, uint8_t* key, uint8_t* iv, uint8_t* hp, ngtcp2_encryption_level level,
                       const uint8_t* secret, size_t secretlen, bool rx) {
    const bool server = ngtcp2_conn_is_server(conn) != 0;
    // 0-RTT keys only ever protect client-to-server packets (RFC 9001 §4.6.1).
    if (level == NGTCP2_ENCRYPTION_LEVEL_0RTT && rx != server) return 0;
    if (level == NGTCP2_ENCRYPTION_LEVEL_INITIAL) return -1;
    ngtcp2_crypto_qtls_session* tls = session_of(conn);
    if (tls == nullptr) return -1;

    // RFC 9001 §8.2: the peer's parameters are applied before the keys that
    // depend on them (the server's negotiated version; the client's 1-RTT).
    const bool need_remote_tp =
        (server && rx && level == NGTCP2_ENCRYPTION_LEVEL_HANDSHAKE && ngtcp2_conn_get_negotiated_version(conn) == 0) ||
        (!server && rx && level == NGTCP2_ENCRYPTION_LEVEL_1RTT) ||
        (server && !rx && level == NGTCP2_ENCRYPTION_LEVEL_1RTT);
    if (need_remote_tp && set_remote_transport_params(conn, tls) != 0) return -1;

    const ngtcp2_crypto_ctx* ctx = level_ctx(conn, level);
    if (ctx == nullptr) return -1;
    // Initial and 0-RTT use the client's chosen version, everything else
    // the negotiated one (RFC 9368 §6).
    const uint32_t version = level == NGTCP2_ENCRYPTION_LEVEL_0RTT ? ngtcp2_conn_get_client_chosen_version(conn)
                                                                   : ngtcp2_conn_get_negotiated_version(conn);
    const AeadDesc* ad = aead_of(&ctx->aead);
    auto keys = quic::derive_packet_keys(provider(), static_cast<quic::Version>(version), ad->suite,
                                         ByteView(secret, secretlen));
    if (!keys.ok()) return -1;
    const size_t ivlen = ngtcp2_crypto_packet_protection_ivlen(&ctx->aead);
    copy_out(key, keys->key.view());
    copy_out(iv, keys->iv);
    copy_out(hp, keys->hp.view());

    ngtcp2_crypto_aead_ctx aead_ctx{};
    ngtcp2_crypto_cipher_ctx hp_ctx{};
    const int arv = rx ? ngtcp2_crypto_aead_ctx_decrypt_init(&aead_ctx, &ctx->aead, keys->key.data(), kAeadNonceLength)
                       : ngtcp2_crypto_aead_ctx_encrypt_init(&aead_ctx, &ctx->aead, keys->key.data(), kAeadNonceLength);
    if (arv != 0 || cipher_ctx_encrypt_init(&hp_ctx, &ctx->hp, keys->hp.data()) != 0 ||
        install(conn, level, rx, secret, secretlen, &aead_ctx, keys->iv.data(), ivlen, &hp_ctx) != 0) {
        ngtcp2_crypto_aead_ctx_free(&aead_ctx);
        cipher_ctx_free(&hp_ctx);
        return -1;
    }

    // The server's Handshake tx install commits its transport parameters;
    // only now are they final for EncryptedExtensions.
    if (server && !rx && level == NGTCP2_ENCRYPTION_LEVEL_HANDSHAKE && encode_local_transport_params(conn, tls) != 0)
        return -1;
    return 0;
}

}  // namespace

namespace qtls::ngtcp2_backend {

int install_initial_keys(ngtcp2_conn* conn, uint32_t version, const ngtcp2_cid* client_dcid, bool vneg) {
    const bool server = ngtcp2_conn_is_server(conn) != 0;
    ngtcp2_crypto_ctx ctx{};
    ctx_initial(&ctx);
    if (!vneg) ngtcp2_conn_set_initial_crypto_ctx(conn, &ctx);

    auto secrets = quic::derive_initial_secrets(provider(), static_cast<quic::Version>(version),
                                                ByteView(client_dcid->data, client_dcid->datalen));
    if (!secrets.ok()) return -1;
    const Secret& rx_secret = server ? secrets->client : secrets->server;
    const Secret& tx_secret = server ? secrets->server : secrets->client;
    auto rx = quic::derive_packet_keys(provider(), static_cast<quic::Version>(version), quic::kInitialSuite,
                                       rx_secret.view());
    auto tx = quic::derive_packet_keys(provider(), static_cast<quic::Version>(version), quic::kInitialSuite,
                                       tx_secret.view());
    if (!rx.ok() || !tx.ok()) return -1;

    ngtcp2_crypto_aead_ctx rx_aead{}, tx_aead{}, retry_aead_ctx{};
    ngtcp2_crypto_cipher_ctx rx_hp{}, tx_hp{};
    auto cleanup = [&] {
        ngtcp2_crypto_aead_ctx_free(&rx_aead);
        ngtcp2_crypto_aead_ctx_free(&tx_aead);
        ngtcp2_crypto_aead_ctx_free(&retry_aead_ctx);
        cipher_ctx_free(&rx_hp);
        cipher_ctx_free(&tx_hp);
    };
    if (ngtcp2_crypto_aead_ctx_decrypt_init(&rx_aead, &ctx.aead, rx->key.data(), kAeadNonceLength) != 0 ||
        ngtcp2_crypto_aead_ctx_encrypt_init(&tx_aead, &ctx.aead, tx->key.data(), kAeadNonceLength) != 0 ||
        cipher_ctx_encrypt_init(&rx_hp, &ctx.hp, rx->hp.data()) != 0 ||
        cipher_ctx_encrypt_init(&tx_hp, &ctx.hp, tx->hp.data()) != 0) {
        cleanup();
        return -1;
    }
    const size_t ivlen = ngtcp2_crypto_packet_protection_ivlen(&ctx.aead);
    const int rv = vneg ? ngtcp2_conn_install_vneg_initial_key(conn, version, &rx_aead, rx->iv.data(), &rx_hp,
                                                               &tx_aead, tx->iv.data(), &tx_hp, ivlen)
                        : ngtcp2_conn_install_initial_key(conn, &rx_aead, rx->iv.data(), &rx_hp, &tx_aead,
                                                          tx->iv.data(), &tx_hp, ivlen);
    if (rv != 0) {
        cleanup();
        return -1;
    }
    // RFC 9001 §5.8: a client verifies Retry integrity with the fixed key of
    // its version.
    if (!server && !vneg && !ngtcp2_conn_after_retry(conn)) {
        const quic::VersionInfo* info = quic::version_info(version);
        if (info == nullptr) info = quic::version_info(quic::Version::v1);
        ngtcp2_crypto_aead retry{};
        aead_retry(&retry);
        if (ngtcp2_crypto_aead_ctx_encrypt_init(&retry_aead_ctx, &retry, info->retry_key.data(),
                                                info->retry_nonce.size()) != 0)
            return -1;
        ngtcp2_conn_set_retry_aead(conn, &retry, &retry_aead_ctx);
    }
    return 0;
}

}  // namespace qtls::ngtcp2_backend

extern "C" {

size_t ngtcp2_crypto_packet_protection_ivlen(const ngtcp2_crypto_aead* aead) {
    const size_t noncelen = ngtcp2_crypto_aead_noncelen(aead);
    return noncelen > kMinIvLength ? noncelen : kMinIvLength;
}

int ngtcp2_crypto_derive_and_install_rx_key(ngtcp2_conn* conn, uint8_t* key, uint8_t* iv, uint8_t* hp,
                                            ngtcp2_encryption_level level, const uint8_t* secret,
                                            size_t secretlen) {
    return derive_and_install(conn, key, iv, hp, level, secret, secretlen, true);
}

int ngtcp2_crypto_derive_and_install_tx_key(ngtcp2_conn* conn, uint8_t* key, uint8_t* iv, uint8_t* hp,
                                            ngtcp2_encryption_level level, const uint8_t* secret,
                                            size_t secretlen) {
    return derive_and_install(conn, key, iv, hp, level, secret, secretlen, false);
}

// RFC 9001 §6.1: the next secrets use the "quic ku" label; header
// protection keys do not change.
int ngtcp2_crypto_update_key(ngtcp2_conn* conn, uint8_t* rx_secret, uint8_t* tx_secret,
                             ngtcp2_crypto_aead_ctx* rx_aead_ctx, uint8_t* rx_key, uint8_t* rx_iv,
                             ngtcp2_crypto_aead_ctx* tx_aead_ctx, uint8_t* tx_key, uint8_t* tx_iv,
                             const uint8_t* current_rx_secret, const uint8_t* current_tx_secret, size_t secretlen) {
    const ngtcp2_crypto_ctx* ctx = ngtcp2_conn_get_crypto_ctx(conn);
    if (ctx->aead.native_handle == nullptr) return -1;
    const auto version = static_cast<quic::Version>(ngtcp2_conn_get_negotiated_version(conn));
    const CipherSuite suite = aead_of(&ctx->aead)->suite;
    auto next_rx = quic::next_traffic_secret(provider(), version, suite, ByteView(current_rx_secret, secretlen));
    auto next_tx = quic::next_traffic_secret(provider(), version, suite, ByteView(current_tx_secret, secretlen));
    if (!next_rx.ok() || !next_tx.ok()) return -1;
    auto rx = quic::derive_packet_keys(provider(), version, suite, next_rx->view());
    auto tx = quic::derive_packet_keys(provider(), version, suite, next_tx->view());
    if (!rx.ok() || !tx.ok()) return -1;
    std::memcpy(rx_secret, next_rx->data(), secretlen);
    std::memcpy(tx_secret, next_tx->data(), secretlen);
    copy_out(rx_key, rx->key.view());
    copy_out(rx_iv, rx->iv);
    copy_out(tx_key, tx->key.view());
    copy_out(tx_iv, tx->iv);
    if (ngtcp2_crypto_aead_ctx_decrypt_init(rx_aead_ctx, &ctx->aead, rx->key.data(), kAeadNonceLength) != 0)
        return -1;
    if (ngtcp2_crypto_aead_ctx_encrypt_init(tx_aead_ctx, &ctx->aead, tx->key.data(), kAeadNonceLength) != 0) {
        ngtcp2_crypto_aead_ctx_free(rx_aead_ctx);
        return -1;
    }
    return 0;
}

int ngtcp2_crypto_update_key_cb(ngtcp2_conn* conn, uint8_t* rx_secret, uint8_t* tx_secret,
                                ngtcp2_crypto_aead_ctx* rx_aead_ctx, uint8_t* rx_iv,
                                ngtcp2_crypto_aead_ctx* tx_aead_ctx, uint8_t* tx_iv,
                                const uint8_t* current_rx_secret, const uint8_t* current_tx_secret, size_t secretlen,
                                void*) {
    uint8_t rx_key[kMaxSecretLength];
    uint8_t tx_key[kMaxSecretLength];
    const int rv = ngtcp2_crypto_update_key(conn, rx_secret, tx_secret, rx_aead_ctx, rx_key, rx_iv, tx_aead_ctx,
                                            tx_key, tx_iv, current_rx_secret, current_tx_secret, secretlen);
    secure_wipe(rx_key, sizeof rx_key);
    secure_wipe(tx_key, sizeof tx_key);
    return rv == 0 ? 0 : NGTCP2_ERR_CALLBACK_FAILURE;
}

}  // extern "C"
