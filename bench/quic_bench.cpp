// QUIC: an ngtcp2 1.11 client and server in one thread, packets handed over
// in memory, with libngtcp2_crypto_qtls against ngtcp2's own
// libngtcp2_crypto_gnutls (both loaded with dlopen, see quic/crypto_backend.h).
// X25519, AES-128-GCM, ECDSA P-256 server certificate, the client verifying
// chain and host name.
//
//   quic_handshake/<backend>           handshakes (client confirmed) per CPU-second
//   quic_protect/AES-128-GCM/<backend> one 1200-byte 1-RTT packet: AEAD seal of
//                                      the payload + header protection mask,
//                                      with the keys ngtcp2 installed (ns each)
#include <benchmark/benchmark.h>

#include <array>
#include <string>
#include <vector>

#include "quic/crypto_backend.h"
#include "quic/quic_pair.h"

namespace qbench {
namespace {

// A 1200-byte packet (RFC 9000 §14.1's minimum datagram): a short header of
// 1 + 20-byte DCID + 1-byte packet number as associated data, the payload,
// and the 16-byte AEAD tag.
constexpr std::size_t kPacketSize = 1200;
constexpr std::size_t kHeaderSize = 22;
constexpr std::size_t kTagSize = 16;
constexpr std::size_t kPayloadSize = kPacketSize - kHeaderSize - kTagSize;
constexpr std::size_t kNonceSize = 12;
constexpr std::size_t kSampleOffset = 4 - 1;  // RFC 9001 §5.4.2: pn_offset + 4, pn_length 1

CryptoBackend* backend_or_skip(benchmark::State& state, QuicLib lib) {
    std::string error;
    CryptoBackend* b = load_crypto_backend(lib, error);
    if (b == nullptr) state.SkipWithError(error.c_str());
    return b;
}

void run_quic_handshakes(benchmark::State& state, QuicLib lib) {
    CryptoBackend* backend = backend_or_skip(state, lib);
    if (backend == nullptr) return;
    std::string label;
    {
        QuicPair warm(*backend);  // lazy library initialisation stays out of the timing
        if (!warm.handshake()) {
            state.SkipWithError("warm-up QUIC handshake failed");
            return;
        }
        label = warm.describe();
    }
    for (auto _ : state) {
        QuicPair pair(*backend);
        if (!pair.handshake()) {
            state.SkipWithError("QUIC handshake failed");
            return;
        }
    }
    state.SetItemsProcessed(state.iterations());
    state.SetLabel(label);
}

void run_quic_protect(benchmark::State& state, QuicLib lib) {
    CryptoBackend* backend = backend_or_skip(state, lib);
    if (backend == nullptr) return;
    QuicPair pair(*backend, /*capture=*/true);
    if (!pair.handshake() || !pair.client_keys().seen) {
        state.SkipWithError("QUIC handshake (key capture) failed");
        return;
    }
    const ProtectionKeys& k = pair.client_keys();
    std::vector<std::uint8_t> header(kHeaderSize, 0x41), payload(kPayloadSize, 0x5a), out(kPayloadSize + kTagSize);
    std::array<std::uint8_t, kNonceSize> nonce{};
    std::array<std::uint8_t, 16> mask{};
    std::uint64_t pn = 0;
    for (auto _ : state) {
        // The nonce changes per packet as the packet number does (RFC 9001 §5.3).
        ++pn;
        for (int i = 0; i < 8; ++i) nonce[kNonceSize - 1 - i] = static_cast<std::uint8_t>(pn >> (8 * i));
        if (backend->fns.encrypt(out.data(), &k.aead, &k.aead_ctx, payload.data(), payload.size(), nonce.data(),
                                 nonce.size(), header.data(), header.size()) != 0 ||
            backend->fns.hp_mask(mask.data(), &k.hp, &k.hp_ctx, out.data() + kSampleOffset) != 0) {
            state.SkipWithError("packet protection failed");
            return;
        }
        benchmark::DoNotOptimize(mask);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPacketSize));
    state.SetLabel(pair.describe());
}

const bool registered = [] {
    for (QuicLib lib : {QuicLib::qtls, QuicLib::gnutls}) {
        const std::string name(quic_lib_name(lib));
        benchmark::RegisterBenchmark(("quic_handshake/" + name).c_str(),
                                     [=](benchmark::State& st) { run_quic_handshakes(st, lib); })
            ->Unit(benchmark::kMicrosecond);
        benchmark::RegisterBenchmark(("quic_protect/AES-128-GCM/" + name).c_str(),
                                     [=](benchmark::State& st) { run_quic_protect(st, lib); })
            ->Unit(benchmark::kNanosecond);
    }
    return true;
}();

}  // namespace
}  // namespace qbench
