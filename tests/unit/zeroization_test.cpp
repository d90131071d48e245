// Zeroization: key material qtls holds is wiped before its memory goes back
// to the allocator. This executable replaces operator new/delete (and, when
// libcrypto allows it, libcrypto's allocator) with versions that scan every
// block being freed for registered secret byte patterns: traffic secrets (as
// the key log reports them), a private key's scalar, ticket keys (as the
// ticketer draws them from its provider). A hit means a copy of a secret was
// released unwiped.
//
// What is not covered, on purpose: memory libcrypto releases with realloc
// (never used for keys: it allocates secrets with OPENSSL_secure_* or
// clears them with OPENSSL_clear_free), and the stack.
#include <gtest/gtest.h>
#include <malloc.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <new>

#include "qtls/record.h"
#include "qtls/session.h"
#include "support/connection_pump.h"
#include "support/engine_harness.h"
#include "support/test_pki.h"

namespace {

// ---- the scanning allocator (no allocation of its own)

constexpr std::size_t kMaxPatterns = 64;
constexpr std::size_t kMaxPatternLength = 64;
// Shorter byte strings would match by chance in unrelated memory.
constexpr std::size_t kMinPatternLength = 16;

struct Pattern {
    std::array<std::uint8_t, kMaxPatternLength> bytes{};
    std::size_t length = 0;
    const char* what = "";
};

std::array<Pattern, kMaxPatterns> g_patterns;
std::atomic<std::size_t> g_pattern_count{0};
std::atomic<bool> g_scanning{false};
std::atomic<std::size_t> g_cxx_hits{0};
std::atomic<std::size_t> g_libcrypto_hits{0};
std::atomic<std::size_t> g_blocks_scanned{0};
const char* g_first_hit = nullptr;

enum class From { cxx, libcrypto };

void scan_freed(const void* p, std::size_t n, From from) {
    if (!g_scanning.load(std::memory_order_relaxed) || p == nullptr) return;
    g_blocks_scanned.fetch_add(1, std::memory_order_relaxed);
    const std::size_t count = g_pattern_count.load();
    for (std::size_t i = 0; i < count; ++i) {
        const Pattern& pat = g_patterns[i];
        if (n >= pat.length && memmem(p, n, pat.bytes.data(), pat.length) != nullptr) {
            (from == From::cxx ? g_cxx_hits : g_libcrypto_hits).fetch_add(1);
            if (!g_first_hit) g_first_hit = pat.what;
        }
    }
}

void* crypto_malloc(std::size_t n, const char*, int) { return std::malloc(n); }
void* crypto_realloc(void* p, std::size_t n, const char*, int) { return std::realloc(p, n); }
void crypto_free(void* p, const char*, int) {
    if (p) scan_freed(p, malloc_usable_size(p), From::libcrypto);
    std::free(p);
}

// Must run before libcrypto allocates anything (it refuses afterwards).
const bool g_libcrypto_hooked = CRYPTO_set_mem_functions(crypto_malloc, crypto_realloc, crypto_free) == 1;

}  // namespace

void* operator new(std::size_t n) {
    void* p = std::malloc(n == 0 ? 1 : n);
    if (!p) throw std::bad_alloc();
    return p;
}
void* operator new[](std::size_t n) { return ::operator new(n); }
void operator delete(void* p) noexcept {
    if (p) scan_freed(p, malloc_usable_size(p), From::cxx);
    std::free(p);
}
void operator delete[](void* p) noexcept { ::operator delete(p); }
void operator delete(void* p, std::size_t) noexcept { ::operator delete(p); }
void operator delete[](void* p, std::size_t) noexcept { ::operator delete(p); }

