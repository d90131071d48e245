// record::Connection, records in: header checks (RFC 8446 §5.1, §5.2),
// decryption (§5.2–§5.4) and dispatch by content type (§5, §6, §D.4).
#include "record/connection_impl.h"

#include <string>

#include "qtls/log.h"

namespace qtls::record {

Status Connection::Impl::check_header(const RecordHeader& h) const {
    const auto type = static_cast<ContentType>(h.type);
    switch (type) {
        case ContentType::change_cipher_spec:
        case ContentType::alert:
        case ContentType::handshake:
        case ContentType::application_data:
            break;
        default:
            // RFC 8446 §5: an unexpected record type is an unexpected_message.
            return make_error(Alert::unexpected_message, "record: unknown record content type");
    }
    if (h.version != kRecordVersion) {
        // RFC 8446 §5.1: only the initial ClientHello may say 0x0301.
        const bool first_client_hello = engine->side() == Side::server && read_epoch == Epoch::initial &&
                                        !sent_initial && type == ContentType::handshake;
        if (!(first_client_hello && h.version == kInitialClientHelloRecordVersion))
            return make_error(Alert::protocol_version, "record: legacy_record_version is not 0x0303");
    }
    // RFC 8446 §5.1 (TLSPlaintext) and §5.2 (TLSCiphertext).
    const std::size_t limit =
        type == ContentType::application_data ? kMaxCiphertextFragment : kMaxPlaintextFragment;
    if (h.length > limit) return make_error(Alert::record_overflow, "record: record longer than RFC 8446 allows");
    // RFC 8446 §5.1: no zero-length handshake or alert fragments.
    if (h.length == 0 && (type == ContentType::handshake || type == ContentType::alert))
        return make_error(Alert::unexpected_message, "record: zero-length handshake or alert record");
    return {};
}

bool Connection::Impl::ccs_allowed() const {
    // RFC 8446 §5: after the first ClientHello was sent or received and
    // before the peer's Finished was received.
    const bool hello_seen = engine->side() == Side::client ? sent_initial : received_handshake;
    return hello_seen && !handshake_complete;
}

Status Connection::Impl::handle_record(MutableByteView record) {
    const RecordHeader h = parse_record_header(record.data());
    const MutableByteView fragment = record.subspan(kRecordHeaderLength);
    switch (static_cast<ContentType>(h.type)) {
        case ContentType::change_cipher_spec:
            if (framing.mid_message())
                return make_error(Alert::unexpected_message, "record: change_cipher_spec inside a handshake message");
            // RFC 8446 §5, §D.4: an unprotected single byte 0x01 is dropped;
            // anything else is an unexpected_message.
            if (fragment.size() != 1 || fragment[0] != kChangeCipherSpecValue)
                return make_error(Alert::unexpected_message, "record: malformed change_cipher_spec");
            if (!ccs_allowed())
                return make_error(Alert::unexpected_message, "record: change_cipher_spec outside the handshake");
            return {};
        case ContentType::application_data: {
            if (!read_keys) {
                // RFC 8446 §4.2.10: after a HelloRetryRequest the server skips
                // the client's early records until the second ClientHello.
                if (skips_early_records_without_keys()) return skip_early_record(h.length);
                return make_error(Alert::unexpected_message, "record: protected record before keys");
            }
            auto opened = read_keys->open(record);
            if (!opened) {
                // §4.2.10: early data rejected, records that fail to deprotect
                // with the handshake key are the client's 0-RTT data: skip them.
                if (skipping_rejected_early_data && opened.error().alert == Alert::bad_record_mac)
                    return skip_early_record(h.length);
                return opened.error();
            }
            // §4.2.10: the first record that deprotects starts the client's
            // second flight; from here on a failure is bad_record_mac (§5.2).
            skipping_rejected_early_data = false;
            return dispatch(opened->type, opened->content, true);
        }
        default: {
            // Unprotected handshake or alert. Once the peer has keys every
            // such record must be protected; a plaintext alert is still
            // accepted during the handshake, from a peer that failed before
            // it could derive keys.
            const bool alert = static_cast<ContentType>(h.type) == ContentType::alert;
            if (read_keys && !(alert && read_epoch != Epoch::application))
                return make_error(Alert::unexpected_message, "record: unprotected record after keys were installed");
            return dispatch(static_cast<ContentType>(h.type), fragment, false);
        }
    }
}

Status Connection::Impl::dispatch(ContentType type, MutableByteView content, bool is_protected) {
    // RFC 8446 §5.1: nothing may come between the pieces of a handshake message.
    if (type != ContentType::handshake && framing.mid_message())
        return make_error(Alert::unexpected_message, "record: record interleaved with a split handshake message");
    switch (type) {
        case ContentType::handshake:
            // RFC 8446 §5.1: handshake messages may be fragmented and coalesced
            // freely, but never sent as an empty fragment. The engine checks
            // that no message spans a key change.
            if (content.empty()) return make_error(Alert::unexpected_message, "record: empty handshake fragment");
            received_handshake = true;
            framing.add(content);
            if (is_protected && read_epoch == Epoch::early_data) return receive_early_handshake(content);
            return engine->provide(is_protected ? read_epoch : Epoch::initial, content);
        case ContentType::alert:
            return handle_alert(content);
        case ContentType::application_data:
            if (read_epoch == Epoch::early_data) return receive_early_application_data(content);
            if (read_epoch != Epoch::application)
                return make_error(Alert::unexpected_message, "record: application data before the handshake completed");
            plaintext.append(content);
            return {};
        default:
            // A protected change_cipher_spec (§5) or an unknown inner type.
            return make_error(Alert::unexpected_message, "record: unexpected inner content type");
    }
}

Status Connection::Impl::handle_alert(ByteView content) {
    if (content.empty()) return make_error(Alert::unexpected_message, "record: empty alert");
    // RFC 8446 §5.1: alerts are never fragmented or coalesced: two bytes.
    if (content.size() != 2) return make_error(Alert::decode_error, "record: malformed alert");
    const auto description = static_cast<Alert>(content[1]);
    switch (description) {
        case Alert::close_notify:
            // RFC 8446 §6.1: the peer will send nothing more.
            peer_close_notify = true;
            state = CloseState::close_notify_received;
            return {};
        case Alert::user_canceled:
            // RFC 8446 §6.1: a closure alert, normally followed by close_notify.
            peer_alert = description;
            return {};
        default:
            // RFC 8446 §6.2: every other alert (whatever its level) ends the
            // connection; no alert is sent in reply.
            peer_alert = description;
            // The config's logger, like the engine's own lines; the default
            // only when the config sets none.
            if (auto logger = options.logger ? options.logger : default_logger();
                logger && logger->enabled(LogLevel::error))
                logger->callback(LogLevel::error, "record",
                                 std::string(handshake_complete ? "connection" : "handshake") +
                                     " failed: peer sent alert " + std::string(to_string(description)));
            return fail(Error{description, "record: the peer sent a fatal alert"}, false);
    }
}

}  // namespace qtls::record
