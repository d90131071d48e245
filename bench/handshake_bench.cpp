// Full TLS 1.3 handshakes (X25519, the client verifying chain + host name)
// for ECDSA P-256, RSA-2048 (PSS) and Ed25519 server certificates: qtls
// against OpenSSL and GnuTLS, client and server in one thread in memory.
//
//   handshake/<cert>/<lib>        pairs per CPU-second (items_per_second)
//   handshake_split/<cert>/<lib>  the same with each side's thread CPU time
//                                 measured: counters client_us, server_us
#include <benchmark/benchmark.h>

#include <string>

#include "common/bench_common.h"

namespace qbench {
namespace {

void run_handshakes(benchmark::State& state, Lib lib, KeyType cert, bool split) {
    PairSettings settings;
    settings.cert = cert;
    std::unique_ptr<Factory> factory;
    try {
        factory = make_factory(lib, settings);
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
        return;
    }
    std::string label;
    {
        auto warm = factory->make();  // lazy library initialisation stays out of the timing
        if (!warm || !warm->handshake()) {
            state.SkipWithError("warm-up handshake failed");
            return;
        }
        label = warm->describe();
    }
    g_side_ns[0] = g_side_ns[1] = 0;
    g_time_sides = split;
    for (auto _ : state) {
        auto pair = factory->make();
        if (!pair || !pair->handshake()) {
            g_time_sides = false;
            state.SkipWithError("handshake failed");
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
                    run_handshakes(st, lib, cert, split);
                })->Unit(benchmark::kMicrosecond);
            }
        }
    }
    return true;
}();

}  // namespace
}  // namespace qbench
