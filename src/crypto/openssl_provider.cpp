// The libcrypto (OpenSSL 3 EVP) CryptoProvider: implements every primitive.
#include <openssl/rand.h>

#include <cstdlib>

#include "crypto/openssl_primitives.h"
#include "crypto/openssl_util.h"

namespace qtls {

namespace {

class OpensslProvider final : public CryptoProvider {
public:
    std::string_view name() const override { return "openssl"; }

    std::unique_ptr<HashContext> hash(HashAlg alg) const override { return crypto::ossl::new_hash(alg); }
    Digest hmac(HashAlg alg, ByteView key, ByteView data) const override {
        return crypto::ossl::hmac(alg, key, data);
    }
    Secret hkdf_extract(HashAlg alg, ByteView salt, ByteView ikm) const override {
        return crypto::ossl::hkdf_extract(alg, salt, ikm);
    }
    bool hkdf_expand(HashAlg alg, ByteView prk, ByteView info, MutableByteView out) const override {
        return crypto::ossl::hkdf_expand(alg, prk, info, out);
    }

    std::unique_ptr<AeadContext> aead(AeadAlg alg, ByteView key) const override {
        return crypto::ossl::new_aead(alg, key);
    }
    std::unique_ptr<HeaderProtection> header_protection(AeadAlg alg, ByteView key) const override {
        return crypto::ossl::new_header_protection(alg, key);
    }

    Result<std::unique_ptr<KeyShare>> generate_key_share(NamedGroup group) const override {
        return crypto::ossl::generate_key_share(group);
    }
    Result<std::unique_ptr<KeyShare>> key_share_from_private(NamedGroup group, ByteView private_key) const override {
        return crypto::ossl::key_share_from_private(group, private_key);
    }

    Status verify_signature(SignatureScheme scheme, ByteView spki_der, ByteView message,
                            ByteView signature) const override {
        return crypto::ossl::verify_signature(scheme, spki_der, message, signature);
    }

    void random(MutableByteView out) const override {
        if (out.empty()) return;
        // There is no safe fallback for a failed CSPRNG (RFC 8446 Appendix C.1
        // requires unpredictable randoms and keys): stop rather than hand out
        // predictable bytes.
        if (!crypto::ossl::fits_int(out.size()) || RAND_bytes(out.data(), static_cast<int>(out.size())) != 1)
            std::abort();
    }
};

}  // namespace

ProviderPtr openssl_provider() {
    static const ProviderPtr instance = std::make_shared<const OpensslProvider>();
    return instance;
}

}  // namespace qtls
