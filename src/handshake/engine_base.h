// What the client and server state machines share: the event queue, the
// per-epoch message assembler, the transcript, the error latch, secret
// emission (with the key log) and post-handshake KeyUpdate (RFC 8446 §4.6.3).
#pragma once

#include <deque>
#include <functional>
#include <memory>

#include "crypto/key_schedule.h"
#include "handshake/hooks.h"
#include "handshake/transcript.h"
#include "msg/assembler.h"
#include "msg/msg.h"
#include "qtls/engine.h"
#include "qtls/log.h"

namespace qtls::handshake {

class EngineBase : public Engine {
public:
    Status provide(Epoch epoch, ByteView bytes) final;
    std::optional<Event> poll() final;
    bool handshake_complete() const final { return complete_; }
    Side side() const final { return side_; }
    const Negotiated& negotiated() const final { return negotiated_; }
    Status send_key_update(bool request_peer_update) final;
    Status export_keying_material(std::string_view label, ByteView context, MutableByteView out) const final;
    Status export_early_keying_material(std::string_view label, ByteView context, MutableByteView out) const final;
    void set_hooks_for_testing(std::shared_ptr<detail::EngineHooks> hooks) final { hooks_ = std::move(hooks); }
    // qtls/async.h; the suspension machinery lives in deferred.cpp.
    Status resume(std::uint64_t id, OperationAnswer answer) final;

protected:
    EngineBase(Side side, ProviderPtr provider, Transport transport, std::shared_ptr<KeyLog> keylog);

    // One complete handshake message received during the handshake.
    virtual Status on_handshake_message(const msg::RawMessage& m) = 0;
    // One complete message after the handshake (KeyUpdate is handled here).
    virtual Status on_post_handshake_message(const msg::RawMessage& m);

    // Latches the error and queues the alert; returns it for propagation.
    Error fail(Error e);
    // Queues handshake bytes for `epoch` (coalescing with the previous event
    // of the same epoch) and adds them to the transcript.
    void send_message(Epoch epoch, const Bytes& message);
    // Queues a secret event and writes the key log line.
    void emit_secret(Epoch epoch, Direction dir, const Secret& secret, std::string_view keylog_label);
    void emit(Event e);
    void fill_random(MutableByteView out) const;

    // Negotiated suite: fixes the transcript hash and the key schedule.
    Status select_suite(CipherSuite suite);
    crypto::HashContextRef hash_ref() const { return {provider_.get(), suite_->hash}; }
    std::size_t hash_len() const { return suite_->hash_len; }
    // Builds a Finished message for `base_key` over the current transcript.
    Bytes finished_message(const Secret& base_key) const;
    // Checks a received Finished against `base_key` (decrypt_error on mismatch).
    Status check_finished(const msg::RawMessage& m, const Secret& base_key) const;
    // Installs the application secrets and the exporter (both sides, after
    // the server's Finished is in the transcript).
    void derive_application_secrets(const crypto::MasterSecret& master);
    void mark_complete();
    // client_early_exporter_master_secret (RFC 8446 §7.1, §7.5) under the
    // offered PSK's hash, once a ClientHello offering 0-RTT exists; key-logged
    // as EARLY_EXPORTER_SECRET.
    void set_early_exporter(const crypto::HashContextRef& h, Secret secret);
    // Resumption master secret once the client Finished is in the transcript.
    void derive_resumption_secret();
    void observe_secret(std::string_view name, const Secret& s) const {
        if (hooks_ && hooks_->secret) hooks_->secret(name, s.view());
    }

    // ---- asynchronous operations (qtls/async.h, deferred.cpp) ----
    // What the engine does with the application's answer; the answer's type
    // matches the request's (resume() checked it).
    using Continuation = std::function<Status(OperationAnswer&)>;
    // Queues OperationPending and stops handling messages until resume()
    // runs `then`. The caller returns ok right after: everything it would
    // have done next belongs in `then`.
    void suspend(OperationRequest request, Continuation then);
    bool suspended() const { return pending_operation_.has_value(); }
    // Signs with request.certificate's Signer, or asks the application when
    // `deferred`; `then` receives the signature either way.
    Status sign_then(bool deferred, SignRequest request, std::function<Status(Bytes)> then);
    // Verifies with `verifier` (CertVerifier::verify_stapled), or asks the
    // application when `deferred`; `then` runs once the chain is accepted.
    Status verify_then(bool deferred, CertVerifier* verifier, VerificationRequest request,
                       std::function<Status()> then);

    bool is_quic() const { return transport_ == Transport::quic; }
    // The error latched by fail(), if any (post-handshake requests refuse to run after it).
    const std::optional<Error>& latched_error() const { return error_; }

    // Diagnostics (qtls/log.h). The engine starts with default_logger();
    // a config's own logger replaces it. Check log_enabled() before
    // formatting anything, so a disabled level costs one comparison.
    void set_logger(std::shared_ptr<const Logger> logger);
    // The peer's handshake messages above this body size are decode_error.
    void set_max_handshake_message_size(std::size_t n) { assembler_ = msg::MessageAssembler(n); }
    bool log_enabled(LogLevel level) const { return level != LogLevel::off && level <= log_level_; }
    void log(LogLevel level, std::string_view message) const;

    Side side_;
    ProviderPtr provider_;
    Transport transport_;
    std::shared_ptr<KeyLog> keylog_;
    std::shared_ptr<detail::EngineHooks> hooks_;
    std::shared_ptr<const Logger> logger_;
    LogLevel log_level_ = LogLevel::off;
    Transcript transcript_;
    const SuiteInfo* suite_ = nullptr;
    Negotiated negotiated_;
    Epoch read_epoch_ = Epoch::initial;
    std::array<std::uint8_t, 32> client_random_{};
    Secret client_app_secret_;
    Secret server_app_secret_;
    Secret exporter_master_;
    Secret early_exporter_master_;
    crypto::HashContextRef early_exporter_hash_;
    Secret resumption_master_;
    std::optional<crypto::MasterSecret> master_;

private:
    Status handle_key_update(const msg::RawMessage& m);
    Status dispatch(Epoch epoch, ByteView bytes);
    // Hands every complete buffered message to the state machine, stopping
    // early at a suspension.
    Status handle_buffered_messages(Epoch epoch);
    // provide() while suspended: the bytes wait here, in order, and go
    // through dispatch() after resume().
    Status hold_input(Epoch epoch, ByteView bytes);
    // Trace lines for handshake messages crossing the engine's boundary.
    void log_messages(std::string_view direction, Epoch epoch, ByteView framed) const;

    std::deque<Event> events_;
    msg::MessageAssembler assembler_;
    std::optional<Error> error_;
    bool complete_ = false;

    struct PendingOperation {
        std::uint64_t id = 0;
        std::size_t answer_index = 0;  // the OperationAnswer alternative that fits
        Continuation then;
    };
    struct HeldInput {
        Epoch epoch;
        Bytes bytes;
    };
    std::optional<PendingOperation> pending_operation_;
    std::uint64_t next_operation_id_ = 1;
    std::deque<HeldInput> held_input_;
    std::size_t held_bytes_ = 0;
};

}  // namespace qtls::handshake
