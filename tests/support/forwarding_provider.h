// A CryptoProvider that forwards every primitive to another provider, for
// test and fuzz providers that override one or two primitives (fixed key
// shares, fixed randomness, permissive signature checks) and keep the rest.
#pragma once

#include <utility>

#include "qtls/provider.h"

namespace qtls::test {

class ForwardingProvider : public CryptoProvider {
public:
    explicit ForwardingProvider(ProviderPtr inner) : inner_(std::move(inner)) {}

    std::unique_ptr<HashContext> hash(HashAlg a) const override { return inner_->hash(a); }
    Digest hmac(HashAlg a, ByteView k, ByteView d) const override { return inner_->hmac(a, k, d); }
    Secret hkdf_extract(HashAlg a, ByteView s, ByteView i) const override { return inner_->hkdf_extract(a, s, i); }
    bool hkdf_expand(HashAlg a, ByteView p, ByteView i, MutableByteView o) const override {
        return inner_->hkdf_expand(a, p, i, o);
    }
    std::unique_ptr<AeadContext> aead(AeadAlg a, ByteView k) const override { return inner_->aead(a, k); }
    std::unique_ptr<HeaderProtection> header_protection(AeadAlg a, ByteView k) const override {
        return inner_->header_protection(a, k);
    }
    Result<std::unique_ptr<KeyShare>> generate_key_share(NamedGroup g) const override {
        return inner_->generate_key_share(g);
    }
    Result<std::unique_ptr<KeyShare>> key_share_from_private(NamedGroup g, ByteView k) const override {
        return inner_->key_share_from_private(g, k);
    }
    Status verify_signature(SignatureScheme s, ByteView spki, ByteView m, ByteView sig) const override {
        return inner_->verify_signature(s, spki, m, sig);
    }
    void random(MutableByteView out) const override { inner_->random(out); }

protected:
    const ProviderPtr& inner() const { return inner_; }

private:
    ProviderPtr inner_;
};

}  // namespace qtls::test
