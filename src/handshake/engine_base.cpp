#include "handshake/engine_base.h"

#include <algorithm>

#include "crypto/key_schedule.h"
#include "handshake/negotiated_summary.h"
#include "msg/describe.h"
#include "qtls/keylog.h"

namespace qtls::handshake {

EngineBase::EngineBase(Side side, ProviderPtr provider, Transport transport, std::shared_ptr<KeyLog> keylog)
    : side_(side), provider_(std::move(provider)), transport_(transport), keylog_(std::move(keylog)) {
    set_logger(default_logger());
}

void EngineBase::set_logger(std::shared_ptr<const Logger> logger) {
    if (!logger) return;  // keep the default
    logger_ = std::move(logger);
    log_level_ = logger_->callback ? logger_->level : LogLevel::off;
}

void EngineBase::log(LogLevel level, std::string_view message) const {
    // The component names the state machine, so a process running both
    // sides (tests, proxies) can tell their lines apart.
    if (log_enabled(level)) logger_->callback(level, side_ == Side::client ? "client" : "server", message);
}

void EngineBase::log_messages(std::string_view direction, Epoch epoch, ByteView framed) const {
    std::string line(direction);
    line += ' ';
    line += to_string(epoch);
    line += ": ";
    line += msg::describe_messages(framed);
    log(LogLevel::trace, line);
}

Error EngineBase::fail(Error e) {
    if (!error_) {
        error_ = e;
        if (log_enabled(LogLevel::error))
            log(LogLevel::error, "handshake failed: local alert " + std::string(to_string(e.alert)) + " (" +
                                     std::string(e.what) + ")");
        events_.push_back(AlertToSend{e.alert, e.what});
    }
    return *error_;
}

std::optional<Event> EngineBase::poll() {
    if (events_.empty()) return std::nullopt;
    Event e = std::move(events_.front());
    events_.pop_front();
    return e;
}

Status EngineBase::provide(Epoch epoch, ByteView bytes) {
    if (error_) return *error_;
    Status s = suspended() ? hold_input(epoch, bytes) : dispatch(epoch, bytes);
    if (!s.ok()) return fail(s.error());
    return s;
}

Status EngineBase::dispatch(Epoch epoch, ByteView bytes) {
    // Handshake messages arrive only at the epoch the state machine reads
    // at; a message under other keys is out of order (RFC 8446 §5.1: a
    // message must not span a key change either).
    if (epoch != read_epoch_) return Error{Alert::unexpected_message, "handshake data at the wrong epoch"};
    QTLS_TRY(assembler_.append(bytes));
    return handle_buffered_messages(epoch);
}

Status EngineBase::handle_buffered_messages(Epoch epoch) {
    for (;;) {
        msg::RawMessage m;
        auto more = assembler_.next(m);
        if (!more.ok()) return more.error();
        if (!*more) break;
        if (log_enabled(LogLevel::trace)) log_messages("received", epoch, m.full);
        const Epoch before = read_epoch_;
        if (complete_)
            QTLS_TRY(on_post_handshake_message(m));
        else
            QTLS_TRY(on_handshake_message(m));
        // The rest stays buffered; resume() checks the key change and continues.
        if (suspended()) return {};
        if (read_epoch_ != before && assembler_.has_partial())
            return Error{Alert::unexpected_message, "handshake message spans a key change"};
    }
    return {};
}

Status EngineBase::on_post_handshake_message(const msg::RawMessage& m) {
    if (m.type == msg::HandshakeType::key_update) return handle_key_update(m);
    return Error{Alert::unexpected_message, "unexpected post-handshake message"};
}

// RFC 8446 §4.6.3: the receiver moves its read key forward, and answers an
// update_requested with a KeyUpdate of its own before moving its write key.
Status EngineBase::handle_key_update(const msg::RawMessage& m) {
    if (is_quic()) return Error{Alert::unexpected_message, "KeyUpdate is forbidden in QUIC (RFC 9001 §6)"};
    QTLS_ASSIGN_OR_RETURN(msg::KeyUpdate ku, msg::KeyUpdate::decode(m.body));
    Secret& peer = side_ == Side::client ? server_app_secret_ : client_app_secret_;
    peer = crypto::next_traffic_secret(hash_ref(), peer);
    emit(TrafficSecret{Epoch::application, Direction::read, suite_->suite, peer});
    if (ku.request == msg::KeyUpdate::Request::requested) return send_key_update(false);
    return {};
}

Status EngineBase::send_key_update(bool request_peer_update) {
    if (error_) return *error_;
    if (!complete_) return Error{Alert::internal_error, "KeyUpdate before the handshake completed"};
    if (is_quic()) return Error{Alert::internal_error, "KeyUpdate is not used with QUIC (RFC 9001 §6)"};
    msg::KeyUpdate ku;
    ku.request = request_peer_update ? msg::KeyUpdate::Request::requested : msg::KeyUpdate::Request::not_requested;
    // Post-handshake messages are not part of the transcript.
    emit(HandshakeBytes{Epoch::application, ku.encode()});
    Secret& own = side_ == Side::client ? client_app_secret_ : server_app_secret_;
    own = crypto::next_traffic_secret(hash_ref(), own);
    emit(TrafficSecret{Epoch::application, Direction::write, suite_->suite, own});
    return {};
}

Status EngineBase::export_keying_material(std::string_view label, ByteView context, MutableByteView out) const {
    if (!complete_ || exporter_master_.empty())
        return Error{Alert::internal_error, "exporter used before the handshake completed"};
    if (!crypto::export_keying_material(hash_ref(), exporter_master_, label, context, out))
        return Error{Alert::internal_error, "exporter derivation failed"};
    return {};
}

Status EngineBase::export_early_keying_material(std::string_view label, ByteView context,
                                                MutableByteView out) const {
    if (early_exporter_master_.empty())
        return Error{Alert::internal_error, "early exporter used without a ClientHello offering early data"};
    if (!crypto::export_keying_material(early_exporter_hash_, early_exporter_master_, label, context, out))
        return Error{Alert::internal_error, "early exporter derivation failed"};
    return {};
}

void EngineBase::set_early_exporter(const crypto::HashContextRef& h, Secret secret) {
    if (keylog_) keylog_->log("EARLY_EXPORTER_SECRET", client_random_, secret.view());
    early_exporter_hash_ = h;
    early_exporter_master_ = std::move(secret);
}

void EngineBase::emit(Event e) {
    // Post-handshake messages (NewSessionTicket, KeyUpdate) bypass
    // send_message (they are not in the transcript) but are logged alike.
    if (log_enabled(LogLevel::trace)) {
        if (const auto* hb = std::get_if<HandshakeBytes>(&e)) log_messages("sent", hb->epoch, hb->data);
    }
    events_.push_back(std::move(e));
}

void EngineBase::send_message(Epoch epoch, const Bytes& message) {
    if (log_enabled(LogLevel::trace)) log_messages("sent", epoch, message);
    transcript_.add(message);
    if (!events_.empty()) {
        if (auto* last = std::get_if<HandshakeBytes>(&events_.back()); last && last->epoch == epoch) {
            last->data.insert(last->data.end(), message.begin(), message.end());
            return;
        }
    }
    events_.push_back(HandshakeBytes{epoch, message});
}

void EngineBase::emit_secret(Epoch epoch, Direction dir, const Secret& secret, std::string_view keylog_label) {
    if (keylog_ && !keylog_label.empty()) keylog_->log(keylog_label, client_random_, secret.view());
    if (log_enabled(LogLevel::debug))
        log(LogLevel::debug, std::string(dir == Direction::read ? "read" : "write") + " keys ready for epoch " +
                                 std::string(to_string(epoch)) + " (" + std::string(to_string(suite_->suite)) + ")");
    events_.push_back(TrafficSecret{epoch, dir, suite_->suite, secret});
}

void EngineBase::fill_random(MutableByteView out) const {
    if (hooks_ && hooks_->random)
        hooks_->random(out);
    else
        provider_->random(out);
}

Status EngineBase::select_suite(CipherSuite suite) {
    suite_ = suite_info(suite);
    if (!suite_) return Error{Alert::illegal_parameter, "unknown cipher suite"};
    negotiated_.suite = suite;
    if (!transcript_.has_hash() && !transcript_.set_hash(*provider_, suite_->hash))
        return Error{Alert::internal_error, "hash not available from the crypto provider"};
    return {};
}

Bytes EngineBase::finished_message(const Secret& base_key) const {
    Digest verify = crypto::finished_verify_data(hash_ref(), base_key, transcript_.current());
    msg::Finished fin;
    fin.verify_data.assign(verify.view().begin(), verify.view().end());
    return fin.encode();
}

Status EngineBase::check_finished(const msg::RawMessage& m, const Secret& base_key) const {
    QTLS_ASSIGN_OR_RETURN(msg::Finished fin, msg::Finished::decode(m.body, hash_len()));
    Digest expected = crypto::finished_verify_data(hash_ref(), base_key, transcript_.current());
    if (!constant_time_equal(expected.view(), fin.verify_data))
        return Error{Alert::decrypt_error, "Finished verify_data does not match"};
    return {};
}

void EngineBase::derive_application_secrets(const crypto::MasterSecret& master) {
    master_.emplace(master);
    observe_secret("master_secret", master.secret());
    Digest through_server_finished = transcript_.current();
    client_app_secret_ = master.client_traffic_secret(through_server_finished);
    server_app_secret_ = master.server_traffic_secret(through_server_finished);
    exporter_master_ = master.exporter_master_secret(through_server_finished);
    if (keylog_) keylog_->log("EXPORTER_SECRET", client_random_, exporter_master_.view());
}

void EngineBase::derive_resumption_secret() {
    if (!master_) return;
    resumption_master_ = master_->resumption_master_secret(transcript_.current());
    observe_secret("resumption_master_secret", resumption_master_);
    master_.reset();  // nothing else derives from the master secret
}

void EngineBase::mark_complete() {
    complete_ = true;
    read_epoch_ = Epoch::application;
    if (log_enabled(LogLevel::info))
        log(LogLevel::info, "handshake complete: " + negotiated_summary(negotiated_, side_));
    emit(HandshakeComplete{});
}

}  // namespace qtls::handshake
