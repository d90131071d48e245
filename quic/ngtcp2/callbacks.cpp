// The ngtcp2_callbacks entries the backend provides (ngtcp2_crypto.h):
// Initial keys (RFC 9001 §5.2), Retry (RFC 9001 §5.8), compatible version
// negotiation (RFC 9368 §6) and the CRYPTO data path (RFC 9001 §4).
#include "backend.h"

using namespace qtls;
using namespace qtls::ngtcp2_backend;

namespace {
// Encoded transport parameters fit easily (RFC 9000 §18); grown on NOBUF.
constexpr std::size_t kTransportParamsBuffer = 1024;
}  // namespace

extern "C" {

int ngtcp2_crypto_client_initial_cb(ngtcp2_conn* conn, void*) {
    if (install_initial_keys(conn, ngtcp2_conn_get_client_chosen_version(conn), ngtcp2_conn_get_dcid(conn), false) !=
        0)
        return NGTCP2_ERR_CALLBACK_FAILURE;
    ngtcp2_crypto_qtls_session* tls = session_of(conn);
    if (tls == nullptr) return NGTCP2_ERR_CALLBACK_FAILURE;
    Bytes buf(kTransportParamsBuffer);
    const ngtcp2_ssize n = ngtcp2_conn_encode_local_transport_params(conn, buf.data(), buf.size());
    if (n < 0 || set_local_transport_params(tls, buf.data(), static_cast<size_t>(n)) != 0)
        return NGTCP2_ERR_CALLBACK_FAILURE;
    if (ngtcp2_crypto_read_write_crypto_data(conn, NGTCP2_ENCRYPTION_LEVEL_INITIAL, nullptr, 0) != 0)
        return NGTCP2_ERR_CALLBACK_FAILURE;
    return 0;
}

// RFC 9001 §5.2: after a Retry, Initial keys come from the server's new CID.
int ngtcp2_crypto_recv_retry_cb(ngtcp2_conn* conn, const ngtcp2_pkt_hd* hd, void*) {
    return install_initial_keys(conn, ngtcp2_conn_get_client_chosen_version(conn), &hd->scid, false) == 0
               ? 0
               : NGTCP2_ERR_CALLBACK_FAILURE;
}

int ngtcp2_crypto_recv_client_initial_cb(ngtcp2_conn* conn, const ngtcp2_cid* dcid, void*) {
    return install_initial_keys(conn, ngtcp2_conn_get_client_chosen_version(conn), dcid, false) == 0
               ? 0
               : NGTCP2_ERR_CALLBACK_FAILURE;
}

int ngtcp2_crypto_version_negotiation_cb(ngtcp2_conn* conn, uint32_t version, const ngtcp2_cid* client_dcid, void*) {
    return install_initial_keys(conn, version, client_dcid, true) == 0 ? 0 : NGTCP2_ERR_CALLBACK_FAILURE;
}

int ngtcp2_crypto_recv_crypto_data_cb(ngtcp2_conn* conn, ngtcp2_encryption_level encryption_level, uint64_t,
                                      const uint8_t* data, size_t datalen, void*) {
    if (ngtcp2_crypto_read_write_crypto_data(conn, encryption_level, data, datalen) != 0) {
        const int liberr = ngtcp2_conn_get_tls_error(conn);
        return liberr != 0 ? liberr : NGTCP2_ERR_CRYPTO;
    }
    return 0;
}

int ngtcp2_crypto_encrypt_cb(uint8_t* dest, const ngtcp2_crypto_aead* aead, const ngtcp2_crypto_aead_ctx* aead_ctx,
                             const uint8_t* plaintext, size_t plaintextlen, const uint8_t* nonce, size_t noncelen,
                             const uint8_t* aad, size_t aadlen) {
    return ngtcp2_crypto_encrypt(dest, aead, aead_ctx, plaintext, plaintextlen, nonce, noncelen, aad, aadlen) == 0
               ? 0
               : NGTCP2_ERR_CALLBACK_FAILURE;
}

// RFC 9001 §5.5: a packet that fails to decrypt is dropped, not fatal.
int ngtcp2_crypto_decrypt_cb(uint8_t* dest, const ngtcp2_crypto_aead* aead, const ngtcp2_crypto_aead_ctx* aead_ctx,
                             const uint8_t* ciphertext, size_t ciphertextlen, const uint8_t* nonce, size_t noncelen,
                             const uint8_t* aad, size_t aadlen) {
    return ngtcp2_crypto_decrypt(dest, aead, aead_ctx, ciphertext, ciphertextlen, nonce, noncelen, aad, aadlen) == 0
               ? 0
               : NGTCP2_ERR_DECRYPT;
}

int ngtcp2_crypto_hp_mask_cb(uint8_t* dest, const ngtcp2_crypto_cipher* hp, const ngtcp2_crypto_cipher_ctx* hp_ctx,
                             const uint8_t* sample) {
    return ngtcp2_crypto_hp_mask(dest, hp, hp_ctx, sample) == 0 ? 0 : NGTCP2_ERR_CALLBACK_FAILURE;
}

void ngtcp2_crypto_delete_crypto_aead_ctx_cb(ngtcp2_conn*, ngtcp2_crypto_aead_ctx* aead_ctx, void*) {
    ngtcp2_crypto_aead_ctx_free(aead_ctx);
}

void ngtcp2_crypto_delete_crypto_cipher_ctx_cb(ngtcp2_conn*, ngtcp2_crypto_cipher_ctx* cipher_ctx, void*) {
    cipher_ctx_free(cipher_ctx);
}

}  // extern "C"
