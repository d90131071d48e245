// Raw public keys (RFC 7250): decoding SubjectPublicKeyInfo from PEM/DER,
// deriving it from a private key, and the pinned-key verifier.
#include "qtls/raw_public_key.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <climits>
#include <string_view>

#include "common/read_file.h"
#include "crypto/libcrypto_ptr.h"
#include "crypto/signer_openssl.h"

namespace qtls {

namespace {

// A SubjectPublicKeyInfo is a few hundred bytes (an RSA-8192 key is ~1.1 KB);
// anything far larger is not a public key file.
constexpr std::size_t kMaxPublicKeyInput = 64 * 1024;

Result<Bytes> spki_of(EVP_PKEY* key) {
    unsigned char* der = nullptr;
    const int len = i2d_PUBKEY(key, &der);
    if (len <= 0) {
        ERR_clear_error();
        return Error{Alert::internal_error, "cannot encode the public key"};
    }
    Bytes out(der, der + len);
    OPENSSL_free(der);
    return out;
}

Result<crypto::PkeyPtr> parse_spki(ByteView in) {
    if (in.empty() || in.size() > kMaxPublicKeyInput) return Error{Alert::bad_certificate, "public key size out of range"};
    const std::string_view text(reinterpret_cast<const char*>(in.data()), in.size());
    crypto::PkeyPtr key;
    if (text.find("-----BEGIN PUBLIC KEY-----") != std::string_view::npos) {
        crypto::BioPtr bio(BIO_new_mem_buf(in.data(), static_cast<int>(in.size())));
        if (bio) key.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    } else {
        const unsigned char* p = in.data();
        key.reset(d2i_PUBKEY(nullptr, &p, static_cast<long>(in.size())));
        // DER must be exactly one SubjectPublicKeyInfo.
        if (key && p != in.data() + in.size()) key.reset();
    }
    ERR_clear_error();
    if (!key) return Error{Alert::bad_certificate, "not a SubjectPublicKeyInfo (PEM PUBLIC KEY or DER)"};
    return key;
}

class PinnedRawPublicKeys final : public RawPublicKeyVerifier {
public:
    explicit PinnedRawPublicKeys(std::vector<Bytes> keys) : keys_(std::move(keys)) {}
    Status verify(ByteView spki, std::string_view) override {
        // Byte equality with a canonical DER encoding: a key re-encoded
        // differently by the peer is not the key we pinned.
        for (const auto& k : keys_)
            if (std::equal(k.begin(), k.end(), spki.begin(), spki.end())) return {};
        return Error{Alert::bad_certificate, "raw public key is not one of the trusted keys"};
    }

private:
    std::vector<Bytes> keys_;
};

}  // namespace

std::string_view to_string(CertificateType type) {
    switch (type) {
        case CertificateType::x509: return "x509";
        case CertificateType::raw_public_key: return "raw-public-key";
    }
    return "unknown";
}

Result<Bytes> decode_raw_public_key(ByteView pem_or_der) {
    QTLS_ASSIGN_OR_RETURN(crypto::PkeyPtr key, parse_spki(pem_or_der));
    return spki_of(key.get());
}

Result<Bytes> load_raw_public_key(const std::string& path) {
    QTLS_ASSIGN_OR_RETURN(Bytes bytes, read_file(path, kMaxPublicKeyInput));
    return decode_raw_public_key(bytes);
}

Result<Bytes> raw_public_key_of_private_key_file(const std::string& path) {
    QTLS_ASSIGN_OR_RETURN(crypto::PkeyPtr key, crypto::decode_private_key_file(path));
    return spki_of(key.get());
}

Result<std::shared_ptr<RawPublicKeyVerifier>> pinned_raw_public_keys(std::vector<Bytes> spkis) {
    if (spkis.empty()) return Error{Alert::internal_error, "no trusted raw public keys"};
    for (auto& k : spkis) {
        // Store the canonical re-encoding, so the comparison above is with
        // what a conforming peer sends.
        QTLS_ASSIGN_OR_RETURN(k, decode_raw_public_key(k));
    }
    return std::shared_ptr<RawPublicKeyVerifier>(std::make_shared<PinnedRawPublicKeys>(std::move(spkis)));
}

Result<std::shared_ptr<const CertifiedKey>> load_certified_raw_public_key(const std::string& key_path) {
    QTLS_ASSIGN_OR_RETURN(crypto::PkeyPtr key, crypto::decode_private_key_file(key_path));
    QTLS_ASSIGN_OR_RETURN(Bytes spki, spki_of(key.get()));
    QTLS_ASSIGN_OR_RETURN(std::shared_ptr<Signer> signer, crypto::make_openssl_signer(std::move(key)));
    auto ck = std::make_shared<CertifiedKey>();
    ck->key = std::move(signer);
    ck->raw_public_key = std::move(spki);
    return std::shared_ptr<const CertifiedKey>(std::move(ck));
}

}  // namespace qtls
