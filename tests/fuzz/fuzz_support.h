// Shared machinery of the libFuzzer targets in tests/fuzz/ (and of the seed
// generator and the regression replay test that link the same code):
//
//  - FuzzProvider: a CryptoProvider wrapper that makes every handshake
//    byte-for-byte reproducible (fixed randomness, fixed private key per
//    group) and, in permissive mode, accepts every signature, so a fuzzer can
//    get past CertificateVerify. Finished cannot be bypassed (the engine
//    compares the HMAC itself); the engine targets instead replay flights
//    recorded from a real peer running with the same fixed randomness, which
//    therefore carry valid Finished messages.
//  - Scenarios: fixed client/server configurations (plain, client auth,
//    HelloRetryRequest, QUIC, other suites/groups). Recorder and target use
//    the same scenario, so recorded flights stay valid.
//  - The "flight" input framing the engine/session/record targets share and
//    a structure-aware mutator for it (split into handshake messages, mutate
//    one, re-frame).
//
// Nothing here is part of the library; it lives in tests/fuzz only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "qtls/certs.h"
#include "qtls/config.h"
#include "qtls/engine.h"
#include "qtls/keylog.h"
#include "qtls/provider.h"
#include "qtls/record.h"
#include "support/forwarding_provider.h"

// Every target defines `int qtls_fuzz_<name>(const uint8_t*, size_t)`; the
// fuzzer executables (QTLS_FUZZ_ENTRY) also get LLVMFuzzerTestOneInput, so
// the regression test can call the very same entry points by name.
#ifdef QTLS_FUZZ_ENTRY
#define QTLS_FUZZ_TARGET(name)                                                    \
    int qtls_fuzz_##name(const std::uint8_t* data, std::size_t size);            \
    extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { \
        return qtls_fuzz_##name(data, size);                                     \
    }                                                                            \
    int qtls_fuzz_##name(const std::uint8_t* data, std::size_t size)
#else
#define QTLS_FUZZ_TARGET(name) int qtls_fuzz_##name(const std::uint8_t* data, std::size_t size)
#endif

// The structure-aware mutator (mutate_flights) as the target's custom mutator.
#ifdef QTLS_FUZZ_ENTRY
#define QTLS_FUZZ_FLIGHT_MUTATOR()                                                                     \
    extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size,              \
                                                   std::size_t max_size, unsigned int seed) {          \
        return ::qtls::fuzz::mutate_flights(data, size, max_size, seed, &LLVMFuzzerMutate);            \
    }
#else
#define QTLS_FUZZ_FLIGHT_MUTATOR()
#endif

// libFuzzer's mutator hook, available to custom mutators in fuzzer builds.
extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

namespace qtls::fuzz {

// ---------------------------------------------------------------- provider

class FuzzProvider : public test::ForwardingProvider {
public:
    FuzzProvider(ProviderPtr inner, bool permissive) : ForwardingProvider(std::move(inner)), permissive_(permissive) {}

    std::string_view name() const override { return "fuzz-deterministic"; }
    // Always the same private key for a group (fixed_private_key).
    Result<std::unique_ptr<KeyShare>> generate_key_share(NamedGroup g) const override;
    // Permissive: every signature verifies. Otherwise forwarded.
    Status verify_signature(SignatureScheme s, ByteView spki, ByteView m, ByteView sig) const override;
    // A fixed pattern: stateless, so every run of every process is identical.
    void random(MutableByteView out) const override;

private:
    bool permissive_;
};

// The private key FuzzProvider uses for `group` (valid scalar for the curve).
Bytes fixed_private_key(NamedGroup group);
std::shared_ptr<const FuzzProvider> fuzz_provider();  // permissive, shared

// ---------------------------------------------------------------- certificates

// A deterministic self-signed Ed25519 certificate (CA:TRUE, SAN localhost and
// example.com, valid 2020..2096): identical DER in every process.
const Bytes& fixed_certificate_der();
const std::string& fixed_certificate_pem();
// fixed_certificate_der() with a signer that returns a constant 64-byte
// "signature" (FuzzProvider accepts it), scheme ed25519.
std::shared_ptr<const CertifiedKey> fixed_certified_key();

class AcceptAnyVerifier : public CertVerifier {
public:
    Status verify(std::span<const Bytes>, std::string_view) override { return {}; }
};

// Remembers the last secret logged per label (for the record target, which
// seals records under the peer's keys).
class LatestKeyLog : public KeyLog {
public:
    void log(std::string_view label, ByteView, ByteView secret) override {
        lines_[std::string(label)] = Bytes(secret.begin(), secret.end());
    }
    const Bytes* find(const std::string& label) const {
        auto it = lines_.find(label);
        return it == lines_.end() ? nullptr : &it->second;
    }
    void clear() { lines_.clear(); }

private:
    std::map<std::string, Bytes> lines_;
};
LatestKeyLog& shared_keylog();

// ---------------------------------------------------------------- scenarios

struct Scenario {
    const char* name;
    std::shared_ptr<const ClientConfig> client;
    std::shared_ptr<const ServerConfig> server;
    ClientOptions client_options;
    ServerOptions server_options;
};

// Scenarios 0..count-1; the index is taken modulo count.
std::size_t scenario_count();
const Scenario& scenario(std::size_t index);
// Indices of the TCP scenarios (the record layer target uses these only).
const std::vector<std::size_t>& tcp_scenarios();
std::size_t quic_scenario();
inline const Bytes kClientTransportParameters = {0x01, 0x02, 0x40, 0x64, 0x04, 0x04, 0x80, 0x10, 0x00, 0x00};
inline const Bytes kServerTransportParameters = {0x01, 0x02, 0x40, 0x64, 0x03, 0x02, 0x45, 0xc0};

// ---------------------------------------------------------------- flights

// Engine/session target input: one selector byte, then chunks
//   ctrl(1) | length(2, big-endian) | data
// ctrl bits 0-1: epoch (QUIC level); bits 2-7: fragmentation (0 = one
// provide() call, n = pieces of n bytes). A length running past the end
// takes what is left.
struct Chunk {
    std::uint8_t ctrl = 0;
    Bytes data;

