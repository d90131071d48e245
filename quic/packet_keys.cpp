// Packet protection keys and key update secrets (RFC 9001 §5.1, §6.1;
// RFC 9369 §3.3.2 for the v2 labels).
#include <algorithm>

#include "crypto/hkdf_label.h"
#include "qtls/quic_crypto.h"

namespace qtls::quic {

namespace {

// Resolves the version and suite and checks that `secret` is Hash.length long.
Status check_inputs(const VersionInfo* info, const SuiteInfo* suite, ByteView secret) {
    if (info == nullptr) return make_error(Alert::internal_error, "quic: unsupported version");
    if (suite == nullptr) return make_error(Alert::internal_error, "quic: unsupported cipher suite");
    if (secret.size() != suite->hash_len)
        return make_error(Alert::internal_error, "quic: traffic secret length does not match the suite hash");
    return {};
}

}  // namespace

Result<PacketKeys> derive_packet_keys(const CryptoProvider& p, Version v, CipherSuite suite, ByteView secret) {
    const VersionInfo* info = version_info(v);
    const SuiteInfo* si = suite_info(suite);
    QTLS_TRY(check_inputs(info, si, secret));

    PacketKeys keys;
    keys.key = crypto::expand_label_secret(p, si->hash, secret, info->labels.key, {}, si->key_len);
    // RFC 9001 §5.1: the header protection key has the AEAD key's length.
    keys.hp = crypto::expand_label_secret(p, si->hash, secret, info->labels.hp, {}, si->key_len);
    const bool iv_ok = crypto::hkdf_expand_label(p, si->hash, secret, info->labels.iv, {}, keys.iv);
    if (keys.key.empty() || keys.hp.empty() || !iv_ok) {
        std::fill(keys.iv.begin(), keys.iv.end(), std::uint8_t{0});
        return make_error(Alert::internal_error, "quic: HKDF-Expand-Label failed");
    }
    return keys;
}

Result<Secret> next_traffic_secret(const CryptoProvider& p, Version v, CipherSuite suite, ByteView secret) {
    const VersionInfo* info = version_info(v);
    const SuiteInfo* si = suite_info(suite);
    QTLS_TRY(check_inputs(info, si, secret));

    Secret next = crypto::expand_label_secret(p, si->hash, secret, info->labels.ku, {}, si->hash_len);
    if (next.empty()) return make_error(Alert::internal_error, "quic: HKDF-Expand-Label failed");
    return next;
}

}  // namespace qtls::quic
