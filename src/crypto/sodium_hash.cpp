// SHA-2, HMAC and HKDF with libsodium. libsodium has SHA-256 and SHA-512 but
// no SHA-384, so the SHA-384 entry points report "unavailable" (nullptr, an
// empty Digest/Secret, false): callers must use another provider for
// TLS_AES_256_GCM_SHA384.
#include <sodium.h>

#include <algorithm>
#include <array>

#include "crypto/sodium_primitives.h"

namespace qtls::crypto::sodium {

namespace {

// RFC 5869 §2.3: at most 255 blocks of output.
constexpr std::size_t kHkdfMaxBlocks = 255;
// RFC 5869 §2.2: an absent salt is HashLen zero bytes (equal to an empty HMAC
// key, which HMAC zero-pads: RFC 2104 §2).
constexpr std::array<std::uint8_t, kMaxSecretLength> kZeros{};

struct Sha256 {
    using State = crypto_hash_sha256_state;
    static constexpr std::size_t kLen = crypto_hash_sha256_BYTES;
    static void init(State* s) { crypto_hash_sha256_init(s); }
    static void update(State* s, ByteView d) { crypto_hash_sha256_update(s, d.data(), d.size()); }
    static void final(State* s, std::uint8_t* out) { crypto_hash_sha256_final(s, out); }
};

struct Sha512 {
    using State = crypto_hash_sha512_state;
    static constexpr std::size_t kLen = crypto_hash_sha512_BYTES;
    static void init(State* s) { crypto_hash_sha512_init(s); }
    static void update(State* s, ByteView d) { crypto_hash_sha512_update(s, d.data(), d.size()); }
    static void final(State* s, std::uint8_t* out) { crypto_hash_sha512_final(s, out); }
};

struct HmacSha256 {
    using State = crypto_auth_hmacsha256_state;
    static constexpr std::size_t kLen = crypto_auth_hmacsha256_BYTES;
    static void init(State* s, ByteView k) { crypto_auth_hmacsha256_init(s, k.data(), k.size()); }
    static void update(State* s, ByteView d) { crypto_auth_hmacsha256_update(s, d.data(), d.size()); }
    static void final(State* s, std::uint8_t* out) { crypto_auth_hmacsha256_final(s, out); }
};

struct HmacSha512 {
    using State = crypto_auth_hmacsha512_state;
    static constexpr std::size_t kLen = crypto_auth_hmacsha512_BYTES;
    static void init(State* s, ByteView k) { crypto_auth_hmacsha512_init(s, k.data(), k.size()); }
    static void update(State* s, ByteView d) { crypto_auth_hmacsha512_update(s, d.data(), d.size()); }
    static void final(State* s, std::uint8_t* out) { crypto_auth_hmacsha512_final(s, out); }
};

template <class H>
class SodiumHash final : public HashContext {
public:
    SodiumHash() { H::init(&state_); }

    void update(ByteView data) override { H::update(&state_, data); }

    Digest peek() const override {
        // The state is a plain struct: finalising a copy leaves the running
        // transcript hash open (RFC 8446 §4.4.1).
        typename H::State copy = state_;
        Digest d;
        H::final(&copy, d.bytes.data());
        d.len = H::kLen;
        return d;
    }

    std::unique_ptr<HashContext> clone() const override { return std::make_unique<SodiumHash>(*this); }

private:
    typename H::State state_;
};

// Guards an HMAC state: keyed states are as good as the key, so wipe them.
template <class M>
struct KeyedState {
    typename M::State s;
    explicit KeyedState(ByteView key) {
        // libsodium reads key.size() bytes; give it a valid pointer when empty.
        M::init(&s, key.empty() ? ByteView(kZeros.data(), 0) : key);
    }
    KeyedState(const KeyedState&) = default;
    KeyedState& operator=(const KeyedState&) = delete;
    ~KeyedState() { sodium_memzero(&s, sizeof(s)); }
};

template <class M>
Digest hmac_with(ByteView key, ByteView data) {
    KeyedState<M> st(key);
    M::update(&st.s, data);
    Digest d;
    M::final(&st.s, d.bytes.data());
    d.len = M::kLen;
    return d;
}

template <class M>
Secret extract_with(ByteView salt, ByteView ikm) {
    // RFC 5869 §2.2: PRK = HMAC-Hash(salt, IKM).
    Digest prk = hmac_with<M>(salt.empty() ? ByteView(kZeros.data(), M::kLen) : salt, ikm);
    Secret s(prk.view());
    sodium_memzero(prk.bytes.data(), prk.bytes.size());
    return s;
}

template <class M>
bool expand_with(ByteView prk, ByteView info, MutableByteView out) {
    // RFC 5869 §2.3: T(i) = HMAC-Hash(PRK, T(i-1) | info | i). The keyed state
    // is computed once and copied per block.
    if (out.size() > kHkdfMaxBlocks * M::kLen) return false;
    const KeyedState<M> keyed(prk);
    std::array<std::uint8_t, M::kLen> t{};
    std::size_t done = 0;
    for (std::size_t i = 1; done < out.size(); ++i) {
        KeyedState<M> st(keyed);
        if (i > 1) M::update(&st.s, t);
        M::update(&st.s, info);
        const std::uint8_t counter = static_cast<std::uint8_t>(i);
        M::update(&st.s, ByteView(&counter, 1));
        M::final(&st.s, t.data());
        const std::size_t n = std::min(M::kLen, out.size() - done);
        std::copy_n(t.begin(), n, out.begin() + static_cast<std::ptrdiff_t>(done));
        done += n;
    }
    sodium_memzero(t.data(), t.size());
    return true;
}

}  // namespace

std::unique_ptr<HashContext> new_hash(HashAlg alg) {
    if (!ready()) return nullptr;
    switch (alg) {
        case HashAlg::sha256: return std::make_unique<SodiumHash<Sha256>>();
        case HashAlg::sha512: return std::make_unique<SodiumHash<Sha512>>();
        case HashAlg::sha384: return nullptr;  // not in libsodium
    }
    return nullptr;
}

// For SHA-384 (absent from libsodium) this returns an empty Digest (len 0).
Digest hmac(HashAlg alg, ByteView key, ByteView data) {
    if (!ready()) return {};
    switch (alg) {
        case HashAlg::sha256: return hmac_with<HmacSha256>(key, data);
        case HashAlg::sha512: return hmac_with<HmacSha512>(key, data);
        case HashAlg::sha384: return {};
    }
    return {};
}

Secret hkdf_extract(HashAlg alg, ByteView salt, ByteView ikm) {
    if (!ready()) return {};
    switch (alg) {
        case HashAlg::sha256: return extract_with<HmacSha256>(salt, ikm);
        case HashAlg::sha512: return extract_with<HmacSha512>(salt, ikm);
        case HashAlg::sha384: return {};
    }
    return {};
}

bool hkdf_expand(HashAlg alg, ByteView prk, ByteView info, MutableByteView out) {
    if (!ready()) return false;
    switch (alg) {
        case HashAlg::sha256: return expand_with<HmacSha256>(prk, info, out);
        case HashAlg::sha512: return expand_with<HmacSha512>(prk, info, out);
        case HashAlg::sha384: return false;
    }
    return false;
}

}  // namespace qtls::crypto::sodium
