/// @file
/// QUIC packet protection (RFC 9001 §5) for QUIC v1 and QUIC v2 (RFC 9369
/// §3.3): Initial secrets, packet keys, AEAD payload protection, header
/// protection, key update secrets and Retry integrity tags. Everything is
/// written against CryptoProvider; nothing here names a crypto library.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>

#include "qtls/error.h"
#include "qtls/provider.h"
#include "qtls/secret.h"
#include "qtls/types.h"
#include "qtls/export.h"

// Everything declared below is part of the exported API (qtls/export.h).
QTLS_PUBLIC_BEGIN

namespace qtls::quic {

/// The QUIC versions whose packet protection qtls implements.
enum class Version : std::uint32_t {
    v1 = 0x00000001,  // RFC 9000 §15
    v2 = 0x6b3343cf,  // RFC 9369 §3.1
};

/// HKDF-Expand-Label labels (without the "tls13 " prefix): RFC 9001 §5.1 and
/// §6.1 for v1, RFC 9369 §3.3.2 for v2.
struct VersionLabels {
    std::string_view key;
    std::string_view iv;
    std::string_view hp;
    std::string_view ku;
};

/// The per-version constants of packet protection.
struct VersionInfo {
    Version version;
    VersionLabels labels;
    ByteView initial_salt;  ///< RFC 9001 §5.2, RFC 9369 §3.3.1 (20 bytes)
    ByteView retry_key;     ///< RFC 9001 §5.8, RFC 9369 §3.3.3 (AES-128-GCM key, 16 bytes)
    ByteView retry_nonce;   ///< same sections (12 bytes)
};

/// nullptr for a version qtls does not implement.
const VersionInfo* version_info(Version v);
const VersionInfo* version_info(std::uint32_t wire_version);

/// RFC 9000 §17.2: connection IDs are at most 20 bytes in v1 (and v2).
inline constexpr std::size_t kMaxConnectionIdLength = 20;
/// RFC 9001 §5.4.2: the header protection sample is 16 bytes, taken 4 bytes
/// after the start of the Packet Number field.
inline constexpr std::size_t kHeaderProtectionSampleLength = 16;
inline constexpr std::size_t kSampleOffsetFromPacketNumber = 4;
inline constexpr std::size_t kHeaderProtectionMaskLength = 5;
/// RFC 9000 §17.1: packet numbers are 1 to 4 bytes on the wire, at most 2^62 - 1.
inline constexpr std::size_t kMaxPacketNumberLength = 4;
inline constexpr std::uint64_t kMaxPacketNumber = (std::uint64_t{1} << 62) - 1;
/// RFC 9001 §5.8: the Retry Integrity Tag is a 16-byte AES-128-GCM tag.
inline constexpr std::size_t kRetryIntegrityTagLength = 16;
/// Initial packets always use TLS_AES_128_GCM_SHA256 (RFC 9001 §5.2).
inline constexpr CipherSuite kInitialSuite = CipherSuite::aes_128_gcm_sha256;

using Nonce = std::array<std::uint8_t, kAeadNonceLength>;
using HeaderMask = std::array<std::uint8_t, kHeaderProtectionMaskLength>;
using RetryTag = std::array<std::uint8_t, kRetryIntegrityTagLength>;

// ---- secrets and keys ----

/// RFC 9001 §5.2: initial_secret = HKDF-Extract(initial_salt, client_dcid);
/// client/server secrets = HKDF-Expand-Label(initial_secret, "client in" /
/// "server in", "", 32), all with SHA-256.
struct InitialSecrets {
    Secret client;
    Secret server;
};
Result<InitialSecrets> derive_initial_secrets(const CryptoProvider& p, Version v, ByteView client_dcid);

/// Packet protection keys from one traffic secret (RFC 9001 §5.1): the AEAD
/// key (key length of the suite), the 12-byte IV, and the header protection
/// key (same length as the AEAD key).
struct PacketKeys {
    Secret key;
    Nonce iv{};
    Secret hp;
};
/// `secret` must be Hash.length bytes for the suite's hash.
Result<PacketKeys> derive_packet_keys(const CryptoProvider& p, Version v, CipherSuite suite, ByteView secret);

/// RFC 9001 §6.1: secret_<n+1> = HKDF-Expand-Label(secret_<n>, "quic ku", "",
/// Hash.length) ("quicv2 ku" for v2). A key update keeps the hp key.
Result<Secret> next_traffic_secret(const CryptoProvider& p, Version v, CipherSuite suite, ByteView secret);

/// RFC 9001 §5.3: the IV XORed with the packet number, left-padded to 12 bytes
/// in network byte order.
Nonce packet_nonce(const Nonce& iv, std::uint64_t packet_number);

// ---- payload and header protection ----

/// The AEAD and header protection contexts of one direction of one epoch,
/// keyed once and reused for every packet (no allocation per packet).
class PacketProtector {
public:
    /// Fails when a key length does not fit the suite or the provider lacks the
    /// suite's AEAD or header protection.
    static Result<PacketProtector> create(const CryptoProvider& p, CipherSuite suite, const PacketKeys& keys);

