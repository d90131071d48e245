// Address validation tokens (RFC 9000 §8.1.2 Retry, §8.1.3 NEW_TOKEN) and
// stateless reset tokens (RFC 9000 §10.3). Only the issuing server reads its
// tokens, so the format is ours: magic ‖ AES-128-GCM(plaintext) ‖ 16 random
// bytes, with keys derived by HKDF-SHA256 from the server secret and the
// random bytes. Lengths and magic bytes are those of ngtcp2_crypto.h.
#include <cstring>
#include <string>

#include "backend.h"

using namespace qtls;
using namespace qtls::ngtcp2_backend;

namespace {

constexpr std::size_t kTokenKeyLength = 16;  // AES-128-GCM
constexpr std::size_t kRandLength = NGTCP2_CRYPTO_TOKEN_RAND_DATALEN;
constexpr std::size_t kTimestampLength = sizeof(ngtcp2_tstamp);
constexpr std::size_t kSockaddrLength = sizeof(ngtcp2_sockaddr_union);

// Plaintext layouts.
constexpr std::size_t kRetryPlainLength = 1 + NGTCP2_MAX_CIDLEN + kTimestampLength;
constexpr std::size_t kRetry2PlainLength = kSockaddrLength + 1 + NGTCP2_MAX_CIDLEN + kTimestampLength;
constexpr std::size_t kRegularPlainLength = kTimestampLength;

static_assert(1 + kRetryPlainLength + kAeadTagLength + kRandLength == NGTCP2_CRYPTO_MAX_RETRY_TOKENLEN);
static_assert(1 + kRetry2PlainLength + kAeadTagLength + kRandLength == NGTCP2_CRYPTO_MAX_RETRY_TOKENLEN2);
static_assert(1 + kRegularPlainLength + kAeadTagLength + kRandLength == NGTCP2_CRYPTO_MAX_REGULAR_TOKENLEN);

struct TokenCipher {
    std::unique_ptr<AeadContext> aead;
    quic::Nonce iv{};
};


// key = HKDF-Expand(PRK, prefix + " key", 16), iv = HKDF-Expand(PRK, prefix
// + " iv", 12), PRK = HKDF-Extract(salt = rand, IKM = secret), SHA-256.
TokenCipher token_cipher(ByteView secret, ByteView rand, std::string_view prefix) {
    const CryptoProvider& p = provider();
    Secret prk = p.hkdf_extract(HashAlg::sha256, rand, secret);
    std::string key_info = std::string(prefix) + " key";
    std::string iv_info = std::string(prefix) + " iv";
    Secret key;
    key.resize(kTokenKeyLength);
    TokenCipher tc;
    if (prk.empty() || !p.hkdf_expand(HashAlg::sha256, prk.view(), as_bytes(key_info), key.mutable_view()) ||
        !p.hkdf_expand(HashAlg::sha256, prk.view(), as_bytes(iv_info), tc.iv))
        return tc;
    tc.aead = p.aead(AeadAlg::aes_128_gcm, key.view());
    return tc;
}

void put_be(uint8_t* out, uint64_t v, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(v >> (8 * (n - 1 - i)));
}
uint64_t get_be(const uint8_t* in, std::size_t n) {
    uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v = (v << 8) | in[i];
    return v;
}

Bytes cid_bytes(const ngtcp2_cid* cid) { return Bytes(cid->data, cid->data + cid->datalen); }

// Seals `plain` into token = magic ‖ ct ‖ rand; returns the token length or -1.
ngtcp2_ssize seal_token(uint8_t* token, uint8_t magic, ByteView plain, ByteView aad, ByteView secret,
                        std::string_view prefix) {
    uint8_t* rand = token + 1 + plain.size() + kAeadTagLength;
    provider().random(MutableByteView(rand, kRandLength));
    TokenCipher tc = token_cipher(secret, ByteView(rand, kRandLength), prefix);
    if (!tc.aead) return -1;
    token[0] = magic;
    if (!tc.aead->seal(tc.iv, aad, plain, MutableByteView(token + 1, plain.size() + kAeadTagLength))) return -1;
    return static_cast<ngtcp2_ssize>(1 + plain.size() + kAeadTagLength + kRandLength);
}

// Opens a token of exactly 1 + plain_len + tag + rand bytes into `plain`.
bool open_token(const uint8_t* token, size_t tokenlen, uint8_t magic, MutableByteView plain, ByteView aad,
                ByteView secret, std::string_view prefix) {
    if (tokenlen != 1 + plain.size() + kAeadTagLength + kRandLength || token[0] != magic) return false;
    TokenCipher tc = token_cipher(secret, ByteView(token + tokenlen - kRandLength, kRandLength), prefix);
    if (!tc.aead) return false;
    return tc.aead->open(tc.iv, aad, ByteView(token + 1, plain.size() + kAeadTagLength), plain);
}

bool fresh(uint64_t issued, ngtcp2_duration timeout, ngtcp2_tstamp now) {
    return issued <= now && issued + timeout > now;
}

Bytes retry_aad(uint32_t version, const ngtcp2_sockaddr* addr, ngtcp2_socklen addrlen, const ngtcp2_cid* scid) {
    Bytes aad(4);
    put_be(aad.data(), version, 4);
    const auto* a = reinterpret_cast<const uint8_t*>(addr);
    aad.insert(aad.end(), a, a + addrlen);
    Bytes c = cid_bytes(scid);
    aad.insert(aad.end(), c.begin(), c.end());
    return aad;
}

// The address as a zero-padded ngtcp2_sockaddr_union image.
std::array<uint8_t, kSockaddrLength> sockaddr_image(const ngtcp2_sockaddr* addr, ngtcp2_socklen addrlen) {
    std::array<uint8_t, kSockaddrLength> out{};
    std::memcpy(out.data(), addr, std::min<std::size_t>(addrlen, kSockaddrLength));
    return out;
}

// RFC 9000 §8.1.3: a NEW_TOKEN token is bound to the client IP, not the port.
Bytes ip_bytes(const ngtcp2_sockaddr* addr) {
    if (addr->sa_family == NGTCP2_AF_INET) {
        const auto* in = reinterpret_cast<const ngtcp2_sockaddr_in*>(addr);
        const auto* p = reinterpret_cast<const uint8_t*>(&in->sin_addr);
        return Bytes(p, p + sizeof in->sin_addr);
    }
    if (addr->sa_family == NGTCP2_AF_INET6) {
        const auto* in6 = reinterpret_cast<const ngtcp2_sockaddr_in6*>(addr);
        const auto* p = reinterpret_cast<const uint8_t*>(&in6->sin6_addr);
        return Bytes(p, p + sizeof in6->sin6_addr);
    }
    return {};
}

}  // namespace

