// Heap use of qtls, OpenSSL and GnuTLS connections, counted by interposing
// malloc and friends in this process (GnuTLS ignores
// gnutls_global_set_mem_functions since 3.3, and OpenSSL's CRYPTO_malloc
// calls malloc unless CRYPTO_set_mem_functions replaced it, so one hook
// counts all three libraries the same way; operator new calls malloc).
// Sizes are malloc_usable_size(), i.e. what the allocator really holds.
//
//   memory/<lib>   counters (averages over the iterations):
//     client_idle_B / server_idle_B   bytes freed when destroying an idle,
//                                     established connection (after
//                                     release_buffers / SSL_MODE_RELEASE_BUFFERS)
//     peak_B                          peak heap above the starting point while
//                                     both sides are created and handshake
//     client_allocs / server_allocs   malloc calls during creation + handshake
//   memory_resumed/<lib>   the same for resumed handshakes (ticket from the
//                          previous pair, one new ticket each)
//   memory_quic/<backend>  ngtcp2 pairs on libngtcp2_crypto_qtls and
//                          libngtcp2_crypto_gnutls (quic/quic_pair.h):
//     client_tls_B / server_tls_B     bytes freed when deleting the TLS
//                                     object after the handshake, once the
//                                     ngtcp2 connection (and with it the
//                                     packet keys) is gone: the TLS state a
//                                     QUIC connection keeps
//     client_allocs / server_allocs   malloc calls during the handshake
//                                     (ngtcp2's own included, alike for both)
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <string>

#include "common/bench_common.h"
#ifdef QTLS_BENCH_QUIC
#include "quic/quic_pair.h"
#endif

// ---------------------------------------------------- the allocator hook ----
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void* __libc_valloc(std::size_t);
void* __libc_pvalloc(std::size_t);
void __libc_free(void*);
}

namespace {

std::atomic<long long> g_live{0};
std::atomic<long long> g_peak{0};
std::atomic<long long> g_allocs[3];

inline void note_alloc(void* p) {
    if (!p) return;
    const long long n = static_cast<long long>(malloc_usable_size(p));
    const long long live = g_live.fetch_add(n, std::memory_order_relaxed) + n;
    long long peak = g_peak.load(std::memory_order_relaxed);
    while (live > peak && !g_peak.compare_exchange_weak(peak, live, std::memory_order_relaxed)) {
    }
    g_allocs[qbench::g_side].fetch_add(1, std::memory_order_relaxed);
}

inline void note_free(void* p) {
    if (p) g_live.fetch_sub(static_cast<long long>(malloc_usable_size(p)), std::memory_order_relaxed);
}

}  // namespace

extern "C" {
void* malloc(std::size_t n) noexcept {
    void* p = __libc_malloc(n);
    note_alloc(p);
    return p;
}
void* calloc(std::size_t n, std::size_t m) noexcept {
    void* p = __libc_calloc(n, m);
    note_alloc(p);
    return p;
}
void* realloc(void* old, std::size_t n) noexcept {
    const long long before = old ? static_cast<long long>(malloc_usable_size(old)) : 0;
    void* p = __libc_realloc(old, n);
    if (p) {
        g_live.fetch_sub(before, std::memory_order_relaxed);
        note_alloc(p);
    } else if (n == 0) {
        g_live.fetch_sub(before, std::memory_order_relaxed);  // realloc(p, 0) freed p
    }
    return p;
}
void free(void* p) noexcept {
    note_free(p);
    __libc_free(p);
}
void* memalign(std::size_t align, std::size_t n) noexcept {
    void* p = __libc_memalign(align, n);
    note_alloc(p);
    return p;
}
void* aligned_alloc(std::size_t align, std::size_t n) noexcept { return memalign(align, n); }
void* valloc(std::size_t n) noexcept {
    void* p = __libc_valloc(n);
    note_alloc(p);
    return p;
}
void* pvalloc(std::size_t n) noexcept {
    void* p = __libc_pvalloc(n);
    note_alloc(p);
    return p;
}
// glibc's own reallocarray would not go through realloc() above.
void* reallocarray(void* old, std::size_t n, std::size_t m) noexcept {
    if (m != 0 && n > static_cast<std::size_t>(-1) / m) {
        errno = ENOMEM;
        return nullptr;
    }
    return realloc(old, n * m);
}
int posix_memalign(void** out, std::size_t align, std::size_t n) noexcept {
    void* p = memalign(align, n);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}
}

