#include "crypto/signer_openssl.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <climits>
#include <string_view>

#include "common/read_file.h"

namespace qtls::crypto {

namespace {

// How each TLS 1.3 scheme is computed (RFC 8446 §4.2.3): the digest, whether
// RSASSA-PSS padding applies, and the digest length (= PSS salt length).
struct SchemeRecipe {
    SignatureScheme scheme;
    int md_nid;  // NID_undef: the scheme hashes internally (Ed25519, RFC 8032)
    bool pss;
    std::size_t hash_len;
};

constexpr SchemeRecipe kRecipes[] = {
    {SignatureScheme::ecdsa_secp256r1_sha256, NID_sha256, false, 32},
    {SignatureScheme::ecdsa_secp384r1_sha384, NID_sha384, false, 48},
    {SignatureScheme::ecdsa_secp521r1_sha512, NID_sha512, false, 64},
    {SignatureScheme::rsa_pss_rsae_sha256, NID_sha256, true, 32},
    {SignatureScheme::rsa_pss_rsae_sha384, NID_sha384, true, 48},
    {SignatureScheme::rsa_pss_rsae_sha512, NID_sha512, true, 64},
    {SignatureScheme::rsa_pss_pss_sha256, NID_sha256, true, 32},
    {SignatureScheme::rsa_pss_pss_sha384, NID_sha384, true, 48},
    {SignatureScheme::rsa_pss_pss_sha512, NID_sha512, true, 64},
    {SignatureScheme::ed25519, NID_undef, false, 0},
};

const SchemeRecipe* recipe_for(SignatureScheme s) {
    for (const auto& r : kRecipes)
        if (r.scheme == s) return &r;
    return nullptr;
}

const EVP_MD* md_for_nid(int nid) {
    switch (nid) {
        case NID_sha256: return EVP_sha256();
        case NID_sha384: return EVP_sha384();
        case NID_sha512: return EVP_sha512();
        default: return nullptr;
    }
}

// RFC 8017 §9.1.1: PSS needs emLen >= hLen + sLen + 2 with emLen =
// ceil((modBits - 1) / 8); TLS 1.3 fixes sLen = hLen.
bool rsa_fits_pss(const EVP_PKEY* key, std::size_t hash_len) {
    const int bits = EVP_PKEY_get_bits(key);
    if (bits <= 1) return false;
    const std::size_t em_len = (static_cast<std::size_t>(bits) - 1 + 7) / 8;
    return em_len >= 2 * hash_len + 2;
}

int digest_nid(const char* name) {
    const EVP_MD* md = EVP_get_digestbyname(name);
    return md ? EVP_MD_get_type(md) : NID_undef;
}

// An RSASSA-PSS key may carry parameters (RFC 4055 §3.1) binding it to one
// digest (libcrypto reports it as mandatory) and one MGF1 digest. TLS 1.3
// needs both to be the same (RFC 8446 §4.2.3), so a restricted key whose
// MGF1 hash differs -- the RFC 4055 default is SHA-1 -- can sign nothing.
// Returns NID_undef for an unrestricted key, -1 for an unusable one.
int pss_restriction_nid(const EVP_PKEY* key) {
    char name[80] = {};
    const int rc = EVP_PKEY_get_default_digest_name(const_cast<EVP_PKEY*>(key), name, sizeof name);
    ERR_clear_error();
    if (rc != 2) return NID_undef;
    const int hash = digest_nid(name);
    char mgf1[80] = {};
    std::size_t len = 0;
    const int mgf1_hash = EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_RSA_MGF1_DIGEST, mgf1, sizeof mgf1,
                                                         &len) == 1
                              ? digest_nid(mgf1)
                              : NID_sha1;
    ERR_clear_error();
    if (hash == NID_undef || mgf1_hash != hash) return -1;
    return hash;
}

void add_pss(const EVP_PKEY* key, std::vector<SignatureScheme>& out,
             std::initializer_list<SignatureScheme> schemes, int only_nid) {
    for (SignatureScheme s : schemes) {
        const SchemeRecipe* r = recipe_for(s);
        if (only_nid != NID_undef && r->md_nid != only_nid) continue;  // also drops all for -1
        if (rsa_fits_pss(key, r->hash_len)) out.push_back(s);
    }
}

int ec_curve_nid(const EVP_PKEY* key) {
    char group[80] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_group_name(key, group, sizeof group, &len) != 1) {
        ERR_clear_error();
        return NID_undef;
    }
    int nid = OBJ_sn2nid(group);
    if (nid == NID_undef) nid = EC_curve_nist2nid(group);
    return nid;
}

