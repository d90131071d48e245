#include "crypto/key_schedule.h"

#include <array>

#include "crypto/hkdf_label.h"

namespace qtls::crypto {

Digest empty_hash(const HashContextRef& h) { return h.provider->hash(h.alg)->peek(); }

Secret derive_secret(const HashContextRef& h, const Secret& secret, std::string_view label, const Digest& transcript) {
    return expand_label_secret(*h.provider, h.alg, secret.view(), label, transcript.view(), h.length());
}

namespace {
// HKDF-Extract(salt = Derive-Secret(prev, "derived", ""), ikm) where an
// empty ikm means Hash.length zero bytes (RFC 8446 §7.1).
Secret extract_next(const HashContextRef& h, const Secret& prev, ByteView ikm) {
    Secret salt = derive_secret(h, prev, "derived", empty_hash(h));
    std::array<std::uint8_t, kMaxSecretLength> zeros{};
    ByteView input = ikm.empty() ? ByteView(zeros.data(), h.length()) : ikm;
    return h.provider->hkdf_extract(h.alg, salt.view(), input);
}
}  // namespace

EarlySecret EarlySecret::derive(const HashContextRef& h, ByteView psk) {
    std::array<std::uint8_t, kMaxSecretLength> zeros{};
    ByteView salt(zeros.data(), h.length());
    ByteView ikm = psk.empty() ? salt : psk;
    return EarlySecret(h, h.provider->hkdf_extract(h.alg, salt, ikm));
}

Secret EarlySecret::binder_key(bool external_psk) const {
    return derive_secret(h_, secret_, external_psk ? "ext binder" : "res binder", empty_hash(h_));
}

Secret EarlySecret::client_early_traffic_secret(const Digest& ch_hash) const {
    return derive_secret(h_, secret_, "c e traffic", ch_hash);
}

Secret EarlySecret::early_exporter_master_secret(const Digest& ch_hash) const {
    return derive_secret(h_, secret_, "e exp master", ch_hash);
}

HandshakeSecret EarlySecret::next(ByteView ecdhe) const { return HandshakeSecret(h_, extract_next(h_, secret_, ecdhe)); }

Secret HandshakeSecret::client_traffic_secret(const Digest& t) const { return derive_secret(h_, secret_, "c hs traffic", t); }
Secret HandshakeSecret::server_traffic_secret(const Digest& t) const { return derive_secret(h_, secret_, "s hs traffic", t); }
MasterSecret HandshakeSecret::next() const { return MasterSecret(h_, extract_next(h_, secret_, {})); }

Secret MasterSecret::client_traffic_secret(const Digest& t) const { return derive_secret(h_, secret_, "c ap traffic", t); }
Secret MasterSecret::server_traffic_secret(const Digest& t) const { return derive_secret(h_, secret_, "s ap traffic", t); }
Secret MasterSecret::exporter_master_secret(const Digest& t) const { return derive_secret(h_, secret_, "exp master", t); }
Secret MasterSecret::resumption_master_secret(const Digest& t) const { return derive_secret(h_, secret_, "res master", t); }

Secret finished_key(const HashContextRef& h, const Secret& base_key) {
    return expand_label_secret(*h.provider, h.alg, base_key.view(), "finished", {}, h.length());
}

Digest finished_verify_data(const HashContextRef& h, const Secret& base_key, const Digest& transcript) {
    Secret key = finished_key(h, base_key);
    return h.provider->hmac(h.alg, key.view(), transcript.view());
}

Secret next_traffic_secret(const HashContextRef& h, const Secret& secret) {
    return expand_label_secret(*h.provider, h.alg, secret.view(), "traffic upd", {}, h.length());
}

Secret resumption_psk(const HashContextRef& h, const Secret& resumption_master, ByteView ticket_nonce) {
    return expand_label_secret(*h.provider, h.alg, resumption_master.view(), "resumption", ticket_nonce, h.length());
}

bool export_keying_material(const HashContextRef& h, const Secret& exporter_master, std::string_view label,
                            ByteView context, MutableByteView out) {
    Secret per_label = derive_secret(h, exporter_master, label, empty_hash(h));
    auto ctx = h.provider->hash(h.alg);
    if (!ctx) return false;
    ctx->update(context);
    Digest context_hash = ctx->peek();
    return hkdf_expand_label(*h.provider, h.alg, per_label.view(), "exporter", context_hash.view(), out);
}

TrafficKeys traffic_keys(const HashContextRef& h, AeadAlg aead, const Secret& secret) {
    TrafficKeys k;
    k.key = expand_label_secret(*h.provider, h.alg, secret.view(), "key", {}, aead_key_length(aead));
    k.iv = expand_label_secret(*h.provider, h.alg, secret.view(), "iv", {}, kAeadNonceLength);
    return k;
}

}  // namespace qtls::crypto
