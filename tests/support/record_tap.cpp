#include "support/record_tap.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "crypto/hkdf_label.h"

namespace qtls::test {

using record::ContentType;
using record::kRecordHeaderLength;

// The AEAD key, IV (RFC 8446 §7.3) and sequence number (§5.3) of one secret.
struct RecordTap::Key {
    std::unique_ptr<AeadContext> aead;
    std::array<std::uint8_t, kAeadNonceLength> iv{};
    std::uint64_t seq = 0;

    // §5.3: the IV XOR the sequence number, left-padded to 12 bytes.
    std::array<std::uint8_t, kAeadNonceLength> nonce() const {
        auto n = iv;
        for (std::size_t i = 0; i < 8; ++i) n[kAeadNonceLength - 1 - i] ^= static_cast<std::uint8_t>(seq >> (8 * i));
        return n;
    }
};

RecordTap::RecordTap(Side sender, std::shared_ptr<const MemoryKeyLog> sender_keys, ProviderPtr provider)
    : sender_(sender), log_(std::move(sender_keys)), provider_(std::move(provider)) {}
RecordTap::~RecordTap() = default;

RecordTap::Key* RecordTap::key(std::array<std::unique_ptr<Key>, kEpochCount>& keys, Epoch epoch, CipherSuite suite) {
    auto& slot = keys[static_cast<std::size_t>(epoch)];
    if (slot) return slot.get();
    const bool client = sender_ == Side::client;
    const char* label = epoch == Epoch::handshake ? (client ? "CLIENT_HANDSHAKE_TRAFFIC_SECRET" : "SERVER_HANDSHAKE_TRAFFIC_SECRET")
                                                  : (client ? "CLIENT_TRAFFIC_SECRET_0" : "SERVER_TRAFFIC_SECRET_0");
    auto it = log_->lines.find(label);
    const SuiteInfo* info = suite_info(suite);
    if (it == log_->lines.end() || !info) return nullptr;
    Bytes k(info->key_len);
    auto made = std::make_unique<Key>();
    if (!crypto::hkdf_expand_label(*provider_, info->hash, it->second, "key", {}, k) ||
        !crypto::hkdf_expand_label(*provider_, info->hash, it->second, "iv", {}, made->iv))
        return nullptr;
    made->aead = provider_->aead(info->aead, k);
    if (!made->aead) return nullptr;
    slot = std::move(made);
    return slot.get();
}

std::vector<TapRecord> RecordTap::open(ByteView wire, CipherSuite suite) {
    partial_.insert(partial_.end(), wire.begin(), wire.end());
    std::vector<TapRecord> out;
    std::size_t off = 0;
    while (partial_.size() - off >= kRecordHeaderLength) {
        const auto h = record::parse_record_header(partial_.data() + off);
        const std::size_t total = kRecordHeaderLength + h.length;
        if (partial_.size() - off < total) break;
        const ByteView whole(partial_.data() + off, total);
        const ByteView fragment = whole.subspan(kRecordHeaderLength);
        off += total;
        TapRecord r;
        r.version = h.version;
        if (h.type != static_cast<std::uint8_t>(ContentType::application_data) || fragment.size() < kAeadTagLength) {
            r.type = static_cast<ContentType>(h.type);
            r.content.assign(fragment.begin(), fragment.end());
            out.push_back(std::move(r));
            continue;
        }
        // The sender moves from its handshake key to its application key
        // after its Finished (§5.1): try the current key, then the next.
        bool opened = false;
        for (Epoch e : {read_epoch_, Epoch::application}) {
            Key* k = key(readers_, e, suite);
            if (!k) continue;
            Bytes inner(fragment.size() - kAeadTagLength);
            const auto n = k->nonce();
            if (!k->aead->open(n, whole.first(kRecordHeaderLength), fragment, inner)) continue;
            ++k->seq;
            read_epoch_ = e;
            std::size_t end = inner.size();
            while (end > 0 && inner[end - 1] == 0) --end;
            if (end == 0) break;  // all padding: the sender never does that
            r.is_protected = true;
            r.epoch = e;
            r.type = static_cast<ContentType>(inner[end - 1]);
            r.padding = inner.size() - end;
            r.content.assign(inner.begin(), inner.begin() + static_cast<std::ptrdiff_t>(end - 1));
            opened = true;
            break;
        }
        if (!opened) {
            ADD_FAILURE() << "record tap: cannot open a protected record of " << fragment.size() << " bytes";
            r.raw = Bytes(whole.begin(), whole.end());
        }
        out.push_back(std::move(r));
    }
    partial_.erase(partial_.begin(), partial_.begin() + static_cast<std::ptrdiff_t>(off));
    return out;
}

Bytes plain_record(ContentType type, ByteView content, std::uint16_t version) {
    Bytes out(kRecordHeaderLength + content.size());
    record::write_record_header(out.data(), type, version, content.size());
    if (!content.empty()) std::memcpy(out.data() + kRecordHeaderLength, content.data(), content.size());
    return out;
}

Bytes RecordTap::seal(const TapRecord& r, CipherSuite suite) {
    if (r.raw) return *r.raw;
    if (!r.is_protected) return plain_record(r.type, r.content, r.version);
    Key* k = key(writers_, r.epoch, suite);
    if (!k) {
        ADD_FAILURE() << "record tap: no key for epoch " << static_cast<int>(r.epoch);
        return {};
    }
    Bytes inner = r.content;
    if (!r.omit_type) inner.push_back(static_cast<std::uint8_t>(r.type));
    inner.resize(inner.size() + r.padding, 0);
    // The header is the AEAD's additional data (§5.2), so it is written first.
    Bytes out(kRecordHeaderLength + inner.size() + kAeadTagLength);
    record::write_record_header(out.data(), ContentType::application_data, r.version, inner.size() + kAeadTagLength);
    const auto n = k->nonce();
    if (!k->aead->seal(n, ByteView(out.data(), kRecordHeaderLength), inner,
                       MutableByteView(out.data() + kRecordHeaderLength, inner.size() + kAeadTagLength)))
        ADD_FAILURE() << "record tap: seal failed";
    ++k->seq;
    return out;
}

Bytes RecordTap::seal_all(const std::vector<TapRecord>& records, CipherSuite suite) {
    Bytes out;
    for (const auto& r : records) {
        const Bytes one = seal(r, suite);
        out.insert(out.end(), one.begin(), one.end());
    }
    return out;
}

}  // namespace qtls::test