int refuse_passphrase(char*, int, int, void*) { return -1; }

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

class OpensslSigner final : public Signer {
public:
    OpensslSigner(PkeyPtr key, std::vector<SignatureScheme> schemes)
        : key_(std::move(key)), schemes_(std::move(schemes)) {}

    std::vector<SignatureScheme> schemes() const override { return schemes_; }

    Result<Bytes> sign(SignatureScheme scheme, ByteView message) override {
        if (std::find(schemes_.begin(), schemes_.end(), scheme) == schemes_.end())
            return Error{Alert::internal_error, "the private key cannot sign with this signature scheme"};
        const SchemeRecipe* r = recipe_for(scheme);
        MdCtxPtr ctx(EVP_MD_CTX_new());
        if (!ctx) return Error{Alert::internal_error, "out of memory"};
        EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
        if (EVP_DigestSignInit(ctx.get(), &pctx, md_for_nid(r->md_nid), nullptr, key_.get()) != 1)
            return fail("signature initialisation failed");
        if (r->pss) {
            // RFC 8446 §4.2.3: RSASSA-PSS with MGF1 over the same digest and a
            // salt as long as the digest output.
            const EVP_MD* md = md_for_nid(r->md_nid);
            if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
                EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
                EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) != 1)
                return fail("cannot configure RSASSA-PSS");
        }
        std::size_t len = 0;
        if (EVP_DigestSign(ctx.get(), nullptr, &len, message.data(), message.size()) != 1)
            return fail("signing failed");
        Bytes sig(len);
        if (EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size()) != 1)
            return fail("signing failed");
        sig.resize(len);  // DER ECDSA signatures are often shorter than the bound
        return sig;
    }

private:
    static Error fail(std::string_view what) {
        ERR_clear_error();
        return Error{Alert::internal_error, what};
    }

    PkeyPtr key_;
    std::vector<SignatureScheme> schemes_;
};

// No passphrase source exists (and prompting on a terminal would hang a
// server), so the message says how to get a key qtls can use.
constexpr std::string_view kEncryptedKey =
    "the private key is encrypted and qtls takes no passphrase; decrypt it first (openssl pkey -in KEY -out KEY.plain)";

Result<PkeyPtr> decode_pem(ByteView in) {
    const std::string_view text(reinterpret_cast<const char*>(in.data()), in.size());
    // PKCS#8 EncryptedPrivateKeyInfo (RFC 5958 §3) or the legacy OpenSSL
    // "Proc-Type: 4,ENCRYPTED" header: no passphrase source exists, so say so
    // instead of failing obscurely (or prompting on a terminal).
    if (contains(text, "-----BEGIN ENCRYPTED PRIVATE KEY-----") || contains(text, "Proc-Type: 4,ENCRYPTED"))
        return Error{Alert::internal_error, kEncryptedKey};
    BioPtr bio(BIO_new_mem_buf(in.data(), static_cast<int>(in.size())));
    if (!bio) return Error{Alert::internal_error, "out of memory"};
    PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_passphrase, nullptr));
    ERR_clear_error();
    if (!key) return Error{Alert::internal_error, "no private key found in PEM input"};
    return key;
}

Result<PkeyPtr> decode_der(ByteView in) {
    const long len = static_cast<long>(in.size());
    // Check for EncryptedPrivateKeyInfo first so the generic decoder never
    // reaches its passphrase path.
    const unsigned char* p = in.data();
    if (X509_SIG* sig = d2i_X509_SIG(nullptr, &p, len)) {
        X509_SIG_free(sig);
        return Error{Alert::internal_error, kEncryptedKey};
    }
    ERR_clear_error();
    p = in.data();
    PkeyPtr key(d2i_AutoPrivateKey(nullptr, &p, len));
    ERR_clear_error();
    if (!key) return Error{Alert::internal_error, "private key is neither PEM nor a valid DER key"};
    if (p != in.data() + in.size()) return Error{Alert::internal_error, "trailing data after the DER private key"};
    return key;
}

}  // namespace

