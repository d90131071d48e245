#include "record/record_protection.h"

#include <array>

#include "crypto/hkdf_label.h"

namespace qtls::record {

Result<RecordProtection> RecordProtection::create(const CryptoProvider& provider, CipherSuite suite,
                                                  ByteView traffic_secret) {
    const SuiteInfo* info = suite_info(suite);
    if (info == nullptr) return make_error(Alert::internal_error, "record: unsupported cipher suite");
    if (traffic_secret.size() != info->hash_len)
        return make_error(Alert::internal_error, "record: traffic secret length does not match the suite");

    // RFC 8446 §7.3: [sender]_write_key and [sender]_write_iv.
    std::array<std::uint8_t, kMaxSecretLength> key{};
    const MutableByteView key_view(key.data(), info->key_len);
    if (!crypto::hkdf_expand_label(provider, info->hash, traffic_secret, "key", {}, key_view)) {
        secure_wipe(key.data(), key.size());
        return make_error(Alert::internal_error, "record: traffic key derivation failed");
    }
    RecordProtection p;
    p.suite_ = suite;
    p.iv_.resize(kAeadNonceLength);
    const bool iv_ok = crypto::hkdf_expand_label(provider, info->hash, traffic_secret, "iv", {}, p.iv_.mutable_view());
    p.aead_ = iv_ok ? provider.aead(info->aead, key_view) : nullptr;
    secure_wipe(key.data(), key.size());
    if (!iv_ok) return make_error(Alert::internal_error, "record: traffic iv derivation failed");
    if (!p.aead_) return make_error(Alert::internal_error, "record: provider lacks the suite's AEAD");
    return p;
}

void RecordProtection::make_nonce(std::uint8_t (&nonce)[kAeadNonceLength]) const {
    // RFC 8446 §5.3: the 64-bit sequence number in network byte order,
    // left-padded with zeros to iv_length, XORed with the static iv.
    const std::uint8_t* iv = iv_.data();
    for (std::size_t i = 0; i < kAeadNonceLength - 8; ++i) nonce[i] = iv[i];
    for (std::size_t i = 0; i < 8; ++i) {
        const auto byte = static_cast<std::uint8_t>(seq_ >> (8 * (7 - i)));
        nonce[kAeadNonceLength - 8 + i] = static_cast<std::uint8_t>(iv[kAeadNonceLength - 8 + i] ^ byte);
    }
}

void RecordProtection::advance() {
    // RFC 8446 §5.3: sequence numbers never wrap; after the last one the
    // connection must rekey or close.
    if (seq_ == UINT64_MAX)
        exhausted_ = true;
    else
        ++seq_;
}

Status RecordProtection::seal(ContentType type, std::size_t content_len, std::size_t padding,
                              MutableByteView record) {
    if (exhausted_) return make_error(Alert::internal_error, "record: write sequence number exhausted");
    const std::size_t inner_len = content_len + 1 + padding;
    if (inner_len > kMaxInnerPlaintext)
        return make_error(Alert::record_overflow, "record: TLSInnerPlaintext longer than 2^14 + 1 bytes");
    if (record.size() != sealed_record_length(content_len, padding))
        return make_error(Alert::internal_error, "record: seal buffer has the wrong size");

    // TLSInnerPlaintext = content || type || zeros (RFC 8446 §5.2).
    std::uint8_t* inner = record.data() + kRecordHeaderLength;
    inner[content_len] = static_cast<std::uint8_t>(type);
    for (std::size_t i = 0; i < padding; ++i) inner[content_len + 1 + i] = 0;

    // The outer header is the AAD: opaque_type 23, legacy_record_version
    // 0x0303, length of the ciphertext including the tag (§5.2).
    const std::size_t fragment_len = inner_len + kAeadTagLength;
    write_record_header(record.data(), ContentType::application_data, kRecordVersion, fragment_len);

    std::uint8_t nonce[kAeadNonceLength];
    make_nonce(nonce);
    const bool ok = aead_->seal(ByteView(nonce, kAeadNonceLength), ByteView(record.data(), kRecordHeaderLength),
                                ByteView(inner, inner_len), MutableByteView(inner, fragment_len));
    if (!ok) return make_error(Alert::internal_error, "record: AEAD seal failed");
    advance();
    return {};
}

Result<OpenedRecord> RecordProtection::open(MutableByteView record) {
    if (exhausted_) return make_error(Alert::internal_error, "record: read sequence number exhausted");
    if (record.size() < kRecordHeaderLength)
        return make_error(Alert::decode_error, "record: truncated record header");
    const RecordHeader h = parse_record_header(record.data());
    if (h.type != static_cast<std::uint8_t>(ContentType::application_data))
        return make_error(Alert::unexpected_message, "record: protected record with an outer type other than 23");
    if (h.length != record.size() - kRecordHeaderLength)
        return make_error(Alert::decode_error, "record: record length does not match its header");
    if (h.length > kMaxCiphertextFragment)
        return make_error(Alert::record_overflow, "record: TLSCiphertext longer than 2^14 + 256 bytes");
    // At least the content type byte and the tag (§5.2).
    if (h.length < 1 + kAeadTagLength)
        return make_error(Alert::bad_record_mac, "record: TLSCiphertext too short to authenticate");

    std::uint8_t nonce[kAeadNonceLength];
    make_nonce(nonce);
    std::uint8_t* fragment = record.data() + kRecordHeaderLength;
    const std::size_t inner_len = h.length - kAeadTagLength;
    const bool ok = aead_->open(ByteView(nonce, kAeadNonceLength), ByteView(record.data(), kRecordHeaderLength),
                                ByteView(fragment, h.length), MutableByteView(fragment, inner_len));
    if (!ok) return make_error(Alert::bad_record_mac, "record: AEAD authentication failed");
    advance();

    // RFC 8446 §5.4: the plaintext may not exceed 2^14 + 1 bytes.
    if (inner_len > kMaxInnerPlaintext)
        return make_error(Alert::record_overflow, "record: TLSInnerPlaintext longer than 2^14 + 1 bytes");
    // §5.4: the content type is the last non-zero byte; the zeros after it
    // are padding. A plaintext of zeros only is an unexpected_message.
    std::size_t end = inner_len;
    while (end > 0 && fragment[end - 1] == 0) --end;
    if (end == 0) return make_error(Alert::unexpected_message, "record: TLSInnerPlaintext has no content type");
    OpenedRecord out;
    out.type = static_cast<ContentType>(fragment[end - 1]);
    out.content = MutableByteView(fragment, end - 1);
    return out;
}

}  // namespace qtls::record
