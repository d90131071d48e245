// Ephemeral key shares for X25519 (RFC 7748) and the NIST curves P-256 and
// P-384 (RFC 8446 §4.2.8.2, §7.4) with libcrypto.
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include <algorithm>
#include <array>

#include "crypto/openssl_primitives.h"
#include "crypto/openssl_util.h"
#include "qtls/secret.h"

namespace qtls::crypto::ossl {

namespace {

constexpr std::size_t kX25519Length = 32;  // RFC 7748 §6.1
// RFC 8446 §4.2.8.2: UncompressedPointRepresentation, legacy_form = 4.
constexpr std::uint8_t kUncompressedForm = 0x04;
constexpr std::size_t kMaxEcPointLength = 1 + 2 * 48;  // P-384

using BnPtr = LibcryptoPtr<BIGNUM, BN_clear_free>;
using EcGroupPtr = LibcryptoPtr<EC_GROUP, EC_GROUP_free>;
using EcPointPtr = LibcryptoPtr<EC_POINT, EC_POINT_free>;
using ParamBldPtr = LibcryptoPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using ParamsPtr = LibcryptoPtr<OSSL_PARAM, OSSL_PARAM_free>;

constexpr Error kBadShare{Alert::illegal_parameter, "invalid key_share public value"};
constexpr Error kInternal{Alert::internal_error, "key share operation failed in libcrypto"};

struct EcCurve {
    int nid;
    const char* name;
    std::size_t coord_len;  // field element size in bytes
};

const EcCurve* ec_curve(NamedGroup g) {
    static constexpr EcCurve kP256{NID_X9_62_prime256v1, "P-256", 32};
    static constexpr EcCurve kP384{NID_secp384r1, "P-384", 48};
    if (g == NamedGroup::secp256r1) return &kP256;
    if (g == NamedGroup::secp384r1) return &kP384;
    return nullptr;
}

// (EC)DH between our key and an already validated peer key. Validation is
// not repeated inside libcrypto: EVP_PKEY_derive_set_peer() would run the full
// public-key check, an extra scalar multiplication per handshake that buys
// nothing on these cofactor-1 curves once the point is known to be on the curve.
Result<Secret> derive(EVP_PKEY* ours, EVP_PKEY* peer) {
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, ours, nullptr));
    std::size_t len = 0;
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer_ex(ctx.get(), peer, 0) != 1 ||
        EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1 || len == 0 || len > kMaxSecretLength)
        return kInternal;
    Secret s;
    s.resize(len);
    if (EVP_PKEY_derive(ctx.get(), s.data(), &len) != 1) return kBadShare;
    s.resize(len);
    return s;
}

class OsslX25519 final : public KeyShare {
public:
    explicit OsslX25519(PkeyPtr key) : key_(std::move(key)) {
        std::size_t len = pub_.size();
        ok_ = EVP_PKEY_get_raw_public_key(key_.get(), pub_.data(), &len) == 1 && len == pub_.size();
    }
    bool ok() const { return ok_; }

    NamedGroup group() const override { return NamedGroup::x25519; }
    ByteView public_key() const override { return pub_; }

    Result<Secret> agree(ByteView peer_public) override {
        if (peer_public.size() != kX25519Length) return kBadShare;
        PkeyPtr peer(EVP_PKEY_new_raw_public_key_ex(nullptr, "X25519", nullptr, peer_public.data(), peer_public.size()));
        if (!peer) return kBadShare;
        // libcrypto refuses a low-order peer point by failing the derivation.
        Result<Secret> s = derive(key_.get(), peer.get());
        if (!s.ok()) return kBadShare;
        // RFC 8446 §7.4.2 / RFC 7748 §6.1: an all-zero result must be rejected.
        static constexpr std::array<std::uint8_t, kX25519Length> kZero{};
        if (constant_time_equal(s->view(), kZero)) return kBadShare;
        return s;
    }

private:
    PkeyPtr key_;
    std::array<std::uint8_t, kX25519Length> pub_{};
    bool ok_ = false;
};

class OsslEcShare final : public KeyShare {
public:
    OsslEcShare(NamedGroup group, const EcCurve& curve, PkeyPtr key)
        : group_(group), curve_(curve), key_(std::move(key)) {
        ok_ = EVP_PKEY_get_octet_string_param(key_.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pub_.data(),
                                              pub_.size(), &pub_len_) == 1 &&
              pub_len_ == 1 + 2 * curve_.coord_len && pub_[0] == kUncompressedForm;
    }
    bool ok() const { return ok_; }

    NamedGroup group() const override { return group_; }
    ByteView public_key() const override { return {pub_.data(), pub_len_}; }