    /// RFC 9001 §5.3: AEAD with nonce = packet_nonce(iv, packet_number) and
    /// AAD = the unprotected header. out.size() must be payload.size() +
    /// kAeadTagLength; out may alias payload.
    bool seal(std::uint64_t packet_number, ByteView header, ByteView payload, MutableByteView out);
    /// out.size() must be ciphertext.size() - kAeadTagLength; out may alias
    /// ciphertext. False when the tag does not verify.
    bool open(std::uint64_t packet_number, ByteView header, ByteView ciphertext, MutableByteView out);
    /// RFC 9001 §5.4.3 (AES) / §5.4.4 (ChaCha20): the mask from a 16-byte sample.
    bool header_mask(ByteView sample, HeaderMask& mask);

private:
    PacketProtector(std::unique_ptr<AeadContext> aead, std::unique_ptr<HeaderProtection> hp, const Nonce& iv)
        : aead_(std::move(aead)), hp_(std::move(hp)), iv_(iv) {}

    std::unique_ptr<AeadContext> aead_;
    std::unique_ptr<HeaderProtection> hp_;
    Nonce iv_;
};

/// RFC 9001 §5.4.2: the 16-byte sample starting 4 bytes after pn_offset.
/// Fails (decode_error) when the packet is too short to hold it.
Result<ByteView> header_sample(ByteView packet, std::size_t pn_offset);

/// RFC 9001 §5.4.1: masks the low 4 (long header) or 5 (short header) bits of
/// the first byte and the Packet Number field. The packet number length is
/// read from the first byte, which must still be unprotected.
Status protect_header(MutableByteView packet, std::size_t pn_offset, const HeaderMask& mask);
/// The inverse: unmasks the first byte, then as many packet number bytes as it
/// announces. Returns the packet number length (1..4).
Result<std::size_t> unprotect_header(MutableByteView packet, std::size_t pn_offset, const HeaderMask& mask);

/// RFC 9000 §A.3: the full packet number from its truncated encoding.
/// expected_pn is one more than the largest packet number received in this
/// packet number space (0 before any).
std::uint64_t decode_packet_number(std::uint64_t expected_pn, std::uint64_t truncated_pn,
                                   std::size_t pn_length);

/// Protects one packet in place: RFC 9001 §5.3 then §5.4. `packet` holds the
/// header (up to and including the Packet Number field, in the clear), the
/// plaintext payload and kAeadTagLength spare bytes at the end; the Packet
/// Number field must encode the low bits of packet_number.
Status seal_packet(PacketProtector& pp, std::uint64_t packet_number, MutableByteView packet,
                   std::size_t pn_offset);

struct OpenedPacket {
    std::uint64_t packet_number = 0;
    std::size_t header_length = 0;  ///< pn_offset + packet number length
    MutableByteView payload;        ///< plaintext, inside the packet buffer
};
/// Removes header protection and decrypts one packet in place. For long
/// headers `packet` must end where the Length field says. On failure the
/// buffer contents are unspecified (the packet is to be dropped, RFC 9001
/// §5.5). Checking the reserved bits (RFC 9000 §17.2) is the caller's job.
Result<OpenedPacket> open_packet(PacketProtector& pp, MutableByteView packet, std::size_t pn_offset,
                                 std::uint64_t expected_pn);

// ---- Retry integrity (RFC 9001 §5.8, RFC 9369 §3.3.3) ----

/// AES-128-GCM with the fixed per-version key and nonce over an empty
/// plaintext; AAD = the Retry pseudo-packet (ODCID length ‖ ODCID ‖ the Retry
/// packet without its tag).
Result<RetryTag> retry_integrity_tag(const CryptoProvider& p, Version v, ByteView original_dcid,
                                     ByteView retry_packet_without_tag);
/// `retry_packet` includes the 16-byte tag; compares in constant time.
bool verify_retry_integrity(const CryptoProvider& p, Version v, ByteView original_dcid, ByteView retry_packet);

}  // namespace qtls::quic
QTLS_PUBLIC_END
