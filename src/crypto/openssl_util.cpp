#include "crypto/openssl_util.h"

#include <openssl/core_names.h>
#include <openssl/param_build.h>

namespace qtls::crypto::ossl {

namespace {
// Function-local statics: initialisation is thread-safe (C++11 "magic
// statics") and happens on first use, after libcrypto has initialised itself.
const EVP_MD* sha256() {
    static const EVP_MD* m = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
    return m;
}
const EVP_MD* sha384() {
    static const EVP_MD* m = EVP_MD_fetch(nullptr, "SHA2-384", nullptr);
    return m;
}
const EVP_MD* sha512() {
    static const EVP_MD* m = EVP_MD_fetch(nullptr, "SHA2-512", nullptr);
    return m;
}
}  // namespace

const EVP_MD* md(HashAlg alg) {
    switch (alg) {
        case HashAlg::sha256: return sha256();
        case HashAlg::sha384: return sha384();
        case HashAlg::sha512: return sha512();
    }
    return nullptr;
}

const char* md_name(HashAlg alg) {
    switch (alg) {
        case HashAlg::sha256: return "SHA2-256";
        case HashAlg::sha384: return "SHA2-384";
        case HashAlg::sha512: return "SHA2-512";
    }
    return nullptr;
}

EVP_MAC* hmac_mac() {
    static EVP_MAC* m = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    return m;
}

const EVP_CIPHER* aead_cipher(AeadAlg alg) {
    static const EVP_CIPHER* aes128 = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
    static const EVP_CIPHER* aes256 = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    static const EVP_CIPHER* chacha = EVP_CIPHER_fetch(nullptr, "ChaCha20-Poly1305", nullptr);
    switch (alg) {
        case AeadAlg::aes_128_gcm: return aes128;
        case AeadAlg::aes_256_gcm: return aes256;
        case AeadAlg::chacha20_poly1305: return chacha;
    }
    return nullptr;
}

const EVP_CIPHER* hp_cipher(AeadAlg alg) {
    static const EVP_CIPHER* aes128 = EVP_CIPHER_fetch(nullptr, "AES-128-ECB", nullptr);
    static const EVP_CIPHER* aes256 = EVP_CIPHER_fetch(nullptr, "AES-256-ECB", nullptr);
    static const EVP_CIPHER* chacha = EVP_CIPHER_fetch(nullptr, "ChaCha20", nullptr);
    switch (alg) {
        case AeadAlg::aes_128_gcm: return aes128;
        case AeadAlg::aes_256_gcm: return aes256;
        case AeadAlg::chacha20_poly1305: return chacha;
    }
    return nullptr;
}

PkeyPtr import_ec_public(const char* group_name, ByteView point) {
    using ParamBldPtr = LibcryptoPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
    using ParamsPtr = LibcryptoPtr<OSSL_PARAM, OSSL_PARAM_free>;
    ParamBldPtr bld(OSSL_PARAM_BLD_new());
    if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group_name, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1)
        return nullptr;
    ParamsPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    EVP_PKEY* out = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &out, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
        return nullptr;
    return PkeyPtr(out);
}

}  // namespace qtls::crypto::ossl