std::vector<SignatureScheme> signature_schemes_for_key(const EVP_PKEY* key) {
    std::vector<SignatureScheme> out;
    if (EVP_PKEY_is_a(key, "RSA-PSS")) {
        // An id-RSASSA-PSS key (RFC 8446 §4.2.3 rsa_pss_pss_*).
        add_pss(key, out,
                {SignatureScheme::rsa_pss_pss_sha256, SignatureScheme::rsa_pss_pss_sha384,
                 SignatureScheme::rsa_pss_pss_sha512},
                pss_restriction_nid(key));
    } else if (EVP_PKEY_is_a(key, "RSA")) {
        // rsaEncryption keys sign only with PSS in TLS 1.3; PKCS#1 v1.5 is
        // for certificates alone (RFC 8446 §4.2.3).
        add_pss(key, out,
                {SignatureScheme::rsa_pss_rsae_sha256, SignatureScheme::rsa_pss_rsae_sha384,
                 SignatureScheme::rsa_pss_rsae_sha512},
                NID_undef);
    } else if (EVP_PKEY_is_a(key, "EC")) {
        // ECDSA schemes bind the curve to the digest (RFC 8446 §4.2.3).
        switch (ec_curve_nid(key)) {
            case NID_X9_62_prime256v1: out.push_back(SignatureScheme::ecdsa_secp256r1_sha256); break;
            case NID_secp384r1: out.push_back(SignatureScheme::ecdsa_secp384r1_sha384); break;
            case NID_secp521r1: out.push_back(SignatureScheme::ecdsa_secp521r1_sha512); break;
            default: break;
        }
    } else if (EVP_PKEY_is_a(key, "ED25519")) {
        out.push_back(SignatureScheme::ed25519);
    }
    return out;
}

Result<std::shared_ptr<Signer>> make_openssl_signer(PkeyPtr key) {
    if (!key) return Error{Alert::internal_error, "no private key"};
    std::vector<SignatureScheme> schemes = signature_schemes_for_key(key.get());
    if (schemes.empty())
        return Error{Alert::internal_error, "private key type cannot produce TLS 1.3 signatures"};
    return std::shared_ptr<Signer>(std::make_shared<OpensslSigner>(std::move(key), std::move(schemes)));
}

Result<PkeyPtr> decode_private_key(ByteView in) {
    if (in.empty()) return Error{Alert::internal_error, "empty private key input"};
    if (in.size() > static_cast<std::size_t>(INT_MAX))  // BIO and d2i lengths are int/long
        return Error{Alert::internal_error, "private key input too large"};
    const std::string_view text(reinterpret_cast<const char*>(in.data()), in.size());
    if (contains(text, "-----BEGIN ")) return decode_pem(in);
    return decode_der(in);
}

Result<PkeyPtr> decode_private_key_file(const std::string& path) {
    QTLS_ASSIGN_OR_RETURN(Bytes bytes, read_file(path));
    Result<PkeyPtr> key = decode_private_key(bytes);
    secure_wipe(bytes.data(), bytes.size());
    return key;
}

}  // namespace qtls::crypto

namespace qtls {

Result<std::shared_ptr<Signer>> load_private_key(ByteView pem_or_der) {
    QTLS_ASSIGN_OR_RETURN(crypto::PkeyPtr key, crypto::decode_private_key(pem_or_der));
    return crypto::make_openssl_signer(std::move(key));
}

Result<std::shared_ptr<Signer>> load_private_key_file(const std::string& path) {
    QTLS_ASSIGN_OR_RETURN(crypto::PkeyPtr key, crypto::decode_private_key_file(path));
    return crypto::make_openssl_signer(std::move(key));
}

}  // namespace qtls