    Result<Secret> agree(ByteView peer_public) override {
        // RFC 8446 §4.2.8.2: only the uncompressed form is valid in TLS 1.3.
        if (peer_public.size() != 1 + 2 * curve_.coord_len || peer_public[0] != kUncompressedForm) return kBadShare;
        // Importing the point checks it lies on the curve (EC_POINT_oct2point);
        // the quick public check adds the range and not-infinity checks.
        PkeyPtr peer = import_ec_public(curve_.name, peer_public);
        if (!peer) return kBadShare;
        PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, peer.get(), nullptr));
        if (!check || EVP_PKEY_public_check_quick(check.get()) != 1) return kBadShare;
        // RFC 8446 §7.4.2: the shared secret is the x-coordinate, padded to
        // the field size, which is what libcrypto's ECDH returns.
        Result<Secret> s = derive(key_.get(), peer.get());
        if (s.ok() && s->size() != curve_.coord_len) return kInternal;
        return s;
    }

private:
    NamedGroup group_;
    EcCurve curve_;
    PkeyPtr key_;
    std::array<std::uint8_t, kMaxEcPointLength> pub_{};
    std::size_t pub_len_ = 0;
    bool ok_ = false;
};

template <class Share, class... Args>
Result<std::unique_ptr<KeyShare>> wrap(Args&&... args) {
    auto share = std::make_unique<Share>(std::forward<Args>(args)...);
    if (!share->ok()) return kInternal;
    return std::unique_ptr<KeyShare>(std::move(share));
}

// An EC key pair from a raw private scalar: libcrypto does not derive the
// public point on import, so compute d·G here and import both halves.
PkeyPtr ec_key_from_private(const EcCurve& curve, ByteView priv) {
    EcGroupPtr group(EC_GROUP_new_by_curve_name(curve.nid));
    // A secure-heap BIGNUM: OSSL_PARAM_BLD then keeps its copy of the scalar in
    // the secure heap too, which OSSL_PARAM_free() wipes (OSSL_PARAM_BLD(3)).
    BnPtr d(BN_secure_new());
    if (!group || !d || BN_bin2bn(priv.data(), static_cast<int>(priv.size()), d.get()) == nullptr || BN_is_zero(d.get()) || BN_cmp(d.get(), EC_GROUP_get0_order(group.get())) >= 0) return nullptr;
    EcPointPtr pub(EC_POINT_new(group.get()));
    std::array<std::uint8_t, kMaxEcPointLength> point{};
    if (!pub || EC_POINT_mul(group.get(), pub.get(), d.get(), nullptr, nullptr, nullptr) != 1 ||
        EC_POINT_point2oct(group.get(), pub.get(), POINT_CONVERSION_UNCOMPRESSED, point.data(), point.size(),
                           nullptr) != 1 + 2 * curve.coord_len)
        return nullptr;
    ParamBldPtr bld(OSSL_PARAM_BLD_new());
    if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, curve.name, 0) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get()) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), 1 + 2 * curve.coord_len) != 1)
        return nullptr;
    ParamsPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    EVP_PKEY* out = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &out, EVP_PKEY_KEYPAIR, params.get()) != 1)
        return nullptr;
    return PkeyPtr(out);
}

}  // namespace

Result<std::unique_ptr<KeyShare>> generate_key_share(NamedGroup group) {
    if (group == NamedGroup::x25519) {
        PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
        if (!key) return kInternal;
        return wrap<OsslX25519>(std::move(key));
    }
    const EcCurve* curve = ec_curve(group);
    if (curve == nullptr) return Error{Alert::illegal_parameter, "unsupported key exchange group"};
    PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve->name));
    if (!key) return kInternal;
    return wrap<OsslEcShare>(group, *curve, std::move(key));
}

Result<std::unique_ptr<KeyShare>> key_share_from_private(NamedGroup group, ByteView private_key) {
    if (group == NamedGroup::x25519) {
        if (private_key.size() != kX25519Length) return Error{Alert::internal_error, "X25519 private key must be 32 bytes"};
        PkeyPtr key(EVP_PKEY_new_raw_private_key_ex(nullptr, "X25519", nullptr, private_key.data(), private_key.size()));
        if (!key) return kInternal;
        return wrap<OsslX25519>(std::move(key));
    }
    const EcCurve* curve = ec_curve(group);
    if (curve == nullptr) return Error{Alert::illegal_parameter, "unsupported key exchange group"};
    if (private_key.size() != curve->coord_len) return Error{Alert::internal_error, "EC private key has the wrong length"};
    PkeyPtr key = ec_key_from_private(*curve, private_key);
    if (!key) return Error{Alert::internal_error, "invalid EC private key"};
    return wrap<OsslEcShare>(group, *curve, std::move(key));
}

}  // namespace qtls::crypto::ossl
