// Bulk transfer over an established connection, client to server, per
// cipher suite, with 16 KiB and 1 KiB application writes: qtls
// (record::Connection) against OpenSSL and GnuTLS. One thread does both the
// encryption and the decryption, so each byte is sealed and opened once.
//
//   bulk/<suite>/<write size>/<lib>   bytes_per_second (per CPU-second)
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "common/bench_common.h"

namespace qbench {
namespace {

void run_bulk(benchmark::State& state, Lib lib, qtls::CipherSuite suite, std::size_t write_size) {
    PairSettings settings;
    settings.suite = suite;
    std::unique_ptr<Factory> factory;
    std::unique_ptr<Pair> pair;
    try {
        factory = make_factory(lib, settings);
        pair = factory->make();
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
        return;
    }
    if (!pair || !pair->handshake()) {
        state.SkipWithError("handshake failed");
        return;
    }
    std::vector<std::uint8_t> data(write_size);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 31 + 7);
    std::vector<std::uint8_t> scratch(64 * 1024);
    // One untimed write: buffers reach their steady size.
    if (!pair->client_to_server(data.data(), data.size(), scratch)) {
        state.SkipWithError("transfer failed");
        return;
    }
    for (auto _ : state) {
        if (!pair->client_to_server(data.data(), data.size(), scratch)) {
            state.SkipWithError("transfer failed");
            return;
        }
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(write_size));
    state.SetLabel(pair->describe());
}

const bool registered = [] {
    for (qtls::CipherSuite suite : {qtls::CipherSuite::aes_128_gcm_sha256, qtls::CipherSuite::aes_256_gcm_sha384,
                                    qtls::CipherSuite::chacha20_poly1305_sha256}) {
        for (std::size_t size : {std::size_t{16384}, std::size_t{1024}}) {
            for (Lib lib : {Lib::qtls, Lib::openssl, Lib::gnutls}) {
                std::string name = "bulk/" + std::string(suite_label(suite)) + "/" +
                                   (size == 16384 ? "16KiB" : "1KiB") + "/" + std::string(lib_name(lib));
                benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& st) {
                    run_bulk(st, lib, suite, size);
                })->Unit(benchmark::kMicrosecond);
            }
        }
    }
    return true;
}();

}  // namespace
}  // namespace qbench
