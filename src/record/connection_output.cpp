// record::Connection, records out: framing handshake bytes, application
// data and alerts into records (RFC 8446 §5.1, §5.2), padding (§5.4), the
// peer's record_size_limit (RFC 8449 §4), compatibility-mode
// change_cipher_spec (§D.4) and the AEAD usage limit (§5.5).
#include <algorithm>
#include <cstring>

#include "record/connection_impl.h"

namespace qtls::record {

namespace {

// Copies `n` bytes from the views, starting at (view, offset), advancing it.
void gather(std::span<const ByteView> views, std::size_t& view, std::size_t& offset, std::uint8_t* dst,
            std::size_t n) {
    while (n > 0) {
        const ByteView v = views[view];
        const std::size_t take = std::min(n, v.size() - offset);
        if (take > 0) std::memcpy(dst, v.data() + offset, take);
        dst += take;
        n -= take;
        offset += take;
        if (offset == v.size()) {
            ++view;
            offset = 0;
        }
    }
}

// RFC 8449 §4: the limit counts TLSInnerPlaintext (content, type, padding);
// it can never be below 64, so a smaller value is treated as 64.
constexpr std::size_t kMinRecordSizeLimit = 64;

}  // namespace

std::size_t Connection::Impl::max_protected_content() const {
    std::size_t inner = kMaxInnerPlaintext;
    const std::size_t limit = engine->negotiated().peer_record_size_limit;
    if (limit != 0) inner = std::min(inner, std::max(limit, kMinRecordSizeLimit));
    return inner - 1;
}

std::size_t Connection::Impl::padding_for(std::size_t content_len) const {
    const std::size_t block = options.padding.block;
    if (block <= 1) return 0;
    const std::size_t inner = content_len + 1;
    const std::size_t cap = max_protected_content() + 1;
    const std::size_t padded = std::min(((inner + block - 1) / block) * block, cap);
    return padded > inner ? padded - inner : 0;
}

Status Connection::Impl::maybe_rotate_write_key() {
    const auto& keys = write_keys[static_cast<std::size_t>(Epoch::application)];
    if (!keys || (keys->sequence() < options.key_update_after_records && !keys->exhausted())) return {};
    // RFC 8446 §5.5: change keys before the AEAD's limit is reached.
    QTLS_TRY(engine->send_key_update(false));
    return drain_events();
}

Status Connection::Impl::write_records(Epoch epoch, ContentType type, std::span<const ByteView> data,
                                       std::size_t total, std::size_t limit, std::size_t& written) {
    std::size_t view = 0;
    std::size_t offset = 0;
    while (view < data.size() && data[view].empty()) ++view;
    while (written < total) {
        if (out.size() >= limit) break;
        if (type == ContentType::application_data) QTLS_TRY(maybe_rotate_write_key());
        const std::size_t remaining = total - written;
        if (epoch == Epoch::initial) {
            // RFC 8446 §5.1: unprotected records (before handshake keys).
            const std::size_t chunk = std::min(remaining, kMaxPlaintextFragment);
            const bool initial_hello =
                engine->side() == Side::client && type == ContentType::handshake && !sent_initial;
            MutableByteView rec = out.prepare(kRecordHeaderLength + chunk);
            write_record_header(rec.data(), type, initial_hello ? kInitialClientHelloRecordVersion : kRecordVersion,
                                chunk);
            gather(data, view, offset, rec.data() + kRecordHeaderLength, chunk);
            out.commit(rec.size());
            written += chunk;
            continue;
        }
        auto& keys = write_keys[static_cast<std::size_t>(epoch)];
        if (!keys) return make_error(Alert::internal_error, "record: no write keys for the epoch");
        const std::size_t chunk = std::min(remaining, max_protected_content());
        const std::size_t padding = padding_for(chunk);
        MutableByteView rec = out.prepare(sealed_record_length(chunk, padding));
        gather(data, view, offset, rec.data() + kRecordHeaderLength, chunk);
        QTLS_TRY(keys->seal(type, chunk, padding, rec));
        out.commit(rec.size());
        written += chunk;
    }
    return {};
}

Status Connection::Impl::stage_handshake(Epoch epoch, ByteView bytes) {
    if (!hs_stage.empty() && stage_epoch != epoch) QTLS_TRY(flush_stage());
    if (hs_stage.empty() && options.middlebox_compat && !ccs_sent && sent_initial) {
        // RFC 8446 §D.4: the client's change_cipher_spec precedes its second
        // flight; the server's follows its first handshake message.
        if (engine->side() == Side::client || epoch != Epoch::initial) send_change_cipher_spec();
    }
    stage_epoch = epoch;
    hs_stage.append(bytes);
    return {};
}

Status Connection::Impl::flush_stage() {
    if (hs_stage.empty()) return {};
    const ByteView staged[1] = {hs_stage.data()};
    std::size_t written = 0;
    Status st = write_records(stage_epoch, ContentType::handshake, staged, staged[0].size(), SIZE_MAX, written);
    if (stage_epoch == Epoch::initial) sent_initial = true;
    hs_stage.clear();
    return st;
}

void Connection::Impl::send_change_cipher_spec() {
    MutableByteView rec = out.prepare(kRecordHeaderLength + 1);
    write_record_header(rec.data(), ContentType::change_cipher_spec, kRecordVersion, 1);
    rec[kRecordHeaderLength] = kChangeCipherSpecValue;
    out.commit(rec.size());
    ccs_sent = true;
}

void Connection::Impl::send_alert(std::uint8_t level, Alert alert) {
    // RFC 8446 §6: alerts are protected with the current write keys: the
    // application keys once we have them, else the handshake keys, else none.
    Epoch epoch = Epoch::initial;
    if (write_keys[static_cast<std::size_t>(Epoch::application)])
        epoch = Epoch::application;
    else if (write_keys[static_cast<std::size_t>(Epoch::handshake)])
        epoch = Epoch::handshake;
    const std::uint8_t body[2] = {level, static_cast<std::uint8_t>(alert)};
    const ByteView views[1] = {ByteView(body, 2)};
    std::size_t written = 0;
    // Best effort: a key that can no longer seal leaves the alert unsent.
    (void)write_records(epoch, ContentType::alert, views, 2, SIZE_MAX, written);
}

}  // namespace qtls::record
