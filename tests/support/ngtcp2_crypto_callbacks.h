// The callbacks every ngtcp2 crypto backend supplies (ngtcp2_crypto.h, the
// *_cb functions), as one table, and the one place that puts them into an
// ngtcp2_callbacks. A table rather than direct references so that a backend
// loaded with dlopen() (the QUIC benchmark compares two that export the same
// names) fills it from dlsym(); a program linked against one backend takes
// linked_ngtcp2_crypto_callbacks(). Header-only: the benchmark must never
// reference the ngtcp2_crypto_* symbols itself, and an uncalled inline
// function references nothing.
#pragma once

#include <ngtcp2/ngtcp2.h>
#include <ngtcp2/ngtcp2_crypto.h>

namespace qtls::test {

struct Ngtcp2CryptoCallbacks {
    decltype(&::ngtcp2_crypto_client_initial_cb) client_initial_cb = nullptr;
    decltype(&::ngtcp2_crypto_recv_client_initial_cb) recv_client_initial_cb = nullptr;
    decltype(&::ngtcp2_crypto_recv_crypto_data_cb) recv_crypto_data_cb = nullptr;
    decltype(&::ngtcp2_crypto_encrypt_cb) encrypt_cb = nullptr;
    decltype(&::ngtcp2_crypto_decrypt_cb) decrypt_cb = nullptr;
    decltype(&::ngtcp2_crypto_hp_mask_cb) hp_mask_cb = nullptr;
    decltype(&::ngtcp2_crypto_recv_retry_cb) recv_retry_cb = nullptr;
    decltype(&::ngtcp2_crypto_update_key_cb) update_key_cb = nullptr;
    decltype(&::ngtcp2_crypto_delete_crypto_aead_ctx_cb) delete_crypto_aead_ctx_cb = nullptr;
    decltype(&::ngtcp2_crypto_delete_crypto_cipher_ctx_cb) delete_crypto_cipher_ctx_cb = nullptr;
    decltype(&::ngtcp2_crypto_get_path_challenge_data_cb) get_path_challenge_data_cb = nullptr;
    decltype(&::ngtcp2_crypto_version_negotiation_cb) version_negotiation_cb = nullptr;
};

// The backend this program is linked against.
inline Ngtcp2CryptoCallbacks linked_ngtcp2_crypto_callbacks() {
    Ngtcp2CryptoCallbacks f;
    f.client_initial_cb = ::ngtcp2_crypto_client_initial_cb;
    f.recv_client_initial_cb = ::ngtcp2_crypto_recv_client_initial_cb;
    f.recv_crypto_data_cb = ::ngtcp2_crypto_recv_crypto_data_cb;
    f.encrypt_cb = ::ngtcp2_crypto_encrypt_cb;
    f.decrypt_cb = ::ngtcp2_crypto_decrypt_cb;
    f.hp_mask_cb = ::ngtcp2_crypto_hp_mask_cb;
    f.recv_retry_cb = ::ngtcp2_crypto_recv_retry_cb;
    f.update_key_cb = ::ngtcp2_crypto_update_key_cb;
    f.delete_crypto_aead_ctx_cb = ::ngtcp2_crypto_delete_crypto_aead_ctx_cb;
    f.delete_crypto_cipher_ctx_cb = ::ngtcp2_crypto_delete_crypto_cipher_ctx_cb;
    f.get_path_challenge_data_cb = ::ngtcp2_crypto_get_path_challenge_data_cb;
    f.version_negotiation_cb = ::ngtcp2_crypto_version_negotiation_cb;
    return f;
}

// The crypto part of one side's callbacks: the client starts the handshake
// and handles Retry, the server answers the client's Initial. The rest (rand,
// new connection IDs, handshake events) is the application's.
inline void set_crypto_callbacks(ngtcp2_callbacks& cb, const Ngtcp2CryptoCallbacks& f, bool server) {
    if (server) {
        cb.recv_client_initial = f.recv_client_initial_cb;
    } else {
        cb.client_initial = f.client_initial_cb;
        cb.recv_retry = f.recv_retry_cb;
    }
    cb.recv_crypto_data = f.recv_crypto_data_cb;
    cb.encrypt = f.encrypt_cb;
    cb.decrypt = f.decrypt_cb;
    cb.hp_mask = f.hp_mask_cb;
    cb.update_key = f.update_key_cb;
    cb.delete_crypto_aead_ctx = f.delete_crypto_aead_ctx_cb;
    cb.delete_crypto_cipher_ctx = f.delete_crypto_cipher_ctx_cb;
    cb.get_path_challenge_data = f.get_path_challenge_data_cb;
    cb.version_negotiation = f.version_negotiation_cb;
}

}  // namespace qtls::test
