// Full TLS 1.3 handshakes (X25519, the client verifying chain + host name)
// for ECDSA P-256, RSA-2048 (PSS) and Ed25519 server certificates: qtls
// against OpenSSL and GnuTLS, client and server in one thread in memory.
//
//   handshake/<cert>/<lib>        pairs per CPU-second (items_per_second)
//   handshake_split/<cert>/<lib>  the same with each side's thread CPU time
//                                 measured: counters client_us, server_us
//   resumed/<lib>                 resumed handshakes (ticket from the previous
//                                 pair, psk_dhe_ke with X25519, one new ticket
//                                 each), pairs per CPU-second
//   resumed_split/<lib>           the same with client_us, server_us
#include <benchmark/benchmark.h>

#include <string>

#include "common/bench_common.h"

namespace qbench {
namespace {

void run_handshakes(benchmark::State& state, Lib lib, KeyType cert, bool split, bool resumption) {
    PairSettings settings;
    settings.cert = cert;
    settings.resumption = resumption;
    std::string label;
    std::unique_ptr<Factory> factory = warmed_up_factory(state, lib, settings, label);
    if (!factory) return;
    g_side_ns[0] = g_side_ns[1] = 0;
    g_time_sides = split;
    for (auto _ : state) {
        auto pair = factory->make();
        if (!pair || !pair->handshake() || (resumption && !pair->resumed())) {
            g_time_sides = false;
            state.SkipWithError(resumption ? "handshake failed or did not resume" : "handshake failed");
            return;
        }
    }
    g_time_sides = false;
    state.SetItemsProcessed(state.iterations());
    state.SetLabel(label);
    if (split && state.iterations() > 0) {
        const double n = static_cast<double>(state.iterations());
        state.counters["client_us"] = static_cast<double>(g_side_ns[0]) / 1e3 / n;
        state.counters["server_us"] = static_cast<double>(g_side_ns[1]) / 1e3 / n;
    }
}

const bool registered = [] {
    for (KeyType cert : {KeyType::ecdsa_p256, KeyType::rsa_2048, KeyType::ed25519}) {
        for (bool split : {false, true}) {
            for (Lib lib : {Lib::qtls, Lib::openssl, Lib::gnutls}) {
                std::string name = std::string(split ? "handshake_split/" : "handshake/") +
                                   std::string(key_type_label(cert)) + "/" + std::string(lib_name(lib));
                benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& st) {
                    run_handshakes(st, lib, cert, split, false);
                })->Unit(benchmark::kMicrosecond);
            }
        }
    }
    for (bool split : {false, true}) {
        for (Lib lib : {Lib::qtls, Lib::openssl, Lib::gnutls}) {
            std::string name = std::string(split ? "resumed_split/" : "resumed/") + std::string(lib_name(lib));
            benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& st) {
                run_handshakes(st, lib, KeyType::ecdsa_p256, split, true);
            })->Unit(benchmark::kMicrosecond);
        }
    }
    return true;
}();

}  // namespace
}  // namespace qbench