// ------------------------------------------------------------ the cases ----
namespace qbench {
namespace {

void run_memory(benchmark::State& state, Lib lib, bool resumption) {
    PairSettings settings;
    settings.release_buffers = true;
    settings.resumption = resumption;
    std::string label;
    std::unique_ptr<Factory> factory = warmed_up_factory(state, lib, settings, label);
    if (!factory) return;
    double client_idle = 0, server_idle = 0, peak = 0, client_allocs = 0, server_allocs = 0, held = 0;
    for (auto _ : state) {
        const long long base = g_live.load();
        g_peak.store(base);
        g_allocs[kClient] = 0;
        g_allocs[kServer] = 0;
        auto pair = factory->make();
        if (!pair || !pair->handshake() || (resumption && !pair->resumed())) {
            state.SkipWithError("handshake failed or did not resume");
            return;
        }
        client_allocs += static_cast<double>(g_allocs[kClient].load());
        server_allocs += static_cast<double>(g_allocs[kServer].load());
        pair->settle();
        peak += static_cast<double>(g_peak.load() - base);
        const long long idle = g_live.load();
        held += static_cast<double>(idle - base);
        pair->destroy_server();
        const long long after_server = g_live.load();
        server_idle += static_cast<double>(idle - after_server);
        pair->destroy_client();
        client_idle += static_cast<double>(after_server - g_live.load());
        pair.reset();
    }
    const double n = static_cast<double>(state.iterations());
    if (n == 0) return;
    state.counters["client_idle_B"] = client_idle / n;
    state.counters["server_idle_B"] = server_idle / n;
    state.counters["held_total_B"] = held / n;
    state.counters["peak_B"] = peak / n;
    state.counters["client_allocs"] = client_allocs / n;
    state.counters["server_allocs"] = server_allocs / n;
    state.SetLabel(label);
}

#ifdef QTLS_BENCH_QUIC
void run_quic_memory(benchmark::State& state, QuicLib lib) {
    std::string error;
    CryptoBackend* backend = load_crypto_backend(lib, error);
    if (backend == nullptr) {
        state.SkipWithError(error.c_str());
        return;
    }
    std::string label;
    {
        QuicPair warm(*backend);
        if (!warm.handshake()) {
            state.SkipWithError("warm-up QUIC handshake failed");
            return;
        }
        label = warm.describe();
    }
    double client_tls = 0, server_tls = 0, client_allocs = 0, server_allocs = 0;
    for (auto _ : state) {
        g_allocs[kClient] = 0;
        g_allocs[kServer] = 0;
        QuicPair pair(*backend);
        if (!pair.handshake()) {
            state.SkipWithError("QUIC handshake failed");
            return;
        }
        client_allocs += static_cast<double>(g_allocs[kClient].load());
        server_allocs += static_cast<double>(g_allocs[kServer].load());
        pair.delete_connections();
        const long long before_client = g_live.load();
        pair.delete_client_tls();
        const long long before_server = g_live.load();
        pair.delete_server_tls();
        client_tls += static_cast<double>(before_client - before_server);
        server_tls += static_cast<double>(before_server - g_live.load());
    }
    const double n = static_cast<double>(state.iterations());
    if (n == 0) return;
    state.counters["client_tls_B"] = client_tls / n;
    state.counters["server_tls_B"] = server_tls / n;
    state.counters["client_allocs"] = client_allocs / n;
    state.counters["server_allocs"] = server_allocs / n;
    state.SetLabel(label);
}
#endif

const bool registered = [] {
    for (bool resumption : {false, true}) {
        for (Lib lib : {Lib::qtls, Lib::openssl, Lib::gnutls}) {
            std::string name = (resumption ? "memory_resumed/" : "memory/") + std::string(lib_name(lib));
            benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& st) { run_memory(st, lib, resumption); })
                ->Iterations(20)
                ->Unit(benchmark::kMicrosecond);
        }
    }
#ifdef QTLS_BENCH_QUIC
    for (QuicLib lib : {QuicLib::qtls, QuicLib::gnutls}) {
        std::string name = "memory_quic/" + std::string(quic_lib_name(lib));
        benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& st) { run_quic_memory(st, lib); })
            ->Iterations(20)
            ->Unit(benchmark::kMicrosecond);
    }
#endif
    return true;
}();

}  // namespace
}  // namespace qbench
