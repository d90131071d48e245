// Record protection for one traffic secret (RFC 8446 §5.2–§5.4): the AEAD
// keyed once from the secret (§7.3), the per-record nonce (§5.3) and the
// 64-bit sequence number. seal() and open() work in place in the caller's
// buffer, so protecting a record never allocates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "qtls/error.h"
#include "qtls/provider.h"
#include "qtls/secret.h"
#include "qtls/types.h"
#include "record/record_header.h"

namespace qtls::record {

// Bytes a protected record occupies, header included, for `content_len`
// content bytes and `padding` zero bytes (RFC 8446 §5.2, §5.4).
inline constexpr std::size_t sealed_record_length(std::size_t content_len, std::size_t padding) {
    return kRecordHeaderLength + content_len + 1 + padding + kAeadTagLength;
}

struct OpenedRecord {
    ContentType type = ContentType::invalid;  // TLSInnerPlaintext.type
    MutableByteView content;                  // inside the caller's record buffer
};

class RecordProtection {
public:
    // key = HKDF-Expand-Label(secret, "key", "", key_length) and
    // iv = HKDF-Expand-Label(secret, "iv", "", 12) (RFC 8446 §7.3).
    static Result<RecordProtection> create(const CryptoProvider& provider, CipherSuite suite,
                                           ByteView traffic_secret);

    RecordProtection(RecordProtection&&) noexcept = default;
    RecordProtection& operator=(RecordProtection&&) noexcept = default;
    RecordProtection(const RecordProtection&) = delete;
    RecordProtection& operator=(const RecordProtection&) = delete;
    ~RecordProtection() = default;

    // `record` is exactly sealed_record_length(content_len, padding) bytes and
    // holds the content at offset kRecordHeaderLength. Writes the header,
    // appends the type and `padding` zeros, and encrypts in place (§5.2).
    // Fails with record_overflow when TLSInnerPlaintext would exceed 2^14 + 1
    // bytes and with internal_error when the sequence number is used up (§5.3).
    Status seal(ContentType type, std::size_t content_len, std::size_t padding, MutableByteView record);

    // `record` is one complete TLSCiphertext, header included. Decrypts in
    // place, strips the padding and returns the real content type (§5.4).
    // Fails with bad_record_mac (tag or length), record_overflow (oversized)
    // or unexpected_message (no non-zero byte in the plaintext).
    Result<OpenedRecord> open(MutableByteView record);

    // The sequence number the next record will use (§5.3).
    std::uint64_t sequence() const { return seq_; }
    // True once 2^64 records have been protected: the key must be replaced.
    bool exhausted() const { return exhausted_; }
    CipherSuite suite() const { return suite_; }

    // Tests only: jump to a sequence number (overflow handling).
    void set_sequence_for_testing(std::uint64_t seq) { seq_ = seq; }

private:
    RecordProtection() = default;
    // nonce = iv XOR (sequence number, big-endian, left-padded to 12 bytes).
    void make_nonce(std::uint8_t (&nonce)[kAeadNonceLength]) const;
    void advance();

    std::unique_ptr<AeadContext> aead_;
    Secret iv_;
    std::uint64_t seq_ = 0;
    bool exhausted_ = false;
    CipherSuite suite_{};
};

}  // namespace qtls::record
