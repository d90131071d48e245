// record::Connection, 0-RTT over TCP (RFC 8446 §2.3, §4.2.10): the client's
// early data under client_early_traffic_secret, the server's reading of it
// within max_early_data_size (§4.6.1) up to EndOfEarlyData (§4.5), and the
// skipping of early records a server rejected.
#include <algorithm>
#include <cstring>

#include "record/connection_impl.h"

namespace qtls::record {

namespace {

constexpr auto kEarlyIndex = static_cast<std::size_t>(Epoch::early_data);
// RFC 8446 §4.5: EndOfEarlyData is a handshake header with an empty body.
constexpr std::size_t kEndOfEarlyDataLength = 4;
// RFC 8446 §5.2: besides its content a protected record carries the inner
// content type byte and the AEAD tag.
constexpr std::size_t kProtectionOverhead = 1 + kAeadTagLength;

}  // namespace

// ---- Impl: Engine events and records ----

void Connection::Impl::on_early_data_status(bool accepted) {
    early_accepted = accepted;
    if (engine->side() == Side::client) {
        // §4.2.10: rejected early data is lost; its key has no further use.
        if (!accepted) write_keys[kEarlyIndex].reset();
        return;
    }
    // §4.2.10: a server that declines trial-decrypts with the handshake key
    // and drops the records that fail, until one succeeds.
    skipping_rejected_early_data = !accepted;
}

bool Connection::Impl::skips_early_records_without_keys() const {
    // §4.2.10: a server that answered with a HelloRetryRequest skips every
    // record with outer type application_data until the second ClientHello,
    // which comes in the clear. Nothing may interrupt a split handshake
    // message (§5.1).
    return engine->side() == Side::server && !read_keys && engine->negotiated().hello_retry &&
           !framing.mid_message();
}

Status Connection::Impl::skip_early_record(std::size_t ciphertext_length) {
    // §4.2.10: skipped "up to the configured max_early_data_size"; §4.6.1:
    // a server without the keys cannot tell padding from content, so it
    // counts everything but the tag and the type byte. Beyond the bound this
    // is more 0-RTT data than allowed: unexpected_message (§4.6.1).
    const std::uint64_t limit = std::max(options.max_early_data, options.max_skipped_early_data);
    const std::size_t counted = ciphertext_length > kProtectionOverhead ? ciphertext_length - kProtectionOverhead : 0;
    if (early_bytes + counted > limit)
        return make_error(Alert::unexpected_message,
                          "record: rejected early data beyond max_early_data_size (RFC 8446 §4.6.1)");
    early_bytes += counted;
    return {};
}

Status Connection::Impl::receive_early_application_data(ByteView content) {
    // §4.6.1: only the application data payload counts (not padding or the
    // type byte); more than max_early_data_size is an unexpected_message.
    if (early_bytes + content.size() > options.max_early_data)
        return make_error(Alert::unexpected_message, "record: early data beyond max_early_data_size (RFC 8446 §4.6.1)");
    early_bytes += content.size();
    early_plaintext.append(content);
    return {};
}

Status Connection::Impl::receive_early_handshake(ByteView content) {
    // §4.5: EndOfEarlyData is the only handshake message under the early key
    // and the next one comes under the handshake key; a record carrying more
    // would put a message across that key change (§5.1).
    if (content.size() > kEndOfEarlyDataLength - end_of_early_data_seen)
        return make_error(Alert::unexpected_message, "record: handshake data after EndOfEarlyData under the early key");
    end_of_early_data_seen += content.size();
    QTLS_TRY(engine->provide(Epoch::early_data, content));
    if (end_of_early_data_seen < kEndOfEarlyDataLength) return {};
    // The engine took EndOfEarlyData: the client's next record uses the
    // handshake key (§4.5, §7.1).
    if (!pending_handshake_read)
        return make_error(Alert::internal_error, "record: no handshake read key after EndOfEarlyData");
    read_keys = std::move(pending_handshake_read);
    pending_handshake_read.reset();
    read_epoch = Epoch::handshake;
    return {};
}

// ---- public API ----

Result<std::size_t> Connection::write_early_data(ByteView plaintext) {
    Impl& c = *impl_;
    QTLS_TRY(c.ensure_started());
    if (c.state == CloseState::failed || c.state == CloseState::truncated) return *c.error;
    if (c.engine->side() != Side::client)
        return make_error(Alert::internal_error, "record: only a client sends early data");
    if (c.close_notify_sent) return make_error(Alert::internal_error, "record: write after close_notify");
    if (c.early_accepted)
        return make_error(Alert::internal_error, "record: the server has answered the early data offer; use write()");
    if (!c.write_keys[kEarlyIndex])
        return make_error(Alert::internal_error, "record: the ClientHello offered no early data (RFC 8446 §4.2.10)");
    const std::size_t n = std::min(plaintext.size(), early_data_budget());
    std::size_t written = 0;
    if (n == 0) return written;
    // The ClientHello (and compatibility change_cipher_spec) went out at
    // start(): these records follow it (§2.3).
    const ByteView views[1] = {plaintext.first(n)};
    Status st = c.write_records(Epoch::early_data, ContentType::application_data, views, n,
                               std::max<std::size_t>(c.options.max_buffered_output, 1), written);
    c.early_bytes += written;
    if (!st) return c.state == CloseState::failed ? *c.error : c.fail(st.error());
    return written;
}

std::size_t Connection::early_data_budget() const {
    const Impl& c = *impl_;
    if (c.engine == nullptr || c.engine->side() != Side::client || c.early_accepted || !c.write_keys[kEarlyIndex] ||
        c.state != CloseState::open)
        return 0;
    const std::uint64_t limit = c.options.max_early_data;
    return limit > c.early_bytes ? static_cast<std::size_t>(limit - c.early_bytes) : 0;
}

std::optional<bool> Connection::early_data_accepted() const { return impl_->early_accepted; }

Result<std::size_t> Connection::read_early_data(MutableByteView out) {
    Impl& c = *impl_;
    const std::size_t n = std::min(out.size(), c.early_plaintext.size());
    if (n > 0) std::memcpy(out.data(), c.early_plaintext.data().data(), n);
    c.early_plaintext.consume(n);
    c.trim_buffers();
    return n;
}

std::size_t Connection::early_data_available() const { return impl_->early_plaintext.size(); }

}  // namespace qtls::record
