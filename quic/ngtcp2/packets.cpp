// Packets a server writes without a connection: Retry (RFC 9000 §17.2.5,
// integrity tag RFC 9001 §5.8) and an Initial CONNECTION_CLOSE
// (RFC 9000 §10.2.3) for a client whose token failed validation.
#include "backend.h"

using namespace qtls;
using namespace qtls::ngtcp2_backend;

extern "C" {

ngtcp2_ssize ngtcp2_crypto_write_connection_close(uint8_t* dest, size_t destlen, uint32_t version,
                                                  const ngtcp2_cid* dcid, const ngtcp2_cid* scid, uint64_t error_code,
                                                  const uint8_t* reason, size_t reasonlen) {
    // `scid` is the DCID the client chose, from which Initial keys derive;
    // we send with the server's secret (RFC 9001 §5.2).
    auto secrets = quic::derive_initial_secrets(provider(), static_cast<quic::Version>(version),
                                                ByteView(scid->data, scid->datalen));
    if (!secrets.ok()) return -1;
    auto keys = quic::derive_packet_keys(provider(), static_cast<quic::Version>(version), quic::kInitialSuite,
                                         secrets->server.view());
    if (!keys.ok()) return -1;
    ngtcp2_crypto_ctx ctx{};
    ctx_initial(&ctx);
    ngtcp2_crypto_aead_ctx aead_ctx{};
    ngtcp2_crypto_cipher_ctx hp_ctx{};
    ngtcp2_ssize n = -1;
    if (ngtcp2_crypto_aead_ctx_encrypt_init(&aead_ctx, &ctx.aead, keys->key.data(), kAeadNonceLength) == 0 &&
        cipher_ctx_encrypt_init(&hp_ctx, &ctx.hp, keys->hp.data()) == 0) {
        n = ngtcp2_pkt_write_connection_close(dest, destlen, version, dcid, scid, error_code, reason, reasonlen,
                                              ngtcp2_crypto_encrypt_cb, &ctx.aead, &aead_ctx, keys->iv.data(),
                                              ngtcp2_crypto_hp_mask_cb, &ctx.hp, &hp_ctx);
        if (n < 0) n = -1;
    }
    ngtcp2_crypto_aead_ctx_free(&aead_ctx);
    cipher_ctx_free(&hp_ctx);
    return n;
}

ngtcp2_ssize ngtcp2_crypto_write_retry(uint8_t* dest, size_t destlen, uint32_t version, const ngtcp2_cid* dcid,
                                       const ngtcp2_cid* scid, const ngtcp2_cid* odcid, const uint8_t* token,
                                       size_t tokenlen) {
    const quic::VersionInfo* info = quic::version_info(version);
    if (info == nullptr) info = quic::version_info(quic::Version::v1);
    ngtcp2_crypto_aead aead{};
    aead_retry(&aead);
    ngtcp2_crypto_aead_ctx aead_ctx{};
    if (ngtcp2_crypto_aead_ctx_encrypt_init(&aead_ctx, &aead, info->retry_key.data(), info->retry_nonce.size()) != 0)
        return -1;
    ngtcp2_ssize n = ngtcp2_pkt_write_retry(dest, destlen, version, dcid, scid, odcid, token, tokenlen,
                                            ngtcp2_crypto_encrypt_cb, &aead, &aead_ctx);
    ngtcp2_crypto_aead_ctx_free(&aead_ctx);
    return n < 0 ? -1 : n;
}

}  // extern "C"