    Epoch epoch() const { return static_cast<Epoch>(ctrl & 3); }
    std::size_t fragment() const { return ctrl >> 2; }
};
struct FlightInput {
    std::uint8_t selector = 0;
    std::vector<Chunk> chunks;
};
FlightInput parse_flights(const std::uint8_t* data, std::size_t size);
Bytes serialize_flights(const FlightInput& in);
inline std::uint8_t make_ctrl(Epoch e, std::size_t fragment = 0) {
    return static_cast<std::uint8_t>(static_cast<std::uint8_t>(e) | ((fragment & 63) << 2));
}

// Splits concatenated handshake messages on their 4-byte headers. A tail that
// is not a complete message is returned as the last element.
std::vector<Bytes> split_messages(ByteView bytes);

// Structure-aware mutation of a FlightInput-framed buffer: picks a chunk,
// splits it into handshake messages, and mutates one message body (length
// re-framed), or duplicates/drops/swaps messages, changes a chunk's epoch or
// fragmentation, or falls back to byte-level mutation of the whole input.
// `mutate` is LLVMFuzzerMutate in fuzzer builds.
using ByteMutator = std::size_t (*)(std::uint8_t*, std::size_t, std::size_t);
std::size_t mutate_flights(std::uint8_t* data, std::size_t size, std::size_t max_size, unsigned seed,
                           ByteMutator mutate);

// Feeds bytes in pieces as `fragment` asks; stops at the first error.
Status provide_fragmented(Engine& engine, Epoch epoch, ByteView bytes, std::size_t fragment);
// Polls every event; returns true when HandshakeComplete was seen.
bool drain_events(Engine& engine);
// The engine targets: a fresh engine of scenario `in.selector` (client:
// started) gets every chunk at its epoch; after a completed handshake the
// post-handshake API is exercised too. Checks the error latch and the
// complete flag.
void run_engine(Side side, const FlightInput& in);

// ---------------------------------------------------------------- recording

struct Flight {
    Epoch epoch;
    Bytes data;
};
struct RecordedHandshake {
    std::vector<Flight> client_to_server;  // in sending order
    std::vector<Flight> server_to_client;
    bool ok = false;
};
// Runs a real client and server engine of `scenario` against each other.
RecordedHandshake record_engine_handshake(std::size_t scenario_index);

// TLS bytes each record::Connection sent, one entry per flush.
struct RecordedTls {
    std::vector<Bytes> client_to_server;
    std::vector<Bytes> server_to_client;
    bool ok = false;
};
RecordedTls record_tls_handshake(std::size_t scenario_index);
// Moves TLS bytes between two connections until both completed the handshake
// and have nothing to send (bounded); logs what each sent when `log` is set.
bool pump_tls(record::Connection& client, record::Connection& server, RecordedTls* log);
// Reads and discards every plaintext byte available; returns how many.
std::size_t drain_plaintext(record::Connection& c);
// read_tls + process until `bytes` is consumed, reading (and counting into
// *plaintext) what arrives; false on the first error or when the connection
// takes no more.
bool feed_tls(record::Connection& c, ByteView bytes, std::size_t* plaintext = nullptr);

// CRYPTO stream bytes per level of a quic::Session pair (the QUIC scenario).
struct RecordedQuic {
    std::vector<Flight> client_to_server;  // epoch == level
    std::vector<Flight> server_to_client;
    bool ok = false;
};
RecordedQuic record_quic_handshake();

// ---------------------------------------------------------------- reach

// How deep the targets got (seed self-check, regression test, curiosity).
struct Reach {
    std::size_t runs = 0;
    std::size_t handshakes_completed = 0;
    std::size_t post_handshake_ok = 0;
    std::size_t records_opened = 0;
    std::size_t packets_opened = 0;
    std::size_t certificates_parsed = 0;
};
Reach& reach();

// A check that must hold; aborts (a fuzzer crash) with the message if not.
[[noreturn]] void invariant_failed(const char* what, const char* file, int line);
#define QTLS_FUZZ_CHECK(cond)                                                   \
    do {                                                                        \
        if (!(cond)) ::qtls::fuzz::invariant_failed(#cond, __FILE__, __LINE__); \
    } while (0)

}  // namespace qtls::fuzz
