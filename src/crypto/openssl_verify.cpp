// Signature verification for the TLS 1.3 SignatureSchemes (RFC 8446 §4.2.3)
// with libcrypto, from the signer's DER SubjectPublicKeyInfo.
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>

#include "crypto/openssl_primitives.h"
#include "crypto/openssl_spki_cache.h"
#include "crypto/openssl_util.h"

namespace qtls::crypto::ossl {

namespace {

// RFC 8446 does not fix an RSA size; 2048 bits is the modern floor, but the
// RFC 8448 traces are signed with a 1024-bit key, so the floor is 1024 and
// policy above it belongs to certificate validation. The ceiling bounds the
// cost an attacker-chosen key can impose on a verification.
constexpr int kMinRsaBits = 1024;
constexpr int kMaxRsaBits = 4096;

enum class KeyKind : std::uint8_t { rsa_pkcs1, rsa_pss_rsae, rsa_pss_pss, ecdsa, ed25519 };

struct SchemeInfo {
    SignatureScheme scheme;
    KeyKind kind;
    HashAlg hash;  // unused for Ed25519, which hashes internally (RFC 8032)
    int curve_nid;  // ECDSA only: TLS 1.3 binds the curve to the scheme
};

constexpr SchemeInfo kSchemes[] = {
    {SignatureScheme::rsa_pkcs1_sha256, KeyKind::rsa_pkcs1, HashAlg::sha256, NID_undef},
    {SignatureScheme::rsa_pkcs1_sha384, KeyKind::rsa_pkcs1, HashAlg::sha384, NID_undef},
    {SignatureScheme::rsa_pkcs1_sha512, KeyKind::rsa_pkcs1, HashAlg::sha512, NID_undef},
    {SignatureScheme::ecdsa_secp256r1_sha256, KeyKind::ecdsa, HashAlg::sha256, NID_X9_62_prime256v1},
    {SignatureScheme::ecdsa_secp384r1_sha384, KeyKind::ecdsa, HashAlg::sha384, NID_secp384r1},
    {SignatureScheme::ecdsa_secp521r1_sha512, KeyKind::ecdsa, HashAlg::sha512, NID_secp521r1},
    {SignatureScheme::rsa_pss_rsae_sha256, KeyKind::rsa_pss_rsae, HashAlg::sha256, NID_undef},
    {SignatureScheme::rsa_pss_rsae_sha384, KeyKind::rsa_pss_rsae, HashAlg::sha384, NID_undef},
    {SignatureScheme::rsa_pss_rsae_sha512, KeyKind::rsa_pss_rsae, HashAlg::sha512, NID_undef},
    {SignatureScheme::ed25519, KeyKind::ed25519, HashAlg::sha512, NID_undef},
    {SignatureScheme::rsa_pss_pss_sha256, KeyKind::rsa_pss_pss, HashAlg::sha256, NID_undef},
    {SignatureScheme::rsa_pss_pss_sha384, KeyKind::rsa_pss_pss, HashAlg::sha384, NID_undef},
    {SignatureScheme::rsa_pss_pss_sha512, KeyKind::rsa_pss_pss, HashAlg::sha512, NID_undef},
};

const SchemeInfo* scheme_info(SignatureScheme s) {
    for (const auto& info : kSchemes)
        if (info.scheme == s) return &info;
    return nullptr;
}

// DER is canonical, so the SubjectPublicKeyInfo of an Ed25519 key (RFC 8410
// §4) or of an uncompressed point on a named NIST curve (RFC 5480 §2) is a
// fixed prefix followed by the key bytes. Recognising those prefixes skips
// d2i_PUBKEY, whose OpenSSL 3.0 decoder machinery costs several times the
// verification itself; any other encoding (RSA) goes through d2i_PUBKEY once
// per distinct key (openssl_spki_cache.h).
struct SpkiPrefix {
    std::array<std::uint8_t, 26> bytes;
    std::size_t len;
    std::size_t key_len;
    const char* ec_group;  // nullptr for Ed25519
};

constexpr SpkiPrefix kSpkiPrefixes[] = {
    {{0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00}, 12, 32, nullptr},
    {{0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
      0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00},
     26, 65, "P-256"},
    {{0x30, 0x76, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
      0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22, 0x03, 0x62, 0x00},
     23, 97, "P-384"},
    {{0x30, 0x81, 0x9b, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
      0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23, 0x03, 0x81, 0x86, 0x00},
     25, 133, "P-521"},
};

PkeyPtr parse_spki(ByteView der) {
    for (const auto& pre : kSpkiPrefixes) {
        if (der.size() != pre.len + pre.key_len || !std::equal(pre.bytes.begin(), pre.bytes.begin() + pre.len, der.begin()))
            continue;
        const ByteView key = der.subspan(pre.len);
        if (pre.ec_group == nullptr)
            return PkeyPtr(EVP_PKEY_new_raw_public_key_ex(nullptr, "ED25519", nullptr, key.data(), key.size()));
        // Only the uncompressed form (0x04) fits the fixed length; the import
        // rejects a point that is not on the curve.
        return import_ec_public(pre.ec_group, key);
    }
    if (!fits_int(der.size())) return nullptr;
    return decode_spki_cached(der);
}

// Failures leave entries on libcrypto's per-thread error queue; drop them so
// they cannot be misattributed to a later, unrelated call.
Error fail(Alert alert, std::string_view what) {
    ERR_clear_error();
    return Error{alert, what};
}

int ec_curve_nid(EVP_PKEY* key) {
    char name[64] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_group_name(key, name, sizeof(name), &len) != 1) return NID_undef;
    const int nid = OBJ_txt2nid(name);
    return nid != NID_undef ? nid : EC_curve_nist2nid(name);
}

bool key_fits(const SchemeInfo& info, EVP_PKEY* key) {
    switch (info.kind) {
        case KeyKind::rsa_pkcs1:
        case KeyKind::rsa_pss_rsae:
            // RFC 8446 §4.2.3: rsae schemes use an rsaEncryption key.
            if (EVP_PKEY_is_a(key, "RSA") != 1) return false;
            break;
        case KeyKind::rsa_pss_pss:
            // RFC 8446 §4.2.3: pss schemes use an RSASSA-PSS (id-RSASSA-PSS) key.
            if (EVP_PKEY_is_a(key, "RSA-PSS") != 1) return false;
            break;
        case KeyKind::ecdsa: return EVP_PKEY_is_a(key, "EC") == 1 && ec_curve_nid(key) == info.curve_nid;
        case KeyKind::ed25519: return EVP_PKEY_is_a(key, "ED25519") == 1;
    }
    const int bits = EVP_PKEY_get_bits(key);
    return bits >= kMinRsaBits && bits <= kMaxRsaBits;
}

// RFC 8446 §4.2.3: RSASSA-PSS with MGF1 over the same hash and a salt as
// long as the digest.
bool set_pss(EVP_PKEY_CTX* pctx, const char* md) {
    return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
           EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, md, nullptr) == 1;
}

}  // namespace