namespace qtls::test {
namespace {

void add_pattern(ByteView bytes, const char* what) {
    if (bytes.size() < kMinPatternLength) return;
    const std::size_t i = g_pattern_count.load();
    if (i >= kMaxPatterns) return;
    Pattern& p = g_patterns[i];
    p.length = std::min(bytes.size(), kMaxPatternLength);
    std::memcpy(p.bytes.data(), bytes.data(), p.length);
    p.what = what;
    g_pattern_count.store(i + 1);
}

// Scans from construction to finish(); clears the patterns afterwards.
class FreedMemoryScan {
public:
    FreedMemoryScan() {
        g_pattern_count = 0;
        g_cxx_hits = 0;
        g_libcrypto_hits = 0;
        g_blocks_scanned = 0;
        g_first_hit = nullptr;
        g_scanning = true;
    }
    ~FreedMemoryScan() { finish(); }
    void finish() {
        if (!g_scanning) return;
        g_scanning = false;
        for (auto& p : g_patterns) std::memset(p.bytes.data(), 0, p.bytes.size());
    }
    std::size_t patterns() const { return g_pattern_count; }
    void expect_clean() {
        finish();
        EXPECT_GT(g_blocks_scanned.load(), 0u);
        EXPECT_EQ(g_cxx_hits.load(), 0u) << "a freed C++ block held: " << (g_first_hit ? g_first_hit : "");
        EXPECT_EQ(g_libcrypto_hits.load(), 0u) << "a block libcrypto freed held: " << (g_first_hit ? g_first_hit : "");
    }
};

// Registers every secret the library logs (no heap copy is made here).
class PatternKeyLog : public KeyLog {
public:
    void log(std::string_view, ByteView, ByteView secret) override {
        add_pattern(secret, "a traffic secret");
        ++lines;
    }
    int lines = 0;
};

// Registers every 32-byte random output: the ticketer's keys.
class RecordingProvider : public FixedKeyProvider {
public:
    RecordingProvider() : FixedKeyProvider(default_provider()) {}
    void random(MutableByteView out) const override {
        FixedKeyProvider::random(out);
        if (out.size() == 32) add_pattern(out, "a ticket key");
    }
};

TEST(Zeroization, AllocatorScansFreedBlocks) {
    // The scanner itself works: an unwiped freed copy is found.
    FreedMemoryScan scan;
    const std::uint8_t secret[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17};
    add_pattern(ByteView(secret, sizeof secret), "the self-test pattern");
    // Explicit operator new/delete calls through a volatile pointer: a
    // new-expression paired with its delete may be elided at -O2.
    void* volatile leak = ::operator new(64);
    std::memset(leak, 0, 64);
    std::memcpy(static_cast<std::uint8_t*>(leak) + 7, secret, sizeof secret);
    ::operator delete(leak);
    scan.finish();
    EXPECT_EQ(g_cxx_hits.load(), 1u);
    // And a Secret wipes itself.
    FreedMemoryScan again;
    add_pattern(ByteView(secret, sizeof secret), "the self-test pattern");
    Secret* volatile wiped = new Secret(ByteView(secret, sizeof secret));
    delete wiped;
    again.expect_clean();
}

TEST(Zeroization, LibcryptoAllocatorIsHooked) {
    // Without the hook only qtls's own (C++) frees would be scanned.
    EXPECT_TRUE(g_libcrypto_hooked) << "libcrypto allocated before the test could hook its allocator";
}

TEST(Zeroization, TrafficSecretsAreWipedWithTheirConnections) {
    const auto leaf = test_pki().leaf(KeyType::ecdsa_p256);  // generated before scanning
    auto verifier = test_pki().verifier();
    FreedMemoryScan scan;
    {
        auto keylog = std::make_shared<PatternKeyLog>();
        auto cc = std::make_shared<ClientConfig>();
        cc->verifier = verifier;
        cc->keylog = keylog;
        cc->session_store = memory_session_store();
        auto sc = std::make_shared<ServerConfig>();
        sc->cert_resolver = single_cert_resolver(leaf);
        sc->keylog = keylog;
        sc->ticketer = rotating_ticketer();
        auto client = record::Connection::client(cc, ClientOptions{"localhost", Transport::tcp, {}});
        auto server = record::Connection::server(sc);
        ASSERT_TRUE(client.ok() && server.ok());
        ASSERT_TRUE(client->start().ok());
        pump(*client, *server);
        ASSERT_TRUE(client->handshake_complete() && server->handshake_complete());
        // Application data and a key update both ways (new secrets, old ones dropped).
        const std::uint8_t hello[] = {'h', 'i'};
        ASSERT_TRUE(client->write(hello).ok());
        ASSERT_TRUE(client->key_update(true).ok());
        pump(*client, *server);
        std::uint8_t buf[16];
        EXPECT_TRUE(server->read(buf).ok());
        EXPECT_GE(keylog->lines, 8);  // client and server, handshake and application
        EXPECT_GE(scan.patterns(), 4u);
    }
    scan.expect_clean();
}

// The private scalar of a PEM key, read with libcrypto by the test.
Bytes private_scalar(const std::string& pem) {
    Bytes out;
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIGNUM* bn = nullptr;
    if (key && EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &bn) == 1) {
        out.resize(static_cast<std::size_t>(BN_num_bytes(bn)));
        BN_bn2bin(bn, out.data());
    } else if (key) {
        std::size_t len = 0;
        if (EVP_PKEY_get_raw_private_key(key, nullptr, &len) == 1) {
            out.resize(len);
            EVP_PKEY_get_raw_private_key(key, out.data(), &len);
        }
    }
    BN_clear_free(bn);
    EVP_PKEY_free(key);
    BIO_free(bio);
    return out;
}

class PrivateKeys : public ::testing::TestWithParam<KeyType> {};

TEST_P(PrivateKeys, AreWipedWhenTheSignerIsDestroyed) {
    const IssuedCert& issued = test_pki().issued(GetParam());
    const Bytes scalar = private_scalar(issued.key_pem);
    ASSERT_GE(scalar.size(), 32u);
    const std::string path = std::string(QTLS_BINARY_DIR) + "/zeroization-" + std::string(key_type_name(GetParam())) + ".key";
    std::ofstream(path) << issued.key_pem;
    // A line of the PEM body: the file's bytes pass through qtls's buffers.
    const std::string pem_line = issued.key_pem.substr(issued.key_pem.find('\n') + 1, 48);
    // Baseline: libcrypto alone, decoding the same PEM. OpenSSL 3.0's
    // decoder chain releases intermediate DER buffers without cleansing them
    // (outside qtls's control), so hits in blocks libcrypto frees are
    // counted here and qtls may cause no more than libcrypto does by itself.
    std::size_t libcrypto_baseline = 0;
    {
        FreedMemoryScan baseline;
        add_pattern(scalar, "a private key scalar");
        add_pattern(as_bytes(pem_line), "a line of a PEM private key");
        BIO* bio = BIO_new_mem_buf(issued.key_pem.data(), static_cast<int>(issued.key_pem.size()));
        EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
        EXPECT_NE(key, nullptr);
        EVP_PKEY_free(key);
        BIO_free(bio);
        baseline.finish();
        libcrypto_baseline = g_libcrypto_hits.load();
        EXPECT_EQ(g_cxx_hits.load(), 0u);
    }
    FreedMemoryScan scan;
    add_pattern(scalar, "a private key scalar");
    add_pattern(as_bytes(pem_line), "a line of a PEM private key");
    {
        auto from_memory = load_private_key(as_bytes(issued.key_pem));
        auto from_file = load_private_key_file(path);
        ASSERT_TRUE(from_memory.ok() && from_file.ok());
        const std::uint8_t msg[] = {'m'};
        const auto scheme = (*from_file)->schemes().front();
        EXPECT_TRUE((*from_file)->sign(scheme, msg).ok());
    }
    scan.finish();
    // What qtls owns (its C++ buffers: the file contents, the PEM input) is wiped.
    EXPECT_EQ(g_cxx_hits.load(), 0u) << "a freed qtls block held: " << (g_first_hit ? g_first_hit : "");
    // Two decodes: at most twice what libcrypto leaves behind on its own.
    EXPECT_LE(g_libcrypto_hits.load(), 2 * libcrypto_baseline)
        << "libcrypto-freed blocks with key material beyond libcrypto's own decoder residue";
    std::remove(path.c_str());
}

INSTANTIATE_TEST_SUITE_P(Types, PrivateKeys, ::testing::Values(KeyType::ecdsa_p256, KeyType::ed25519),
                         [](const auto& info) { return std::string(key_type_name(info.param)); });

TEST(Zeroization, TicketKeysAreWipedOnRotationAndDestruction) {
    auto provider = std::make_shared<RecordingProvider>();
    static std::atomic<std::uint64_t> now_ms{1'000'000};
    FreedMemoryScan scan;
    {
        TicketerOptions options;
        options.provider = provider;
        options.rotation = std::chrono::seconds(1);
        options.clock = [] { return now_ms.load(); };
        auto ticketer = rotating_ticketer(options);
        ResumptionState state;
        state.suite = CipherSuite::aes_128_gcm_sha256;
        std::array<std::uint8_t, 32> psk{};
        for (std::size_t i = 0; i < psk.size(); ++i) psk[i] = static_cast<std::uint8_t>(0xa0 + i);
        add_pattern(psk, "a resumption PSK sealed into a ticket");
        state.psk = Secret(psk);
        state.issued_at_ms = now_ms;
        for (int round = 0; round < 4; ++round) {
            auto ticket = ticketer->seal(state);
            ASSERT_TRUE(ticket.ok());
            EXPECT_TRUE(ticketer->open(*ticket).has_value());
            now_ms += 1500;  // the next seal rotates; two rotations drop a key
        }
        secure_wipe(psk.data(), psk.size());
        EXPECT_GE(scan.patterns(), 3u);
    }
    scan.expect_clean();
}

}  // namespace
}  // namespace qtls::test
