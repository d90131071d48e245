// Handshake message and extension code points, framing constants and the
// helpers every message codec shares (RFC 8446 §4, §4.2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "qtls/types.h"

namespace qtls::msg {

// RFC 8446 §4 (HandshakeType). message_hash (254) is synthetic: it only ever
// appears in the transcript after a HelloRetryRequest (§4.4.1), never on the wire.
enum class HandshakeType : std::uint8_t {
    client_hello = 1,
    server_hello = 2,
    new_session_ticket = 4,
    end_of_early_data = 5,
    encrypted_extensions = 8,
    certificate = 11,
    certificate_request = 13,
    certificate_verify = 15,
    finished = 20,
    key_update = 24,
    compressed_certificate = 25,  // RFC 8879 §4
    message_hash = 254,
};

// RFC 8446 §4.2 (ExtensionType), plus RFC 6066 (server_name, status_request),
// RFC 7301 (alpn), RFC 6962 (signed_certificate_timestamp), RFC 7685
// (padding), RFC 7250 (client/server_certificate_type), RFC 8449
// (record_size_limit) and RFC 9001 §8.2
// (quic_transport_parameters).
enum class ExtensionType : std::uint16_t {
    server_name = 0,
    status_request = 5,
    supported_groups = 10,
    signature_algorithms = 13,
    alpn = 16,
    signed_certificate_timestamp = 18,
    client_certificate_type = 19,
    server_certificate_type = 20,
    padding = 21,
    compress_certificate = 27,  // RFC 8879 §3
    record_size_limit = 28,
    pre_shared_key = 41,
    early_data = 42,
    supported_versions = 43,
    cookie = 44,
    psk_key_exchange_modes = 45,
    certificate_authorities = 47,
    oid_filters = 48,
    post_handshake_auth = 49,
    signature_algorithms_cert = 50,
    key_share = 51,
    quic_transport_parameters = 57,
};

// Handshake header: msg_type (1 byte) + u24 length (RFC 8446 §4).
inline constexpr std::size_t kHandshakeHeaderSize = 4;
// Default bound on a handshake message body. RFC 8446 only bounds it by the
// u24 length (§4); 64 KiB covers every message qtls expects, and the
// MessageAssembler takes a larger bound for long certificate chains.
inline constexpr std::size_t kMaxHandshakeMessageSize = 65536;
// Largest body the u24 length can describe (RFC 8446 §4).
inline constexpr std::size_t kMaxU24 = (std::size_t{1} << 24) - 1;

// TLS protocol versions (RFC 8446 §4.1.2, §4.2.1).
inline constexpr std::uint16_t kLegacyVersionTls12 = 0x0303;
inline constexpr std::uint16_t kVersionTls13 = 0x0304;

// Size of ClientHello.random / ServerHello.random (RFC 8446 §4.1.2, §4.1.3).
inline constexpr std::size_t kRandomSize = 32;
// legacy_session_id<0..32> (RFC 8446 §4.1.2).
inline constexpr std::size_t kMaxLegacySessionIdSize = 32;
// NewSessionTicket.ticket_lifetime upper bound: 7 days (RFC 8446 §4.6.1).
inline constexpr std::uint32_t kMaxTicketLifetime = 604800;
// RFC 8449 §4: record_size_limit values below 64 are illegal.
inline constexpr std::uint16_t kMinRecordSizeLimit = 64;
// PskBinderEntry<32..255> (RFC 8446 §4.2.11).
inline constexpr std::size_t kMinPskBinderSize = 32;

// True for the handshake types that may appear on the wire (everything in
// HandshakeType except message_hash).
bool is_wire_handshake_type(std::uint8_t type);
// True when `type` is one of the ExtensionType values above.
bool is_known_extension_type(std::uint16_t type);

std::string_view to_string(HandshakeType t);

// Prepends the 4-byte handshake header to `body` (RFC 8446 §4). The body
// must not exceed kMaxU24 bytes.
Bytes frame_message(HandshakeType type, ByteView body);

// The synthetic message_hash message that replaces ClientHello1 in the
// transcript after a HelloRetryRequest (RFC 8446 §4.4.1):
// 254 || 00 00 || Hash.length || hash.
Bytes message_hash(ByteView hash);

}  // namespace qtls::msg
