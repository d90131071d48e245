// Algorithm descriptors and crypto contexts per suite (RFC 9001 §5.3, §5.4,
// §6.6 usage limits).
#include <cstring>

#include "backend.h"

namespace qtls::ngtcp2_backend {

const MdDesc kSha256{HashAlg::sha256, 32};
const MdDesc kSha384{HashAlg::sha384, 48};
const AeadDesc kAes128Gcm{AeadAlg::aes_128_gcm, CipherSuite::aes_128_gcm_sha256, 16};
const AeadDesc kAes256Gcm{AeadAlg::aes_256_gcm, CipherSuite::aes_256_gcm_sha384, 32};
const AeadDesc kChacha20Poly1305{AeadAlg::chacha20_poly1305, CipherSuite::chacha20_poly1305_sha256, 32};
const CipherDesc kHpAes128{AeadAlg::aes_128_gcm};
const CipherDesc kHpAes256{AeadAlg::aes_256_gcm};
const CipherDesc kHpChacha20{AeadAlg::chacha20_poly1305};

namespace {
// RFC 9001 §6.6: confidentiality and integrity limits.
constexpr uint64_t kAesGcmMaxEncryption = uint64_t{1} << 23;
constexpr uint64_t kAesGcmMaxDecryptionFailure = uint64_t{1} << 52;
constexpr uint64_t kChachaMaxEncryption = uint64_t{1} << 62;
constexpr uint64_t kChachaMaxDecryptionFailure = uint64_t{1} << 36;

void set_md(ngtcp2_crypto_md* md, const MdDesc& d) { md->native_handle = const_cast<MdDesc*>(&d); }
void set_cipher(ngtcp2_crypto_cipher* c, const CipherDesc& d) { c->native_handle = const_cast<CipherDesc*>(&d); }
}  // namespace

const CryptoProvider& provider() {
    static const ProviderPtr p = default_provider();
    return *p;
}

ngtcp2_crypto_aead* aead_init(ngtcp2_crypto_aead* aead, const AeadDesc* desc) {
    aead->native_handle = const_cast<AeadDesc*>(desc);
    aead->max_overhead = kAeadTagLength;
    return aead;
}

// RFC 9001 §5.8: Retry integrity uses AEAD_AES_128_GCM.
ngtcp2_crypto_aead* aead_retry(ngtcp2_crypto_aead* aead) { return aead_init(aead, &kAes128Gcm); }

// RFC 9001 §5.2: Initial packets use TLS_AES_128_GCM_SHA256 (no usage limits
// apply to Initial keys here).
ngtcp2_crypto_ctx* ctx_initial(ngtcp2_crypto_ctx* ctx) {
    aead_init(&ctx->aead, &kAes128Gcm);
    set_md(&ctx->md, kSha256);
    set_cipher(&ctx->hp, kHpAes128);
    ctx->max_encryption = 0;
    ctx->max_decryption_failure = 0;
    return ctx;
}

ngtcp2_crypto_ctx* ctx_for_suite(ngtcp2_crypto_ctx* ctx, CipherSuite suite) {
    switch (suite) {
        case CipherSuite::aes_128_gcm_sha256:
            aead_init(&ctx->aead, &kAes128Gcm);
            set_md(&ctx->md, kSha256);
            set_cipher(&ctx->hp, kHpAes128);
            ctx->max_encryption = kAesGcmMaxEncryption;
            ctx->max_decryption_failure = kAesGcmMaxDecryptionFailure;
            return ctx;
        case CipherSuite::aes_256_gcm_sha384:
            aead_init(&ctx->aead, &kAes256Gcm);
            set_md(&ctx->md, kSha384);
            set_cipher(&ctx->hp, kHpAes256);
            ctx->max_encryption = kAesGcmMaxEncryption;
            ctx->max_decryption_failure = kAesGcmMaxDecryptionFailure;
            return ctx;
        case CipherSuite::chacha20_poly1305_sha256:
            aead_init(&ctx->aead, &kChacha20Poly1305);
            set_md(&ctx->md, kSha256);
            set_cipher(&ctx->hp, kHpChacha20);
            ctx->max_encryption = kChachaMaxEncryption;
            ctx->max_decryption_failure = kChachaMaxDecryptionFailure;
            return ctx;
    }
    return nullptr;
}

// RFC 9001 §5.4: the header protection key is the AEAD key length.
int cipher_ctx_encrypt_init(ngtcp2_crypto_cipher_ctx* ctx, const ngtcp2_crypto_cipher* cipher, const uint8_t* key) {
    const CipherDesc* d = cipher_of(cipher);
    const std::size_t keylen = aead_key_length(d->alg);
    auto hp = provider().header_protection(d->alg, ByteView(key, keylen));
    if (!hp) return -1;
    ctx->native_handle = new HpCtx{std::move(hp)};
    return 0;
}

void cipher_ctx_free(ngtcp2_crypto_cipher_ctx* ctx) {
    if (ctx == nullptr || ctx->native_handle == nullptr) return;
    delete static_cast<HpCtx*>(ctx->native_handle);
    ctx->native_handle = nullptr;
}

}  // namespace qtls::ngtcp2_backend

using namespace qtls::ngtcp2_backend;

extern "C" {

void* ngtcp2_crypto_qtls_md_sha256(void) { return const_cast<MdDesc*>(&kSha256); }
void* ngtcp2_crypto_qtls_md_sha384(void) { return const_cast<MdDesc*>(&kSha384); }

}  // extern "C"