Status verify_signature(SignatureScheme scheme, ByteView spki_der, ByteView message, ByteView signature) {
    const SchemeInfo* info = scheme_info(scheme);
    if (info == nullptr) return fail(Alert::illegal_parameter, "unsupported signature scheme");
    PkeyPtr key = parse_spki(spki_der);
    if (!key)
        return fail(Alert::bad_certificate, "malformed SubjectPublicKeyInfo");
    if (!key_fits(*info, key.get())) return fail(Alert::illegal_parameter, "public key does not fit the signature scheme");

    const char* md = info->kind == KeyKind::ed25519 ? nullptr : md_name(info->hash);
    MdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
    if (!ctx || EVP_DigestVerifyInit_ex(ctx.get(), &pctx, md, nullptr, nullptr, key.get(), nullptr) != 1)
        return fail(Alert::illegal_parameter, "public key does not fit the signature scheme");
    const bool pss = info->kind == KeyKind::rsa_pss_rsae || info->kind == KeyKind::rsa_pss_pss;
    // An RSA-PSS key may carry parameter restrictions that forbid ours.
    if (pss && !set_pss(pctx, md)) return fail(Alert::illegal_parameter, "RSA-PSS key parameters do not fit the scheme");

    if (EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(), message.size()) != 1)
        return fail(Alert::decrypt_error, "signature does not verify");
    return {};
}

}  // namespace qtls::crypto::ossl
