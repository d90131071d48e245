// The cryptographic primitives a handshake and the record layer use, per
// qtls provider (openssl_provider, sodium_provider, default_provider), next
// to libcrypto's EVP API called directly, plus the replayed symmetric work
// of one real qtls handshake per side. run_bench.sh combines these into
// the crypto-bound limit of a full handshake pair:
//   2 x (X25519 keygen + agree) + 1 sign + 1 verify + symmetric work.
//
//   prim/<op>/<impl>                      time per operation
//   prim/seal|open-<aead>-16KiB/<impl>    bytes_per_second
//   prim/handshake-symmetric/<cert>/<side>  one side's hashing, HMAC, HKDF,
//       record-key setup and record protection of a full handshake;
//       counters keygen/agree/verify count that side's asymmetric operations
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <array>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "common/bench_common.h"
#include "common/recording_provider.h"
#include "qtls/certs.h"
#include "qtls/config.h"
#include "qtls/record.h"

namespace qbench {
namespace {

using qtls::ByteView;
using qtls::MutableByteView;
using qtls::NamedGroup;
using qtls::SignatureScheme;

struct Impl {
    const char* name;
    qtls::ProviderPtr provider;  // null: libcrypto EVP directly
};

std::vector<Impl> impls() {
    return {{"openssl_provider", qtls::openssl_provider()},
            {"sodium_provider", qtls::sodium_provider()},
            {"default_provider", qtls::default_provider()},
            {"libcrypto", nullptr}};
}

// The bytes a TLS 1.3 server signs in CertificateVerify (RFC 8446 §4.4.3).
std::vector<std::uint8_t> cv_message() {
    const std::string_view ctx = "TLS 1.3, server CertificateVerify";
    std::vector<std::uint8_t> m(64 + ctx.size() + 1 + 32, 0x20);
    std::memcpy(m.data() + 64, ctx.data(), ctx.size());
    m[64 + ctx.size()] = 0;
    for (std::size_t i = 0; i < 32; ++i) m[64 + ctx.size() + 1 + i] = static_cast<std::uint8_t>(i * 7);
    return m;
}

struct SigCase {
    KeyType type;
    SignatureScheme scheme;
    const char* label;
};
constexpr SigCase kSigCases[] = {
    {KeyType::ecdsa_p256, SignatureScheme::ecdsa_secp256r1_sha256, "ECDSA-P256"},
    {KeyType::rsa_2048, SignatureScheme::rsa_pss_rsae_sha256, "RSA-PSS-2048"},
    {KeyType::ed25519, SignatureScheme::ed25519, "Ed25519"},
};

// ---- libcrypto directly ----
EVP_PKEY* load_pkey(const std::string& pem) {
    BIO* b = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    EVP_PKEY* k = PEM_read_bio_PrivateKey(b, nullptr, nullptr, nullptr);
    BIO_free(b);
    return k;
}

// Digest-sign/verify setup as TLS 1.3 needs it for `scheme`.
bool evp_init(EVP_MD_CTX* md, EVP_PKEY* key, SignatureScheme scheme, bool sign) {
    const EVP_MD* digest = scheme == SignatureScheme::ed25519 ? nullptr : EVP_sha256();
    EVP_PKEY_CTX* pctx = nullptr;
    const int rc = sign ? EVP_DigestSignInit(md, &pctx, digest, nullptr, key)
                        : EVP_DigestVerifyInit(md, &pctx, digest, nullptr, key);
    if (rc != 1) return false;
    if (scheme == SignatureScheme::rsa_pss_rsae_sha256) {
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
    }
    return true;
}

std::vector<std::uint8_t> evp_sign(EVP_PKEY* key, SignatureScheme scheme, ByteView msg) {
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    std::vector<std::uint8_t> sig(1024);
    std::size_t len = sig.size();
    if (!evp_init(md, key, scheme, true) || EVP_DigestSign(md, sig.data(), &len, msg.data(), msg.size()) != 1)
        len = 0;
    EVP_MD_CTX_free(md);
    sig.resize(len);
    return sig;
}

// ---- key exchange ----
void bm_keygen(benchmark::State& state, Impl impl, NamedGroup group) {
    if (impl.provider) {
        for (auto _ : state) {
            auto ks = impl.provider->generate_key_share(group);
            if (!ks.ok()) return state.SkipWithError("keygen failed");
            benchmark::DoNotOptimize(ks->get());
        }
        return;
    }
    EVP_PKEY_CTX* ctx = group == NamedGroup::x25519 ? EVP_PKEY_CTX_new_from_name(nullptr, "X25519", nullptr)
                                                    : EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
    EVP_PKEY_keygen_init(ctx);
    if (group != NamedGroup::x25519) EVP_PKEY_CTX_set_group_name(ctx, "P-256");
    for (auto _ : state) {
        EVP_PKEY* k = nullptr;
        if (EVP_PKEY_keygen(ctx, &k) != 1) return state.SkipWithError("keygen failed");
        EVP_PKEY_free(k);
    }
    EVP_PKEY_CTX_free(ctx);
}

void bm_agree(benchmark::State& state, Impl impl, NamedGroup group) {
    auto peer = qtls::default_provider()->generate_key_share(group);
    if (!peer.ok()) return state.SkipWithError("peer keygen failed");
    const ByteView peer_pub = (*peer)->public_key();
    if (impl.provider) {
        auto ks = impl.provider->generate_key_share(group);
        if (!ks.ok()) return state.SkipWithError("keygen failed");
        for (auto _ : state) {
            auto s = (*ks)->agree(peer_pub);
            if (!s.ok()) return state.SkipWithError("agree failed");
            benchmark::DoNotOptimize(s->view().data());
        }
        return;
    }
    // libcrypto: the peer public key is imported once (X25519: per
    // operation, as a TLS stack must; P-256 import is left out here).
    EVP_PKEY* own = group == NamedGroup::x25519 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519")
                                                : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    EVP_PKEY* peer_key = nullptr;
    if (group != NamedGroup::x25519) peer_key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    std::uint8_t secret[66];
    for (auto _ : state) {
        EVP_PKEY* p = peer_key;
        if (group == NamedGroup::x25519)
            p = EVP_PKEY_new_raw_public_key_ex(nullptr, "X25519", nullptr, peer_pub.data(), peer_pub.size());
        EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, own, nullptr);
        std::size_t len = sizeof secret;
        if (EVP_PKEY_derive_init(ctx) != 1 || EVP_PKEY_derive_set_peer(ctx, p) != 1 ||
            EVP_PKEY_derive(ctx, secret, &len) != 1)
            return state.SkipWithError("derive failed");
        EVP_PKEY_CTX_free(ctx);
        if (group == NamedGroup::x25519) EVP_PKEY_free(p);
    }
    EVP_PKEY_free(own);
    EVP_PKEY_free(peer_key);
}

// ---- signatures ----
void bm_sign(benchmark::State& state, SigCase sc, bool direct) {
    const auto msg = cv_message();
    if (!direct) {
        auto key = qtls::test::test_pki().leaf(sc.type)->key;
        for (auto _ : state) {
            auto sig = key->sign(sc.scheme, msg);
            if (!sig.ok()) return state.SkipWithError("sign failed");
        }
        return;
    }
    EVP_PKEY* key = load_pkey(cert_files(sc.type).key_pem);
    for (auto _ : state) {
        if (evp_sign(key, sc.scheme, msg).empty()) return state.SkipWithError("sign failed");
    }
    EVP_PKEY_free(key);
}

void bm_verify(benchmark::State& state, Impl impl, SigCase sc) {
    const auto msg = cv_message();
    const auto& leaf = *qtls::test::test_pki().leaf(sc.type);
    auto sig = leaf.key->sign(sc.scheme, msg);
    auto spki = qtls::certificate_public_key(leaf.chain.at(0));
    if (!sig.ok() || !spki.ok()) return state.SkipWithError("setup failed");
    if (impl.provider) {
        for (auto _ : state) {
            if (!impl.provider->verify_signature(sc.scheme, *spki, msg, *sig).ok())
                return state.SkipWithError("verify failed");
        }
        return;
    }
    // libcrypto: the public key is parsed once, outside the loop.
    const std::uint8_t* p = spki->data();
    EVP_PKEY* key = d2i_PUBKEY(nullptr, &p, static_cast<long>(spki->size()));
    for (auto _ : state) {
        EVP_MD_CTX* md = EVP_MD_CTX_new();
        if (!evp_init(md, key, sc.scheme, false) ||
            EVP_DigestVerify(md, sig->data(), sig->size(), msg.data(), msg.size()) != 1)
            return state.SkipWithError("verify failed");
        EVP_MD_CTX_free(md);
    }
    EVP_PKEY_free(key);
}

// ---- AEAD at 16 KiB ----
const EVP_CIPHER* evp_cipher(qtls::AeadAlg a) {
    switch (a) {
        case qtls::AeadAlg::aes_128_gcm: return EVP_aes_128_gcm();
        case qtls::AeadAlg::aes_256_gcm: return EVP_aes_256_gcm();
        case qtls::AeadAlg::chacha20_poly1305: return EVP_chacha20_poly1305();
    }
    return nullptr;
}

void bm_aead(benchmark::State& state, Impl impl, qtls::AeadAlg alg, bool seal) {
    constexpr std::size_t kLen = 16384;
    std::vector<std::uint8_t> key(qtls::aead_key_length(alg), 0x42), nonce(12, 0x24), aad(5, 0x17);
    std::vector<std::uint8_t> pt(kLen, 0x61), ct(kLen + qtls::kAeadTagLength), out(kLen + qtls::kAeadTagLength);
    if (impl.provider) {
        auto ctx = impl.provider->aead(alg, key);
        if (!ctx) return state.SkipWithError("no such AEAD in this provider");
        if (!ctx->seal(nonce, aad, pt, ct)) return state.SkipWithError("seal failed");
        for (auto _ : state) {
            const bool ok = seal ? ctx->seal(nonce, aad, pt, MutableByteView(out))
                                 : ctx->open(nonce, aad, ct, MutableByteView(out.data(), kLen));
            if (!ok) return state.SkipWithError("AEAD failed");
        }
    } else {
        EVP_CIPHER_CTX* e = EVP_CIPHER_CTX_new();
        EVP_CIPHER_CTX* d = EVP_CIPHER_CTX_new();
        EVP_EncryptInit_ex(e, evp_cipher(alg), nullptr, key.data(), nullptr);
        EVP_DecryptInit_ex(d, evp_cipher(alg), nullptr, key.data(), nullptr);
        auto do_seal = [&](std::uint8_t* dst) {
            int n = 0, f = 0;
            return EVP_EncryptInit_ex(e, nullptr, nullptr, nullptr, nonce.data()) == 1 &&
                   EVP_EncryptUpdate(e, nullptr, &n, aad.data(), static_cast<int>(aad.size())) == 1 &&
                   EVP_EncryptUpdate(e, dst, &n, pt.data(), static_cast<int>(kLen)) == 1 &&
                   EVP_EncryptFinal_ex(e, dst + n, &f) == 1 &&
                   EVP_CIPHER_CTX_ctrl(e, EVP_CTRL_AEAD_GET_TAG, 16, dst + kLen) == 1;
        };
        if (!do_seal(ct.data())) return state.SkipWithError("seal failed");
        for (auto _ : state) {
            bool ok;
            if (seal) {
                ok = do_seal(out.data());
            } else {
                int n = 0, f = 0;
                ok = EVP_DecryptInit_ex(d, nullptr, nullptr, nullptr, nonce.data()) == 1 &&
                     EVP_DecryptUpdate(d, nullptr, &n, aad.data(), static_cast<int>(aad.size())) == 1 &&
                     EVP_DecryptUpdate(d, out.data(), &n, ct.data(), static_cast<int>(kLen)) == 1 &&
                     EVP_CIPHER_CTX_ctrl(d, EVP_CTRL_AEAD_SET_TAG, 16, ct.data() + kLen) == 1 &&
                     EVP_DecryptFinal_ex(d, out.data() + n, &f) == 1;
            }
            if (!ok) return state.SkipWithError("AEAD failed");
        }
        EVP_CIPHER_CTX_free(e);
        EVP_CIPHER_CTX_free(d);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(kLen));
}

// ---- HKDF-Expand-Label (RFC 8446 §7.1) as the key schedule calls it ----
void bm_hkdf(benchmark::State& state, Impl impl) {
    const std::vector<std::uint8_t> prk(32, 0x0b);
    // HkdfLabel: length 32, "tls13 c hs traffic", a 32-byte context; one
    // trailing byte for the libcrypto path's HMAC counter (T(1) = HMAC(PRK, info | 0x01)).
    const std::string_view label = "tls13 c hs traffic";
    std::array<std::uint8_t, 2 + 1 + 18 + 1 + 32 + 1> buf{};
    buf[1] = 32;
    buf[2] = static_cast<std::uint8_t>(label.size());
    std::memcpy(buf.data() + 3, label.data(), label.size());
    buf[3 + label.size()] = 32;
    std::memset(buf.data() + 4 + label.size(), 0x5a, 32);
    buf.back() = 1;
    const ByteView info(buf.data(), buf.size() - 1);
    std::uint8_t out[32];
    if (impl.provider) {
        for (auto _ : state) {
            if (!impl.provider->hkdf_expand(qtls::HashAlg::sha256, prk, info, MutableByteView(out)))
                return state.SkipWithError("hkdf failed");
        }
        return;
    }
    // libcrypto: one HMAC-SHA256 (one output block) with a pre-fetched digest.
    const EVP_MD* md = EVP_sha256();
    for (auto _ : state) {
        std::uint8_t t[EVP_MAX_MD_SIZE];
        unsigned len = 0;
        if (!HMAC(md, prk.data(), static_cast<int>(prk.size()), buf.data(), buf.size(), t, &len))
            return state.SkipWithError("hmac failed");
        std::memcpy(out, t, sizeof out);
    }
}

// ---- the symmetric work of one real handshake, per side ----
struct HandshakeLogs {
    std::shared_ptr<CryptoLog> client = std::make_shared<CryptoLog>();
    std::shared_ptr<CryptoLog> server = std::make_shared<CryptoLog>();
    bool ok = false;
};

// One record::Connection handshake (as in qtls_bench_handshake) with both
// providers recorded.
const HandshakeLogs& handshake_logs(KeyType cert) {
    static std::map<KeyType, HandshakeLogs> cache;
    auto it = cache.find(cert);
    if (it != cache.end()) return it->second;
    HandshakeLogs& logs = cache[cert];
    auto cc = std::make_shared<qtls::ClientConfig>();
    cc->provider = recording_provider(qtls::default_provider(), logs.client);
    cc->cipher_suites = {qtls::CipherSuite::aes_128_gcm_sha256};
    cc->groups = cc->key_share_groups = {NamedGroup::x25519};
    cc->verifier = qtls::test::test_pki().verifier();
    auto sc = std::make_shared<qtls::ServerConfig>();
    sc->provider = recording_provider(qtls::default_provider(), logs.server);
    sc->cipher_suites = {qtls::CipherSuite::aes_128_gcm_sha256};
    sc->groups = {NamedGroup::x25519};
    sc->cert_resolver = qtls::single_cert_resolver(qtls::test::test_pki().leaf(cert));
    auto c = qtls::record::Connection::client(cc, qtls::ClientOptions{std::string(kHostName), qtls::Transport::tcp, {}});
    auto s = qtls::record::Connection::server(sc);
    if (!c.ok() || !s.ok()) return logs;
    auto move = [](qtls::record::Connection& from, qtls::record::Connection& to) {
        while (from.wants_write()) {
            auto n = to.read_tls(from.pending_tls());
            if (!n.ok() || *n == 0 || !to.process().ok()) return false;
            from.consume_tls(*n);
        }
        return true;
    };
    for (int i = 0; i < 16 && !(c->handshake_complete() && s->handshake_complete()); ++i)
        if (!move(*c, *s) || !move(*s, *c)) return logs;
    logs.ok = c->handshake_complete() && s->handshake_complete();
    return logs;
}

void bm_symmetric(benchmark::State& state, KeyType cert, bool client) {
    const HandshakeLogs& logs = handshake_logs(cert);
    if (!logs.ok) return state.SkipWithError("recording handshake failed");
    const CryptoLog& log = client ? *logs.client : *logs.server;
    auto provider = qtls::default_provider();
    for (auto _ : state) {
        if (!replay_symmetric(log, *provider)) return state.SkipWithError("replay failed");
    }
    state.counters["keygen"] = static_cast<double>(log.count(CryptoOp::keygen));
    state.counters["agree"] = static_cast<double>(log.count(CryptoOp::agree));
    state.counters["verify"] = static_cast<double>(log.count(CryptoOp::verify));
    state.counters["hash_updates"] = static_cast<double>(log.count(CryptoOp::hash_update));
    state.counters["hash_peeks"] = static_cast<double>(log.count(CryptoOp::hash_peek));
    state.counters["hash_contexts"] =
        static_cast<double>(log.count(CryptoOp::hash_new) + log.count(CryptoOp::hash_clone));
    state.counters["hkdf"] = static_cast<double>(log.count(CryptoOp::hkdf_expand) + log.count(CryptoOp::hkdf_extract));
    state.counters["hmac"] = static_cast<double>(log.count(CryptoOp::hmac));
    state.counters["aead_keys"] = static_cast<double>(log.count(CryptoOp::aead_new));
    state.counters["records"] = static_cast<double>(log.count(CryptoOp::aead_seal) + log.count(CryptoOp::aead_open));
}

template <class F>
void reg(const std::string& name, F f) {
    benchmark::RegisterBenchmark(name.c_str(), f)->Unit(benchmark::kMicrosecond);
}

// Whether `impl` has the primitive at all (libsodium lacks the NIST curves,
// RSA/ECDSA and AES-128-GCM): unsupported pairs are not registered.
bool has_group(const Impl& impl, NamedGroup g) {
    return !impl.provider || impl.provider->generate_key_share(g).ok();
}
bool has_verify(const Impl& impl, const SigCase& sc) {
    if (!impl.provider) return true;
    const auto msg = cv_message();
    const auto& leaf = *qtls::test::test_pki().leaf(sc.type);
    auto sig = leaf.key->sign(sc.scheme, msg);
    auto spki = qtls::certificate_public_key(leaf.chain.at(0));
    return sig.ok() && spki.ok() && impl.provider->verify_signature(sc.scheme, *spki, msg, *sig).ok();
}
bool has_aead(const Impl& impl, qtls::AeadAlg alg) {
    const std::vector<std::uint8_t> key(qtls::aead_key_length(alg), 1);
    return !impl.provider || impl.provider->aead(alg, key) != nullptr;
}

}  // namespace

