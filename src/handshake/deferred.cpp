// Asynchronous operations (qtls/async.h): how the engine suspends at a step
// the application answers later, and how it continues.
//
// A suspension is a continuation: the handler that reached the step queues
// an OperationPending event, stores what it would have done next, and
// returns. The dispatch loop sees suspended() and stops, leaving the rest of
// the peer's messages in the assembler; bytes provide()d meanwhile wait in
// held_input_. resume() runs the continuation (which may suspend again, e.g.
// certificate selection followed by signing), then the buffered messages,
// then the held input, exactly as if the answer had come synchronously.
#include <string>
#include <utility>

#include "handshake/engine_base.h"

namespace qtls::handshake {

namespace {
// What a peer may send while we wait is the rest of its current flight (a
// client's CertificateVerify and Finished behind its Certificate, say):
// a few messages, each bounded by the handshake message limit. Input held
// beyond this is refused rather than buffered without bound.
constexpr std::size_t kMaxHeldInput = 4 * kDefaultMaxHandshakeMessageSize;

std::string_view operation_name(const OperationRequest& r) {
    if (std::holds_alternative<SignRequest>(r)) return "sign";
    if (std::holds_alternative<CertificateSelectionRequest>(r)) return "certificate selection";
    return "peer verification";
}
}  // namespace

void EngineBase::suspend(OperationRequest request, Continuation then) {
    const std::uint64_t id = next_operation_id_++;
    if (log_enabled(LogLevel::debug))
        log(LogLevel::debug, "waiting for the application: " + std::string(operation_name(request)) + " (operation " +
                                 std::to_string(id) + ")");
    // The answer alternatives are declared in the order of the requests.
    pending_operation_ = PendingOperation{id, request.index(), std::move(then)};
    events_.push_back(OperationPending{id, std::move(request)});
}

Status EngineBase::hold_input(Epoch epoch, ByteView bytes) {
    if (bytes.empty()) return {};
    if (bytes.size() > kMaxHeldInput - held_bytes_)
        return Error{Alert::unexpected_message, "too much handshake data while an operation is pending"};
    held_bytes_ += bytes.size();
    held_input_.push_back(HeldInput{epoch, Bytes(bytes.begin(), bytes.end())});
    return {};
}

Status EngineBase::resume(std::uint64_t id, OperationAnswer answer) {
    // Misuse leaves the connection as it was: nothing is latched.
    if (error_) return *error_;
    if (!pending_operation_) return Error{Alert::internal_error, "resume: no operation is pending"};
    if (id != pending_operation_->id) return Error{Alert::internal_error, "resume: no pending operation has this id"};
    if (answer.index() != pending_operation_->answer_index)
        return Error{Alert::internal_error, "resume: the answer does not fit the pending request"};
    Continuation then = std::move(pending_operation_->then);
    pending_operation_.reset();

    const Epoch before = read_epoch_;
    Status s = then(answer);
    if (s.ok() && !suspended()) {
        // RFC 8446 §5.1, as dispatch() checks after each message.
        if (read_epoch_ != before && assembler_.has_partial())
            s = Error{Alert::unexpected_message, "handshake message spans a key change"};
        else
            s = handle_buffered_messages(read_epoch_);
    }
    while (s.ok() && !suspended() && !held_input_.empty()) {
        HeldInput in = std::move(held_input_.front());
        held_input_.pop_front();
        held_bytes_ -= in.bytes.size();
        s = dispatch(in.epoch, in.bytes);
    }
    if (!s.ok()) return fail(s.error());
    return {};
}

Status EngineBase::sign_then(bool deferred, SignRequest request, std::function<Status(Bytes)> then) {
    if (!request.certificate || !request.certificate->key)
        return Error{Alert::internal_error, "no signing key for CertificateVerify"};
    if (!deferred) {
        QTLS_ASSIGN_OR_RETURN(Bytes signature, request.certificate->key->sign(request.scheme, request.input));
        return then(std::move(signature));
    }
    suspend(std::move(request), [then = std::move(then)](OperationAnswer& a) -> Status {
        auto& answer = std::get<SignAnswer>(a);
        if (!answer.signature.ok()) return answer.signature.error();
        return then(std::move(answer.signature).value());
    });
    return {};
}

Status EngineBase::verify_then(bool deferred, CertVerifier* verifier, VerificationRequest request,
                               std::function<Status()> then) {
    if (!deferred) {
        if (!verifier) return Error{Alert::internal_error, "no certificate verifier configured"};
        QTLS_TRY(verifier->verify_stapled(request.chain, request.peer_name, request.stapled));
        return then();
    }
    suspend(std::move(request), [then = std::move(then)](OperationAnswer& a) -> Status {
        const auto& answer = std::get<VerificationAnswer>(a);
        if (!answer.status.ok()) return answer.status.error();
        return then();
    });
    return {};
}

}  // namespace qtls::handshake
