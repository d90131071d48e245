// record::Connection: the public API and the handling of Engine events
// (handshake bytes to frame, secrets to install, alerts, completion).
#include <algorithm>
#include <cstring>
#include <type_traits>
#include <variant>

#include "record/connection_impl.h"

namespace qtls::record {

namespace {
constexpr std::string_view kNotStarted = "record: connection has no engine";

// Buffers larger than this are released once empty: a large write or a burst
// of received data may grow them, an idle connection gives the memory back.
constexpr std::size_t kRetainedPlaintext = kMaxRecordLength;
constexpr std::size_t kRetainedOutput = 2 * kMaxRecordLength;
}  // namespace

Connection::Impl::Impl(std::unique_ptr<Engine> e, ProviderPtr p, ConnectionOptions o)
    : engine(std::move(e)), provider(std::move(p)), options(o) {}

Status Connection::Impl::ensure_started() {
    if (state == CloseState::failed || state == CloseState::truncated) return *error;
    if (started) return {};
    if (!engine) return fail(make_error(Alert::internal_error, kNotStarted), false);
    if (!provider) return fail(make_error(Alert::internal_error, "record: connection has no crypto provider"), false);
    started = true;
    if (Status st = engine->start(); !st) return fail(st.error());
    return drain_events();
}

Status Connection::Impl::install_secret(TrafficSecret& s) {
    auto keys = RecordProtection::create(*provider, s.suite, s.secret.view());
    s.secret.wipe();
    if (!keys) return keys.error();
    const auto index = static_cast<std::size_t>(s.epoch);
    if (s.direction == Direction::write) {
        // Replaces the previous key of the epoch (KeyUpdate, RFC 8446 §4.6.3).
        write_keys[index].emplace(std::move(keys).value());
        return {};
    }
    switch (s.epoch) {
        case Epoch::initial:
            return make_error(Alert::internal_error, "record: the initial epoch has no keys over TCP");
        case Epoch::early_data:
            // RFC 8446 §2.3, §4.2.10: a server that accepted 0-RTT reads the
            // client's records after the ClientHello with the early key.
            if (engine->side() != Side::server || read_epoch != Epoch::initial)
                return make_error(Alert::internal_error, "record: early data read secret out of order");
            read_keys.emplace(std::move(keys).value());
            read_epoch = Epoch::early_data;
            return {};
        case Epoch::handshake:
            // RFC 8446 §5.1: everything after the ServerHello (client) or the
            // ClientHello (server) is protected with the handshake keys; after
            // accepted early data, from the client's EndOfEarlyData on (§4.5).
            if (read_epoch == Epoch::early_data) {
                pending_handshake_read.emplace(std::move(keys).value());
                return {};
            }
            if (read_epoch != Epoch::initial)
                return make_error(Alert::internal_error, "record: handshake read secret out of order");
            read_keys.emplace(std::move(keys).value());
            read_epoch = Epoch::handshake;
            return {};
        case Epoch::application:
            // The peer switches to its application keys after its Finished;
            // a later secret at this epoch is a KeyUpdate (§4.6.3), which takes
            // effect with the next record.
            if (read_epoch == Epoch::application || handshake_complete) {
                read_keys.emplace(std::move(keys).value());
                read_epoch = Epoch::application;
            } else {
                pending_application_read.emplace(std::move(keys).value());
            }
            return {};
    }
    return make_error(Alert::internal_error, "record: unknown epoch");
}

Status Connection::Impl::drain_events() {
    while (state != CloseState::failed) {
        std::optional<Event> event = engine->poll();
        if (!event) break;
        Status st = std::visit(
            [this](auto& e) -> Status {
                using T = std::decay_t<decltype(e)>;
                if constexpr (std::is_same_v<T, HandshakeBytes>) {
                    return stage_handshake(e.epoch, e.data);
                } else if constexpr (std::is_same_v<T, TrafficSecret>) {
                    // Bytes staged so far belong to the key in force before this one.
                    QTLS_TRY(flush_stage());
                    return install_secret(e);
                } else if constexpr (std::is_same_v<T, AlertToSend>) {
                    hs_stage.clear();
                    return fail(Error{e.alert, e.reason});
                } else if constexpr (std::is_same_v<T, EarlyDataStatus>) {
                    on_early_data_status(e.accepted);
                    return {};
                } else if constexpr (std::is_same_v<T, OperationPending>) {
                    pending_operation = std::move(e);
                    return {};
                } else if constexpr (std::is_same_v<T, HandshakeComplete>) {
                    QTLS_TRY(flush_stage());
                    handshake_complete = true;
                    // EndOfEarlyData went out with the flight just flushed (§4.5).
                    write_keys[static_cast<std::size_t>(Epoch::early_data)].reset();
                    if (pending_application_read) {
                        read_keys = std::move(pending_application_read);
                        pending_application_read.reset();
                        read_epoch = Epoch::application;
                    }
                    return {};
                } else {
                    return {};  // PeerTransportParameters: QUIC only
                }
            },
            *event);
        if (!st) return state == CloseState::failed ? *error : fail(st.error());
    }
    if (state == CloseState::failed) return *error;
    if (Status st = flush_stage(); !st) return fail(st.error());
    // RFC 8446 §D.4: a server in compatibility mode follows its first
    // handshake message with change_cipher_spec, also when that message is
    // a HelloRetryRequest and nothing else follows yet.
    if (options.middlebox_compat && engine->side() == Side::server && sent_initial && !ccs_sent)
        send_change_cipher_spec();
    // §D.4: a client offering early data places it right after the first
    // ClientHello, before any 0-RTT record.
    if (options.middlebox_compat && engine->side() == Side::client && sent_initial && !ccs_sent &&
        write_keys[static_cast<std::size_t>(Epoch::early_data)])
        send_change_cipher_spec();
    return {};
}

Error Connection::Impl::fail(Error e, bool alert) {
    if (state == CloseState::failed) return *error;
    hs_stage.clear();
    // RFC 8446 §6.2: the alert goes out with the current write keys; after
    // it the connection is closed.
    if (alert && started) send_alert(kAlertLevelFatal, e.alert);
    state = CloseState::failed;
    error = e;
    return e;
}

void Connection::Impl::trim_buffers() {
    plaintext.trim(kRetainedPlaintext);
    early_plaintext.trim(kRetainedPlaintext);
    out.trim(kRetainedOutput);
    hs_stage.trim(kMaxPlaintextFragment);
    if (state != CloseState::open) in.release();
}

// ---- construction ----

Connection::Connection(std::unique_ptr<Engine> engine, ProviderPtr provider, ConnectionOptions options)
    : impl_(std::make_unique<Impl>(std::move(engine), std::move(provider), options)) {}
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

Status Connection::start() { return impl_->ensure_started(); }

// ---- transport side ----

Result<std::size_t> Connection::read_tls(ByteView bytes) {
    Impl& c = *impl_;
    if (c.state == CloseState::failed || c.state == CloseState::truncated) return *c.error;
    // RFC 8446 §6.1: data after a closure alert is ignored.
    if (c.peer_close_notify) return bytes.size();
    c.in.reserve(kMaxRecordLength);
    const std::size_t n = std::min(bytes.size(), kMaxRecordLength - c.in.size());
    c.in.append(bytes.first(n));
    return n;
}

MutableByteView Connection::tls_input_space() {
    Impl& c = *impl_;
    if (c.state != CloseState::open) return {};
    c.in.reserve(kMaxRecordLength);
    const std::size_t room = kMaxRecordLength - c.in.size();
    return room == 0 ? MutableByteView{} : c.in.prepare(room);
}

void Connection::tls_input_commit(std::size_t n) {
    Impl& c = *impl_;
    if (c.state != CloseState::open) return;
    c.in.commit(std::min(n, kMaxRecordLength - c.in.size()));
}

Status Connection::process() {
    Impl& c = *impl_;
    QTLS_TRY(c.ensure_started());
    // Events the engine may hold from outside process() (e.g. a KeyUpdate).
    if (c.state == CloseState::open) QTLS_TRY(c.drain_events());
    while (c.state == CloseState::open) {
        if (c.pending_operation) break;  // the rest waits for resume()
        if (c.plaintext.size() >= c.options.max_buffered_plaintext) break;  // read() first
        if (c.in.size() < kRecordHeaderLength) break;
        const RecordHeader h = parse_record_header(c.in.data().data());
        if (Status st = c.check_header(h); !st) return c.fail(st.error());
        const std::size_t total = kRecordHeaderLength + h.length;
        if (c.in.size() < total) break;
        Status st = c.handle_record(c.in.mutable_data().first(total));
        c.in.consume(total);
        if (!st) return c.state == CloseState::failed ? *c.error : c.fail(st.error());
        QTLS_TRY(c.drain_events());
    }
    if (c.peer_close_notify) c.in.clear();
    c.trim_buffers();
    if (c.state == CloseState::failed) return *c.error;
    return {};
}

void Connection::transport_eof() {
    Impl& c = *impl_;
    if (c.state != CloseState::open) return;
    // RFC 8446 §6.1: without close_notify the data may have been truncated.
    c.state = CloseState::truncated;
    c.error = Error{Alert::unexpected_message, kUnexpectedEof};
}

ByteView Connection::pending_tls() const { return impl_->out.data(); }

void Connection::consume_tls(std::size_t n) {
    impl_->out.consume(n);
    impl_->trim_buffers();
}

std::size_t Connection::write_tls(MutableByteView out) {
    const ByteView pending = pending_tls();
    const std::size_t n = std::min(out.size(), pending.size());
    if (n > 0) std::memcpy(out.data(), pending.data(), n);
    consume_tls(n);
    return n;
}

bool Connection::wants_write() const { return !impl_->out.empty(); }

// ---- application side ----

Result<std::size_t> Connection::write(ByteView plaintext) {
    const ByteView one[1] = {plaintext};
    return writev(one);
}

Result<std::size_t> Connection::writev(std::span<const ByteView> plaintext) {
    Impl& c = *impl_;
    if (c.state == CloseState::failed || c.state == CloseState::truncated) return *c.error;
    if (c.close_notify_sent) return make_error(Alert::internal_error, "record: write after close_notify");
    if (!c.handshake_complete) return make_error(Alert::internal_error, "record: write before the handshake completed");
    std::size_t total = 0;
    for (ByteView v : plaintext) total += v.size();
    std::size_t written = 0;
    if (total == 0) return written;
    Status st = c.write_records(Epoch::application, ContentType::application_data, plaintext, total,
                               std::max<std::size_t>(c.options.max_buffered_output, 1), written);
    if (!st) return c.state == CloseState::failed ? *c.error : c.fail(st.error());
    return written;
}

Result<std::size_t> Connection::read(MutableByteView out) {
    Impl& c = *impl_;
    if (!c.plaintext.empty()) {
        const std::size_t n = std::min(out.size(), c.plaintext.size());
        if (n > 0) std::memcpy(out.data(), c.plaintext.data().data(), n);
        c.plaintext.consume(n);
        c.trim_buffers();
        return n;
    }
    if (c.state == CloseState::close_notify_received) return std::size_t{0};
    if (c.state != CloseState::open) return *c.error;
    if (out.empty()) return std::size_t{0};
    return make_error(Alert::internal_error, kWouldBlock);
}

std::size_t Connection::plaintext_available() const { return impl_->plaintext.size(); }

void Connection::send_close_notify() {
    Impl& c = *impl_;
    if (c.close_notify_sent || c.state == CloseState::failed || c.state == CloseState::truncated) return;
    // RFC 8446 §6.1: closure alerts are sent as warnings (as in RFC 8448).
    if (Status st = c.flush_stage(); !st) {
        c.fail(st.error());
        return;
    }
    c.send_alert(kAlertLevelWarning, Alert::close_notify);
    c.close_notify_sent = true;
}

Status Connection::key_update(bool request_peer) {
    Impl& c = *impl_;
    if (c.state == CloseState::failed || c.state == CloseState::truncated) return *c.error;
    if (!c.handshake_complete) return make_error(Alert::internal_error, "record: key update before the handshake completed");
    if (c.close_notify_sent) return make_error(Alert::internal_error, "record: key update after close_notify");
    QTLS_TRY(c.engine->send_key_update(request_peer));
    return c.drain_events();
}

Status Connection::request_client_certificate(bool certificate_required) {
    Impl& c = *impl_;
    if (c.state == CloseState::failed || c.state == CloseState::truncated) return *c.error;
    if (!c.handshake_complete)
        return make_error(Alert::internal_error, "record: CertificateRequest before the handshake completed");
    if (c.close_notify_sent) return make_error(Alert::internal_error, "record: CertificateRequest after close_notify");
    QTLS_TRY(c.engine->request_client_certificate(certificate_required));
    return c.drain_events();
}

// ---- asynchronous operations ----

const std::optional<OperationPending>& Connection::pending_operation() const { return impl_->pending_operation; }

Status Connection::resume(std::uint64_t id, OperationAnswer answer) {
    Impl& c = *impl_;
    if (c.state == CloseState::failed || c.state == CloseState::truncated) return *c.error;
    if (!c.engine) return make_error(Alert::internal_error, kNotStarted);
    Status st = c.engine->resume(id, std::move(answer));
    if (!st) {
        // An answer that failed the handshake queued its alert (drained now);
        // misuse queued nothing and leaves the connection as it was.
        if (Status drained = c.drain_events(); !drained) return drained;
        return st;
    }
    c.pending_operation.reset();  // the engine may queue the next one
    QTLS_TRY(c.drain_events());
    return process();
}

// ---- state ----

bool Connection::handshake_complete() const { return impl_->handshake_complete; }
CloseState Connection::close_state() const { return impl_->state; }
bool Connection::close_notify_sent() const { return impl_->close_notify_sent; }
std::optional<Alert> Connection::peer_alert() const { return impl_->peer_alert; }
std::optional<Error> Connection::error() const { return impl_->error; }
const Negotiated& Connection::negotiated() const { return impl_->engine->negotiated(); }
Side Connection::side() const { return impl_->engine->side(); }

Status Connection::export_keying_material(std::string_view label, ByteView context, MutableByteView out) const {
    return impl_->engine->export_keying_material(label, context, out);
}

Status Connection::export_early_keying_material(std::string_view label, ByteView context,
                                                MutableByteView out) const {
    return impl_->engine->export_early_keying_material(label, context, out);
}

void Connection::release_buffers() {
    Impl& c = *impl_;
    c.in.release();
    c.plaintext.release();
    c.early_plaintext.release();
    c.out.release();
    c.hs_stage.release();
}

std::size_t Connection::buffer_capacity() const {
    const Impl& c = *impl_;
    return c.in.capacity() + c.plaintext.capacity() + c.early_plaintext.capacity() + c.out.capacity() +
           c.hs_stage.capacity();
}

}  // namespace qtls::record
