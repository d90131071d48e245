/// @file
/// Basic vocabulary shared by every public header: byte views and the
/// TLS 1.3 code points qtls negotiates (RFC 8446 §4.2, IANA registries).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>
#include "qtls/export.h"

// Everything declared below is part of the exported API (qtls/export.h).
QTLS_PUBLIC_BEGIN

namespace qtls {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;
using MutableByteView = std::span<std::uint8_t>;

inline ByteView as_bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

enum class Side : std::uint8_t { client, server };

/// RFC 8446 §B.4.
enum class CipherSuite : std::uint16_t {
    aes_128_gcm_sha256 = 0x1301,
    aes_256_gcm_sha384 = 0x1302,
    chacha20_poly1305_sha256 = 0x1303,
};

enum class HashAlg : std::uint8_t { sha256, sha384, sha512 };
enum class AeadAlg : std::uint8_t { aes_128_gcm, aes_256_gcm, chacha20_poly1305 };

/// RFC 8446 §4.2.7 (ECDHE groups only; FFDHE is not offered).
enum class NamedGroup : std::uint16_t {
    secp256r1 = 0x0017,
    secp384r1 = 0x0018,
    x25519 = 0x001d,
};

/// RFC 8446 §4.2.3.
enum class SignatureScheme : std::uint16_t {
    rsa_pkcs1_sha256 = 0x0401,  // certificates only (signature_algorithms_cert)
    rsa_pkcs1_sha384 = 0x0501,
    rsa_pkcs1_sha512 = 0x0601,
    ecdsa_secp256r1_sha256 = 0x0403,
    ecdsa_secp384r1_sha384 = 0x0503,
    ecdsa_secp521r1_sha512 = 0x0603,
    rsa_pss_rsae_sha256 = 0x0804,
    rsa_pss_rsae_sha384 = 0x0805,
    rsa_pss_rsae_sha512 = 0x0806,
    ed25519 = 0x0807,
    rsa_pss_pss_sha256 = 0x0809,
    rsa_pss_pss_sha384 = 0x080a,
    rsa_pss_pss_sha512 = 0x080b,
};

/// Epochs are QUIC's encryption levels; TLS over TCP uses the last three.
enum class Epoch : std::uint8_t { initial = 0, early_data = 1, handshake = 2, application = 3 };
inline constexpr std::size_t kEpochCount = 4;

enum class Direction : std::uint8_t { read, write };

struct SuiteInfo {
    CipherSuite suite;
    HashAlg hash;
    AeadAlg aead;
    std::size_t hash_len;
    std::size_t key_len;
    std::string_view name;
};

/// Returns nullptr for a suite qtls does not implement.
const SuiteInfo* suite_info(CipherSuite suite);
const SuiteInfo* suite_info(std::uint16_t code);

std::size_t hash_length(HashAlg alg);
std::size_t aead_key_length(AeadAlg alg);
inline constexpr std::size_t kAeadTagLength = 16;
inline constexpr std::size_t kAeadNonceLength = 12;

std::string_view to_string(CipherSuite s);
std::string_view to_string(NamedGroup g);
std::string_view to_string(SignatureScheme s);
std::string_view to_string(Epoch e);

}  // namespace qtls

namespace qtls {
/// Parse the names users type (as printed by to_string, plus the common
/// OpenSSL / IANA spellings): "X25519", "P-256", "secp256r1", "prime256v1",
/// "TLS_AES_128_GCM_SHA256", "rsa_pss_rsae_sha256", "ed25519", ...
std::optional<NamedGroup> parse_group(std::string_view name);
std::optional<CipherSuite> parse_cipher_suite(std::string_view name);
std::optional<SignatureScheme> parse_signature_scheme(std::string_view name);
}  // namespace qtls
QTLS_PUBLIC_END
