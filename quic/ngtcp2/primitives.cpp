// The crypto primitives of ngtcp2_crypto.h on qtls's CryptoProvider:
// digests, HKDF (RFC 5869), AEAD packet protection (RFC 9001 §5.3) and
// header protection (RFC 9001 §5.4).
#include <cstring>

#include "backend.h"

using namespace qtls;
using namespace qtls::ngtcp2_backend;

extern "C" {

ngtcp2_crypto_md* ngtcp2_crypto_md_init(ngtcp2_crypto_md* md, void* md_native_handle) {
    md->native_handle = md_native_handle;
    return md;
}

size_t ngtcp2_crypto_md_hashlen(const ngtcp2_crypto_md* md) { return md_of(md)->length; }

size_t ngtcp2_crypto_aead_keylen(const ngtcp2_crypto_aead* aead) { return aead_of(aead)->key_length; }

// RFC 9001 §5.3: every TLS 1.3 AEAD has a 12-byte nonce.
size_t ngtcp2_crypto_aead_noncelen(const ngtcp2_crypto_aead*) { return kAeadNonceLength; }

int ngtcp2_crypto_hkdf_extract(uint8_t* dest, const ngtcp2_crypto_md* md, const uint8_t* secret, size_t secretlen,
                               const uint8_t* salt, size_t saltlen) {
    const MdDesc* d = md_of(md);
    Secret prk = provider().hkdf_extract(d->alg, ByteView(salt, saltlen), ByteView(secret, secretlen));
    if (prk.size() != d->length) return -1;
    std::memcpy(dest, prk.data(), prk.size());
    return 0;
}

int ngtcp2_crypto_hkdf_expand(uint8_t* dest, size_t destlen, const ngtcp2_crypto_md* md, const uint8_t* secret,
                              size_t secretlen, const uint8_t* info, size_t infolen) {
    return provider().hkdf_expand(md_of(md)->alg, ByteView(secret, secretlen), ByteView(info, infolen),
                                  MutableByteView(dest, destlen))
               ? 0
               : -1;
}

int ngtcp2_crypto_hkdf(uint8_t* dest, size_t destlen, const ngtcp2_crypto_md* md, const uint8_t* secret,
                       size_t secretlen, const uint8_t* salt, size_t saltlen, const uint8_t* info, size_t infolen) {
    const MdDesc* d = md_of(md);
    Secret prk = provider().hkdf_extract(d->alg, ByteView(salt, saltlen), ByteView(secret, secretlen));
    if (prk.size() != d->length) return -1;
    return provider().hkdf_expand(d->alg, prk.view(), ByteView(info, infolen), MutableByteView(dest, destlen)) ? 0
                                                                                                               : -1;
}

int ngtcp2_crypto_encrypt(uint8_t* dest, const ngtcp2_crypto_aead*, const ngtcp2_crypto_aead_ctx* aead_ctx,
                          const uint8_t* plaintext, size_t plaintextlen, const uint8_t* nonce, size_t noncelen,
                          const uint8_t* aad, size_t aadlen) {
    auto* ctx = static_cast<AeadCtx*>(aead_ctx->native_handle);
    if (ctx == nullptr) return -1;
    return ctx->aead->seal(ByteView(nonce, noncelen), ByteView(aad, aadlen), ByteView(plaintext, plaintextlen),
                           MutableByteView(dest, plaintextlen + kAeadTagLength))
               ? 0
               : -1;
}

int ngtcp2_crypto_decrypt(uint8_t* dest, const ngtcp2_crypto_aead*, const ngtcp2_crypto_aead_ctx* aead_ctx,
                          const uint8_t* ciphertext, size_t ciphertextlen, const uint8_t* nonce, size_t noncelen,
                          const uint8_t* aad, size_t aadlen) {
    auto* ctx = static_cast<AeadCtx*>(aead_ctx->native_handle);
    if (ctx == nullptr || ciphertextlen < kAeadTagLength) return -1;
    return ctx->aead->open(ByteView(nonce, noncelen), ByteView(aad, aadlen), ByteView(ciphertext, ciphertextlen),
                           MutableByteView(dest, ciphertextlen - kAeadTagLength))
               ? 0
               : -1;
}

// RFC 9001 §5.4.1: 5 mask bytes are used; the rest of the 16 is zeroed.
int ngtcp2_crypto_hp_mask(uint8_t* dest, const ngtcp2_crypto_cipher*, const ngtcp2_crypto_cipher_ctx* hp_ctx,
                          const uint8_t* sample) {
    auto* ctx = static_cast<HpCtx*>(hp_ctx->native_handle);
    if (ctx == nullptr) return -1;
    std::array<std::uint8_t, 5> mask{};
    if (!ctx->hp->mask(ByteView(sample, NGTCP2_HP_SAMPLELEN), mask)) return -1;
    std::memset(dest, 0, NGTCP2_HP_SAMPLELEN);
    std::memcpy(dest, mask.data(), mask.size());
    return 0;
}

static int aead_ctx_init(ngtcp2_crypto_aead_ctx* aead_ctx, const ngtcp2_crypto_aead* aead, const uint8_t* key,
                         size_t noncelen) {
    const AeadDesc* d = aead_of(aead);
    if (noncelen != kAeadNonceLength) return -1;
    auto ctx = provider().aead(d->alg, ByteView(key, d->key_length));
    if (!ctx) return -1;
    aead_ctx->native_handle = new AeadCtx{std::move(ctx)};
    return 0;
}

// One keyed AEAD object serves both directions (AeadContext seals and opens).
int ngtcp2_crypto_aead_ctx_encrypt_init(ngtcp2_crypto_aead_ctx* aead_ctx, const ngtcp2_crypto_aead* aead,
                                        const uint8_t* key, size_t noncelen) {
    return aead_ctx_init(aead_ctx, aead, key, noncelen);
}

int ngtcp2_crypto_aead_ctx_decrypt_init(ngtcp2_crypto_aead_ctx* aead_ctx, const ngtcp2_crypto_aead* aead,
                                        const uint8_t* key, size_t noncelen) {
    return aead_ctx_init(aead_ctx, aead, key, noncelen);
}

void ngtcp2_crypto_aead_ctx_free(ngtcp2_crypto_aead_ctx* aead_ctx) {
    if (aead_ctx == nullptr || aead_ctx->native_handle == nullptr) return;
    delete static_cast<AeadCtx*>(aead_ctx->native_handle);
    aead_ctx->native_handle = nullptr;
}

// RFC 9000 §8.2.1: PATH_CHALLENGE data must be unpredictable.
int ngtcp2_crypto_get_path_challenge_data_cb(ngtcp2_conn*, uint8_t* data, void*) {
    provider().random(MutableByteView(data, NGTCP2_PATH_CHALLENGE_DATALEN));
    return 0;
}

}  // extern "C"
