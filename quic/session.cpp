// quic::Session: the engine in encryption-level terms (RFC 9001 §4).
#include "qtls/quic.h"

#include <algorithm>

namespace qtls::quic {

std::string_view to_string(Level l) {
    switch (l) {
        case Level::initial: return "initial";
        case Level::early_data: return "0-RTT";
        case Level::handshake: return "handshake";
        case Level::application: return "1-RTT";
    }
    return "?";
}

Session::Session(std::unique_ptr<Engine> engine, Side side) : engine_(std::move(engine)), side_(side) {}
Session::~Session() = default;

Result<std::unique_ptr<Session>> Session::client(std::shared_ptr<const ClientConfig> config,
                                                 ClientSessionOptions options) {
    // RFC 9001 §8.2: the extension is mandatory, so an empty one is a bug.
    if (options.transport_parameters.empty())
        return Error{Alert::internal_error, "QUIC client needs its transport parameters (RFC 9001 §8.2)"};
    ClientOptions co;
    co.server_name = std::move(options.server_name);
    co.transport = Transport::quic;
    co.quic_transport_parameters = std::move(options.transport_parameters);
    co.resume_session = std::move(options.resume_session);
    QTLS_ASSIGN_OR_RETURN(auto engine, Engine::client(std::move(config), std::move(co)));
    return std::unique_ptr<Session>(new Session(std::move(engine), Side::client));
}

Result<std::unique_ptr<Session>> Session::server(std::shared_ptr<const ServerConfig> config,
                                                 ServerSessionOptions options) {
    if (options.transport_parameters.empty() && !options.transport_parameters_callback)
        return Error{Alert::internal_error, "QUIC server needs its transport parameters (RFC 9001 §8.2)"};
    std::unique_ptr<Session> session(new Session(nullptr, Side::server));
    ServerOptions so;
    so.transport = Transport::quic;
    so.quic_transport_parameters = std::move(options.transport_parameters);
    so.early_data_context = std::move(options.early_data_context);
    if (options.transport_parameters_callback) {
        // The Session owns the engine, so the raw pointer outlives every call.
        Session* self = session.get();
        so.quic_transport_parameters_callback = [self, cb = std::move(options.transport_parameters_callback)]() {
            self->drain();  // make SH, peer TP and Handshake secrets visible first
            return cb();
        };
    }
    QTLS_ASSIGN_OR_RETURN(session->engine_, Engine::server(std::move(config), std::move(so)));
    return session;
}

Side Session::side() const { return side_; }

Status Session::fail(Error e) {
    if (!alert_) {
        alert_ = e.alert;
        reason_ = e.what;
    }
    return Error{*alert_, reason_};
}

Status Session::start() {
    if (alert_) return Error{*alert_, reason_};
    Status s = engine_->start();
    drain();
    if (!s.ok()) return fail(s.error());
    return {};
}

Status Session::provide_crypto_data(Level level, ByteView data) {
    if (alert_) return Error{*alert_, reason_};
    // RFC 9001 §4.1.3: CRYPTO frames never appear in 0-RTT packets, so
    // nothing TLS reads arrives at that level.
    if (level == Level::early_data) return fail({Alert::unexpected_message, "CRYPTO data in 0-RTT"});
    Status s = engine_->provide(to_epoch(level), data);
    drain();
    if (!s.ok()) return fail(s.error());
    return {};
}

Status Session::provide_crypto_frame(Level level, std::uint64_t offset, ByteView data) {
    if (alert_) return Error{*alert_, reason_};
    auto ready = reassembler_[index(level)].add(offset, data);
    if (!ready.ok()) return fail(ready.error());
    if (ready->empty()) return {};
    return provide_crypto_data(level, *ready);
}

void Session::drain() {
    while (auto event = engine_->poll()) {
        if (auto* hb = std::get_if<HandshakeBytes>(&*event)) {
            Bytes& out = pending_[index(to_level(hb->epoch))];
            out.insert(out.end(), hb->data.begin(), hb->data.end());
            sent_offset_[index(to_level(hb->epoch))] += hb->data.size();
            if (out.size() > kMaxBufferedCryptoData && !alert_) {
                alert_ = Alert::internal_error;
                reason_ = "outgoing CRYPTO data exceeds the per-level buffer";
            }
        } else if (auto* ts = std::get_if<TrafficSecret>(&*event)) {
            const Level level = to_level(ts->epoch);
            produced_[index(level)][static_cast<std::size_t>(ts->direction)] = true;
            LevelSecret ls{level, ts->direction, ts->suite, std::move(ts->secret)};
            // RFC 9001 §4.1.4: install a level's read key before its write
            // key when both arrive together (the server emits Handshake
            // write, then read).
            if (ls.direction == Direction::read && !secrets_.empty() && secrets_.back().level == level &&
                secrets_.back().direction == Direction::write) {
                secrets_.insert(secrets_.end() - 1, std::move(ls));
            } else {
                secrets_.push_back(std::move(ls));
            }
        } else if (auto* tp = std::get_if<PeerTransportParameters>(&*event)) {
            peer_tp_ = std::move(tp->data);
        } else if (auto* alert = std::get_if<AlertToSend>(&*event)) {
            if (!alert_) {
                alert_ = alert->alert;
                reason_ = alert->reason;
            }
        } else if (auto* ed = std::get_if<EarlyDataStatus>(&*event)) {
            early_data_accepted_ = ed->accepted;  // RFC 9001 §4.6.1, §4.6.2
            early_data_rejected_ = !ed->accepted;
        } else if (std::holds_alternative<HandshakeComplete>(*event)) {
            complete_ = true;
        } else if (auto* op = std::get_if<OperationPending>(&*event)) {
            pending_operation_ = std::move(*op);
        }
    }
}

Status Session::resume(std::uint64_t id, OperationAnswer answer) {
    if (alert_) return Error{*alert_, reason_};
    // Cleared first: the engine may queue the next operation, and the
    // transport parameters callback drains from inside resume().
    std::optional<OperationPending> waiting = std::move(pending_operation_);
    pending_operation_.reset();
    Status s = engine_->resume(id, std::move(answer));
    if (!s.ok()) {
        // An answer that failed the handshake queued its alert; misuse
        // queued nothing and leaves the session as it was.
        drain();
        if (!alert_) {
            pending_operation_ = std::move(waiting);
            return s;
        }
        return fail(s.error());
    }
    drain();
    if (alert_) return Error{*alert_, reason_};
    return {};
}

ByteView Session::pending_crypto(Level level) const { return pending_[index(level)]; }

void Session::consume(Level level, std::size_t n) {
    Bytes& out = pending_[index(level)];
    out.erase(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(std::min(n, out.size())));
}

std::optional<LevelSecret> Session::next_secret() {
    if (secrets_.empty()) return std::nullopt;
    LevelSecret s = std::move(secrets_.front());
    secrets_.pop_front();
    return s;
}

bool Session::has_secret(Level level, Direction direction) const {
    return produced_[index(level)][static_cast<std::size_t>(direction)];
}

bool Session::handshake_complete() const { return complete_; }

std::uint64_t Session::crypto_error_code() const { return alert_ ? quic::crypto_error_code(*alert_) : 0; }

const Negotiated& Session::negotiated() const { return engine_->negotiated(); }

SessionInfo Session::info() const {
    const Negotiated& n = engine_->negotiated();
    SessionInfo i;
    i.suite = n.suite;
    i.group = n.group;
    i.alpn = n.alpn;
    i.server_name = n.server_name;
    i.hello_retry = n.hello_retry;
    i.peer_authenticated = side_ == Side::client ? !n.peer_certificates.empty() : n.client_authenticated;
    return i;
}

Status Session::export_keying_material(std::string_view label, ByteView context, MutableByteView out) const {
    return engine_->export_keying_material(label, context, out);
}

Status Session::export_early_keying_material(std::string_view label, ByteView context, MutableByteView out) const {
    return engine_->export_early_keying_material(label, context, out);
}

}  // namespace qtls::quic