extern "C" {

// RFC 9000 §10.3.2: a token derived from a static key and the CID.
int ngtcp2_crypto_generate_stateless_reset_token(uint8_t* token, const uint8_t* secret, size_t secretlen,
                                                 const ngtcp2_cid* cid) {
    static constexpr std::string_view kInfo = "stateless_reset";
    ngtcp2_crypto_md md;
    ngtcp2_crypto_md_init(&md, ngtcp2_crypto_qtls_md_sha256());
    return ngtcp2_crypto_hkdf(token, NGTCP2_STATELESS_RESET_TOKENLEN, &md, secret, secretlen, cid->data, cid->datalen,
                              reinterpret_cast<const uint8_t*>(kInfo.data()), kInfo.size()) == 0
               ? 0
               : -1;
}

ngtcp2_ssize ngtcp2_crypto_generate_retry_token(uint8_t* token, const uint8_t* secret, size_t secretlen,
                                                uint32_t version, const ngtcp2_sockaddr* remote_addr,
                                                ngtcp2_socklen remote_addrlen, const ngtcp2_cid* retry_scid,
                                                const ngtcp2_cid* odcid, ngtcp2_tstamp ts) {
    uint8_t plain[kRetryPlainLength] = {};
    plain[0] = static_cast<uint8_t>(odcid->datalen);
    std::memcpy(plain + 1, odcid->data, odcid->datalen);
    put_be(plain + 1 + NGTCP2_MAX_CIDLEN, ts, kTimestampLength);
    Bytes aad = retry_aad(version, remote_addr, remote_addrlen, retry_scid);
    return seal_token(token, NGTCP2_CRYPTO_TOKEN_MAGIC_RETRY, plain, aad, ByteView(secret, secretlen), "retry_token");
}

int ngtcp2_crypto_verify_retry_token(ngtcp2_cid* odcid, const uint8_t* token, size_t tokenlen, const uint8_t* secret,
                                     size_t secretlen, uint32_t version, const ngtcp2_sockaddr* remote_addr,
                                     ngtcp2_socklen remote_addrlen, const ngtcp2_cid* dcid, ngtcp2_duration timeout,
                                     ngtcp2_tstamp ts) {
    uint8_t plain[kRetryPlainLength];
    Bytes aad = retry_aad(version, remote_addr, remote_addrlen, dcid);
    if (!open_token(token, tokenlen, NGTCP2_CRYPTO_TOKEN_MAGIC_RETRY, plain, aad, ByteView(secret, secretlen),
                    "retry_token"))
        return -1;
    if (plain[0] > NGTCP2_MAX_CIDLEN) return -1;
    if (!fresh(get_be(plain + 1 + NGTCP2_MAX_CIDLEN, kTimestampLength), timeout, ts)) return -1;
    ngtcp2_cid_init(odcid, plain + 1, plain[0]);
    return 0;
}

ngtcp2_ssize ngtcp2_crypto_generate_retry_token2(uint8_t* token, const uint8_t* secret, size_t secretlen,
                                                 uint32_t version, const ngtcp2_sockaddr* remote_addr,
                                                 ngtcp2_socklen remote_addrlen, const ngtcp2_cid* retry_scid,
                                                 const ngtcp2_cid* odcid, ngtcp2_tstamp ts) {
    uint8_t plain[kRetry2PlainLength] = {};
    auto image = sockaddr_image(remote_addr, remote_addrlen);
    std::memcpy(plain, image.data(), image.size());
    plain[kSockaddrLength] = static_cast<uint8_t>(odcid->datalen);
    std::memcpy(plain + kSockaddrLength + 1, odcid->data, odcid->datalen);
    put_be(plain + kSockaddrLength + 1 + NGTCP2_MAX_CIDLEN, ts, kTimestampLength);
    Bytes aad(4);
    put_be(aad.data(), version, 4);
    Bytes c = cid_bytes(retry_scid);
    aad.insert(aad.end(), c.begin(), c.end());
    return seal_token(token, NGTCP2_CRYPTO_TOKEN_MAGIC_RETRY2, plain, aad, ByteView(secret, secretlen),
                      "retry_token2");
}

int ngtcp2_crypto_verify_retry_token2(ngtcp2_cid* odcid, const uint8_t* token, size_t tokenlen, const uint8_t* secret,
                                      size_t secretlen, uint32_t version, const ngtcp2_sockaddr* remote_addr,
                                      ngtcp2_socklen remote_addrlen, const ngtcp2_cid* dcid, ngtcp2_duration timeout,
                                      ngtcp2_tstamp ts) {
    uint8_t plain[kRetry2PlainLength];
    Bytes aad(4);
    put_be(aad.data(), version, 4);
    Bytes c = cid_bytes(dcid);
    aad.insert(aad.end(), c.begin(), c.end());
    if (!open_token(token, tokenlen, NGTCP2_CRYPTO_TOKEN_MAGIC_RETRY2, plain, aad, ByteView(secret, secretlen),
                    "retry_token2"))
        return NGTCP2_CRYPTO_ERR_UNREADABLE_TOKEN;
    auto image = sockaddr_image(remote_addr, remote_addrlen);
    if (std::memcmp(plain, image.data(), image.size()) != 0) return NGTCP2_CRYPTO_ERR_VERIFY_TOKEN;
    const uint8_t cidlen = plain[kSockaddrLength];
    if (cidlen > NGTCP2_MAX_CIDLEN) return NGTCP2_CRYPTO_ERR_VERIFY_TOKEN;
    if (!fresh(get_be(plain + kSockaddrLength + 1 + NGTCP2_MAX_CIDLEN, kTimestampLength), timeout, ts))
        return NGTCP2_CRYPTO_ERR_VERIFY_TOKEN;
    ngtcp2_cid_init(odcid, plain + kSockaddrLength + 1, cidlen);
    return 0;
}

ngtcp2_ssize ngtcp2_crypto_generate_regular_token(uint8_t* token, const uint8_t* secret, size_t secretlen,
                                                  const ngtcp2_sockaddr* remote_addr, ngtcp2_socklen,
                                                  ngtcp2_tstamp ts) {
    uint8_t plain[kRegularPlainLength];
    put_be(plain, ts, kTimestampLength);
    Bytes aad = ip_bytes(remote_addr);
    if (aad.empty()) return -1;
    return seal_token(token, NGTCP2_CRYPTO_TOKEN_MAGIC_REGULAR, plain, aad, ByteView(secret, secretlen),
                      "regular_token");
}

int ngtcp2_crypto_verify_regular_token(const uint8_t* token, size_t tokenlen, const uint8_t* secret, size_t secretlen,
                                       const ngtcp2_sockaddr* remote_addr, ngtcp2_socklen, ngtcp2_duration timeout,
                                       ngtcp2_tstamp ts) {
    uint8_t plain[kRegularPlainLength];
    Bytes aad = ip_bytes(remote_addr);
    if (aad.empty()) return -1;
    if (!open_token(token, tokenlen, NGTCP2_CRYPTO_TOKEN_MAGIC_REGULAR, plain, aad, ByteView(secret, secretlen),
                    "regular_token"))
        return -1;
    return fresh(get_be(plain, kTimestampLength), timeout, ts) ? 0 : -1;
}

}  // extern "C"
