// Test support: a man in the middle for TLS-over-TCP tests. It knows one
// sender's traffic secrets (read from that sender's key log), so it can open
// every record the sender writes, let a test alter, drop or insert records
// at the level of TLSInnerPlaintext (RFC 8446 §5.2, §5.4), and seal the
// result again for the receiver. It keeps its own sequence numbers (§5.3),
// so inserted and dropped records still decrypt; and it seals anything,
// including records qtls itself refuses to produce (oversized, all-zero
// inner plaintext), which is the point.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <vector>

#include "qtls/provider.h"
#include "record/record_header.h"
#include "support/engine_harness.h"

namespace qtls::test {

// One record as it travels, opened.
struct TapRecord {
    // Unprotected: the outer type. Protected: TLSInnerPlaintext.type.
    record::ContentType type = record::ContentType::handshake;
    Bytes content;
    bool is_protected = false;
    // Key of a protected record: Epoch::handshake or Epoch::application.
    Epoch epoch = Epoch::handshake;
    std::size_t padding = 0;      // zero bytes after the type (§5.4)
    bool omit_type = false;       // inner plaintext = content + padding only
    std::uint16_t version = record::kRecordVersion;
    // When set, sent exactly as given (header included) instead of encoded.
    std::optional<Bytes> raw;
};

class RecordTap {
public:
    // `sender_keys` is the key log of the endpoint whose records pass here.
    RecordTap(Side sender, std::shared_ptr<const MemoryKeyLog> sender_keys, ProviderPtr provider);
    ~RecordTap();
    RecordTap(const RecordTap&) = delete;
    RecordTap& operator=(const RecordTap&) = delete;

    // Splits whole records (any incomplete tail is kept for the next call)
    // and opens the protected ones. A record that does not open is a test
    // failure and is returned raw.
    std::vector<TapRecord> open(ByteView wire, CipherSuite suite);
    // The wire form of `r` for the receiver, sealed under the tap's own
    // key and sequence number for r.epoch.
    Bytes seal(const TapRecord& r, CipherSuite suite);
    Bytes seal_all(const std::vector<TapRecord>& records, CipherSuite suite);

    struct Key;

private:
    Key* key(std::array<std::unique_ptr<Key>, kEpochCount>& keys, Epoch epoch, CipherSuite suite);

    Side sender_;
    std::shared_ptr<const MemoryKeyLog> log_;
    ProviderPtr provider_;
    Bytes partial_;
    Epoch read_epoch_ = Epoch::handshake;
    std::array<std::unique_ptr<Key>, kEpochCount> readers_;
    std::array<std::unique_ptr<Key>, kEpochCount> writers_;
};

// The unprotected record header plus content (tests that build raw records).
Bytes plain_record(record::ContentType type, ByteView content, std::uint16_t version = record::kRecordVersion);

}  // namespace qtls::test
