// One ngtcp2 crypto backend loaded at run time: libngtcp2_crypto_qtls or
// ngtcp2's own libngtcp2_crypto_gnutls. Both export the same
// ngtcp2_crypto_* symbols, so neither is linked into the benchmark: each is
// dlopen()ed with RTLD_LOCAL (its symbols stay in its own lookup scope, and
// its internal calls resolve to itself) and its functions come from dlsym().
// libngtcp2 itself is linked normally and shared by both.
#pragma once

#include <ngtcp2/ngtcp2.h>
#include <ngtcp2/ngtcp2_crypto.h>

#include <memory>
#include <string>
#include <string_view>

#include "support/ngtcp2_crypto_callbacks.h"

namespace qbench {

enum class QuicLib { qtls, gnutls };
std::string_view quic_lib_name(QuicLib lib);  // "qtls", "GnuTLS"

// The backend's entry points the benchmarks use (types from ngtcp2_crypto.h):
// the callback table (tests/support, shared with the backend test) and the
// functions called directly.
struct CryptoFns : qtls::test::Ngtcp2CryptoCallbacks {
    decltype(&::ngtcp2_crypto_generate_stateless_reset_token) generate_stateless_reset_token = nullptr;
    decltype(&::ngtcp2_crypto_encrypt) encrypt = nullptr;
    decltype(&::ngtcp2_crypto_hp_mask) hp_mask = nullptr;
};

// The TLS object of one QUIC connection (the ngtcp2 TLS native handle).
class QuicTls {
public:
    virtual ~QuicTls() = default;
    virtual void* native_handle() = 0;
    // "suite group signature", after the handshake.
    virtual std::string describe() = 0;
};

// A loaded backend with its client and server configuration: X25519 only,
// AES-128-GCM only, ALPN "h3", an ECDSA P-256 server certificate from the
// test PKI, the client verifying chain and host name "localhost", no
// session tickets.
class CryptoBackend {
public:
    virtual ~CryptoBackend() = default;
    QuicLib lib;
    CryptoFns fns;
    // `ref` must outlive the returned object (the backend's hooks use it).
    virtual std::unique_ptr<QuicTls> client(ngtcp2_crypto_conn_ref* ref) = 0;
    virtual std::unique_ptr<QuicTls> server(ngtcp2_crypto_conn_ref* ref) = 0;
};

// Loads the backend once per process (never unloaded). Null with `error`
// set when the library or one of its symbols is missing.
CryptoBackend* load_crypto_backend(QuicLib lib, std::string& error);

}  // namespace qbench
