// The TLS 1.3 key schedule (RFC 8446 §7.1) as three staged types. Each stage
// can only be produced from the one before it, so a traffic secret of the
// wrong stage cannot be derived by mistake. Every secret is a Secret (wiped
// on destruction).
//
//          PSK (or 0) -> EarlySecret --(EC)DHE--> HandshakeSecret --0--> MasterSecret
#pragma once

#include <string_view>

#include "qtls/provider.h"
#include "qtls/secret.h"

namespace qtls::crypto {

// Hash algorithm plus provider: what every derivation needs.
struct HashContextRef {
    const CryptoProvider* provider = nullptr;
    HashAlg alg = HashAlg::sha256;
    std::size_t length() const { return hash_length(alg); }
};

// Derive-Secret(secret, label, messages) with the transcript hash already computed.
Secret derive_secret(const HashContextRef& h, const Secret& secret, std::string_view label, const Digest& transcript);
// Hash of the empty string (the "derived" context, RFC 8446 §7.1).
Digest empty_hash(const HashContextRef& h);

class HandshakeSecret;
class MasterSecret;

class EarlySecret {
public:
    // psk empty means no PSK: the IKM is a string of Hash.length zeros.
    static EarlySecret derive(const HashContextRef& h, ByteView psk);

    Secret binder_key(bool external_psk) const;                     // "ext binder" / "res binder"
    Secret client_early_traffic_secret(const Digest& ch_hash) const;  // "c e traffic"
    Secret early_exporter_master_secret(const Digest& ch_hash) const; // "e exp master"
    // (EC)DHE input; empty for psk_ke (zeros).
    HandshakeSecret next(ByteView ecdhe) const;

    const Secret& secret() const { return secret_; }

private:
    EarlySecret(HashContextRef h, Secret s) : h_(h), secret_(std::move(s)) {}
    HashContextRef h_;
    Secret secret_;
};

class HandshakeSecret {
public:
    Secret client_traffic_secret(const Digest& ch_to_sh) const;  // "c hs traffic"
    Secret server_traffic_secret(const Digest& ch_to_sh) const;  // "s hs traffic"
    MasterSecret next() const;
    const Secret& secret() const { return secret_; }

private:
    friend class EarlySecret;
    HandshakeSecret(HashContextRef h, Secret s) : h_(h), secret_(std::move(s)) {}
    HashContextRef h_;
    Secret secret_;
};

class MasterSecret {
public:
    Secret client_traffic_secret(const Digest& ch_to_server_fin) const;  // "c ap traffic"
    Secret server_traffic_secret(const Digest& ch_to_server_fin) const;  // "s ap traffic"
    Secret exporter_master_secret(const Digest& ch_to_server_fin) const; // "exp master"
    Secret resumption_master_secret(const Digest& ch_to_client_fin) const; // "res master"
    const Secret& secret() const { return secret_; }

private:
    friend class HandshakeSecret;
    MasterSecret(HashContextRef h, Secret s) : h_(h), secret_(std::move(s)) {}
    HashContextRef h_;
    Secret secret_;
};

// finished_key = HKDF-Expand-Label(base_key, "finished", "", Hash.length) (§4.4.4)
Secret finished_key(const HashContextRef& h, const Secret& base_key);
// verify_data = HMAC(finished_key, transcript hash)
Digest finished_verify_data(const HashContextRef& h, const Secret& base_key, const Digest& transcript);
// application_traffic_secret_N+1 (§7.2)
Secret next_traffic_secret(const HashContextRef& h, const Secret& secret);
// PSK for a ticket (§4.6.1)
Secret resumption_psk(const HashContextRef& h, const Secret& resumption_master, ByteView ticket_nonce);
// TLS-Exporter(label, context, length) from an (early) exporter master secret (§7.5).
bool export_keying_material(const HashContextRef& h, const Secret& exporter_master, std::string_view label,
                            ByteView context, MutableByteView out);

// Record/packet key material from a traffic secret (§7.3).
struct TrafficKeys {
    Secret key;
    Secret iv;
};
TrafficKeys traffic_keys(const HashContextRef& h, AeadAlg aead, const Secret& secret);

}  // namespace qtls::crypto
