// The TLS 1.3 record header and the size limits of RFC 8446 §5.1–§5.4.
// Every record starts with the same five bytes:
//   ContentType type; ProtocolVersion legacy_record_version; uint16 length;
#pragma once

#include <cstddef>
#include <cstdint>

#include "qtls/types.h"

namespace qtls::record {

// RFC 8446 §5.1 ContentType (plus `invalid`, which never appears on the wire
// as an outer type and marks an all-padding TLSInnerPlaintext, §5.4).
enum class ContentType : std::uint8_t {
    invalid = 0,
    change_cipher_spec = 20,
    alert = 21,
    handshake = 22,
    application_data = 23,
};

inline constexpr std::size_t kRecordHeaderLength = 5;
// RFC 8446 §5.1: TLSPlaintext.length MUST NOT exceed 2^14 bytes.
inline constexpr std::size_t kMaxPlaintextFragment = std::size_t{1} << 14;
// RFC 8446 §5.4: the encoded TLSInnerPlaintext MUST NOT exceed 2^14 + 1 bytes.
inline constexpr std::size_t kMaxInnerPlaintext = kMaxPlaintextFragment + 1;
// RFC 8446 §5.2: TLSCiphertext.length MUST NOT exceed 2^14 + 256 bytes.
inline constexpr std::size_t kMaxCiphertextFragment = kMaxPlaintextFragment + 256;
// The largest record a peer may send us, header included.
inline constexpr std::size_t kMaxRecordLength = kRecordHeaderLength + kMaxCiphertextFragment;

// RFC 8446 §5.1: 0x0303 for every record, except that the initial
// ClientHello record MAY carry 0x0301.
inline constexpr std::uint16_t kRecordVersion = 0x0303;
inline constexpr std::uint16_t kInitialClientHelloRecordVersion = 0x0301;

// RFC 8446 §6: AlertLevel.
inline constexpr std::uint8_t kAlertLevelWarning = 1;
inline constexpr std::uint8_t kAlertLevelFatal = 2;

// RFC 8446 §D.4: the one legal change_cipher_spec body.
inline constexpr std::uint8_t kChangeCipherSpecValue = 0x01;

struct RecordHeader {
    std::uint8_t type = 0;  // raw: an unknown type must still be reportable
    std::uint16_t version = 0;
    std::uint16_t length = 0;
};

// `in` must hold at least kRecordHeaderLength bytes.
inline RecordHeader parse_record_header(const std::uint8_t* in) {
    RecordHeader h;
    h.type = in[0];
    h.version = static_cast<std::uint16_t>((in[1] << 8) | in[2]);
    h.length = static_cast<std::uint16_t>((in[3] << 8) | in[4]);
    return h;
}

// `out` must have room for kRecordHeaderLength bytes.
inline void write_record_header(std::uint8_t* out, ContentType type, std::uint16_t version,
                                std::size_t length) {
    out[0] = static_cast<std::uint8_t>(type);
    out[1] = static_cast<std::uint8_t>(version >> 8);
    out[2] = static_cast<std::uint8_t>(version);
    out[3] = static_cast<std::uint8_t>(length >> 8);
    out[4] = static_cast<std::uint8_t>(length);
}

}  // namespace qtls::record