void register_all() {
    for (const Impl& impl : impls()) {
        const std::string n = impl.name;
        reg("prim/HKDF-Expand-Label-SHA256/" + n, [=](benchmark::State& s) { bm_hkdf(s, impl); });
        if (has_group(impl, NamedGroup::x25519)) {
            reg("prim/X25519-keygen/" + n, [=](benchmark::State& s) { bm_keygen(s, impl, NamedGroup::x25519); });
            reg("prim/X25519-agree/" + n, [=](benchmark::State& s) { bm_agree(s, impl, NamedGroup::x25519); });
        }
        if (has_group(impl, NamedGroup::secp256r1)) {
            reg("prim/P256-keygen/" + n, [=](benchmark::State& s) { bm_keygen(s, impl, NamedGroup::secp256r1); });
            reg("prim/P256-agree/" + n, [=](benchmark::State& s) { bm_agree(s, impl, NamedGroup::secp256r1); });
        }
    }
    for (const SigCase& sc : kSigCases) {
        const std::string l = sc.label;
        reg("prim/sign-" + l + "/qtls_signer", [=](benchmark::State& s) { bm_sign(s, sc, false); });
        reg("prim/sign-" + l + "/libcrypto", [=](benchmark::State& s) { bm_sign(s, sc, true); });
        for (const Impl& impl : impls())
            if (has_verify(impl, sc))
                reg("prim/verify-" + l + "/" + impl.name, [=](benchmark::State& s) { bm_verify(s, impl, sc); });
    }
    for (qtls::AeadAlg alg : {qtls::AeadAlg::aes_128_gcm, qtls::AeadAlg::aes_256_gcm, qtls::AeadAlg::chacha20_poly1305}) {
        const std::string l = alg == qtls::AeadAlg::aes_128_gcm   ? "AES-128-GCM"
                              : alg == qtls::AeadAlg::aes_256_gcm ? "AES-256-GCM"
                                                                  : "ChaCha20-Poly1305";
        for (const Impl& impl : impls()) {
            if (!has_aead(impl, alg)) continue;
            reg("prim/seal-" + l + "-16KiB/" + impl.name, [=](benchmark::State& s) { bm_aead(s, impl, alg, true); });
            reg("prim/open-" + l + "-16KiB/" + impl.name, [=](benchmark::State& s) { bm_aead(s, impl, alg, false); });
        }
    }
    for (const SigCase& sc : kSigCases) {
        for (bool client : {true, false}) {
            reg(std::string("prim/handshake-symmetric/") + sc.label + (client ? "/client" : "/server"),
                [=](benchmark::State& s) { bm_symmetric(s, sc.type, client); });
        }
    }
}

}  // namespace qbench

// Registration needs the providers and the test PKI, so it runs in main()
// rather than during static initialisation.
int main(int argc, char** argv) {
    qbench::register_all();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
