// Shared pieces of the qtls benchmarks: the certificates, per-side cost
// attribution, an in-memory byte pipe, and one "pair" interface (a client
// and a server of one TLS library talking in memory) implemented for qtls,
// OpenSSL libssl and GnuTLS with identical settings: TLS 1.3 only, X25519
// only, one cipher suite, session tickets only in the resumption cases, the
// client verifying the chain against the test CA and the host name
// "localhost".
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "qtls/types.h"
#include "support/test_pki.h"

namespace qbench {

using qtls::test::KeyType;

enum class Lib { qtls, openssl, gnutls };
std::string_view lib_name(Lib lib);

inline constexpr std::string_view kHostName = "localhost";

// ---- per-side attribution ----
// While a SideScope lives, work is charged to that side: allocations (the
// memory benchmark's malloc hook reads g_side) and, when g_time_sides is
// set, thread CPU time.
enum SideIndex : int { kClient = 0, kServer = 1, kNoSide = 2 };
extern int g_side;
extern bool g_time_sides;
extern std::uint64_t g_side_ns[2];
std::uint64_t thread_cpu_ns();

class SideScope {
public:
    explicit SideScope(int side) : prev_(g_side) {
        g_side = side;
        if (g_time_sides) start_ = thread_cpu_ns();
    }
    ~SideScope() {
        if (g_time_sides && g_side < kNoSide) g_side_ns[g_side] += thread_cpu_ns() - start_;
        g_side = prev_;
    }
    SideScope(const SideScope&) = delete;
    SideScope& operator=(const SideScope&) = delete;

private:
    int prev_;
    std::uint64_t start_ = 0;
};

// ---- an in-memory byte queue (one direction of a transport) ----
// Capacity is reserved up front so moving bytes never allocates.
class ByteQueue {
public:
    ByteQueue() { buf_.reserve(1 << 20); }
    void push(const void* p, std::size_t n);
    std::size_t pull(void* p, std::size_t n);
    std::size_t size() const { return buf_.size() - head_; }
    void clear() {
        buf_.clear();
        head_ = 0;
    }

private:
    std::vector<std::uint8_t> buf_;
    std::size_t head_ = 0;
};

// Both directions of a connection.
struct Wire {
    ByteQueue to_server;
    ByteQueue to_client;
    void clear() {
        to_server.clear();
        to_client.clear();
    }
};

// ---- certificates ----
struct CertFiles {
    std::string cert_pem;
    std::string key_pem;
};
// Leaf certificate and key for `type` from the test PKI, and the CA.
const CertFiles& cert_files(KeyType type);
const std::string& ca_pem();

// ---- one client and one server of a library ----
struct PairSettings {
    KeyType cert = KeyType::ecdsa_p256;
    qtls::CipherSuite suite = qtls::CipherSuite::aes_128_gcm_sha256;
    // Free I/O buffers of idle connections (qtls release_buffers(),
    // SSL_MODE_RELEASE_BUFFERS); GnuTLS has no equivalent and needs none.
    bool release_buffers = false;
    // Resumption benchmarks: the server issues one ticket per connection
    // (psk_dhe_ke, X25519), the client keeps the newest one and offers it on
    // its next connection. Off: no tickets at all (full handshakes).
    bool resumption = false;
};

class Pair {
public:
    virtual ~Pair() = default;
    // Runs the handshake to completion on both sides; false on any failure.
    virtual bool handshake() = 0;
    // The client writes `data` in one call; the server reads all of it into
    // `scratch` (at least 16 KiB). False on any failure.
    virtual bool client_to_server(const std::uint8_t* data, std::size_t n, std::vector<std::uint8_t>& scratch) = 0;
    // After the handshake, from the client's view: "suite group signature
    // verify-result", so the output shows every library negotiated alike.
    virtual std::string describe() = 0;
    // After the handshake: whether it resumed a session.
    virtual bool resumed() = 0;
    // After the handshake: drop idle buffers where the library can.
    virtual void settle() {}
    // Destroy one side (memory accounting).
    virtual void destroy_server() = 0;
    virtual void destroy_client() = 0;
};

// Contexts/configs built once per library and settings; make() creates a
// fresh client and server (creation is charged to each side). With
// settings.resumption the factory also holds the client's session cache, so
// each pair resumes with the ticket of the previous pair.
class Factory {
public:
    virtual ~Factory() = default;
    virtual std::unique_ptr<Pair> make() = 0;
};

std::unique_ptr<Factory> make_factory(Lib lib, const PairSettings& settings);
// Per-library factories (peers.cpp and qtls_pair.cpp).
std::unique_ptr<Factory> make_qtls_factory(const PairSettings& settings);
std::unique_ptr<Factory> make_openssl_factory(const PairSettings& settings);
std::unique_ptr<Factory> make_gnutls_factory(const PairSettings& settings);

// The setup every pair benchmark shares: the factory, then one warm-up pair
// (lazy library initialisation stays out of the measurement) and, with
// settings.resumption, a second one that must resume, so that every pair
// after it resumes too. `label` gets the last warm-up pair's describe().
// Null after state.SkipWithError() when the library or a warm-up fails.
std::unique_ptr<Factory> warmed_up_factory(benchmark::State& state, Lib lib, const PairSettings& settings,
                                           std::string& label);

std::string_view key_type_label(KeyType type);   // "ECDSA-P256", "RSA-2048", "Ed25519"
std::string_view suite_label(qtls::CipherSuite s);  // "AES-128-GCM", ...

}  // namespace qbench
