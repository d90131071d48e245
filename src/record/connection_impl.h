// Internal state of record::Connection, shared by the files that implement
// it: connection.cpp (public API and Engine events), connection_input.cpp
// (records in), connection_output.cpp (records out) and
// connection_early_data.cpp (0-RTT, RFC 8446 §4.2.10).
#pragma once

#include <array>
#include <optional>

#include "qtls/record.h"
#include "record/byte_queue.h"
#include "record/handshake_framing.h"
#include "record/record_header.h"
#include "record/record_protection.h"

namespace qtls::record {

// Internal: hidden from libqtls.so's exports although record.h (public)
// declares the name.
struct QTLS_INTERNAL Connection::Impl {
    Impl(std::unique_ptr<Engine> e, ProviderPtr p, ConnectionOptions o);

    std::unique_ptr<Engine> engine;
    ProviderPtr provider;
    ConnectionOptions options;
    bool started = false;

    // ---- read side ----
    ByteQueue in;         // TLS bytes from the transport, at most one record
    ByteQueue plaintext;  // application data waiting for read()
    // Epoch of the records we expect (initial = unprotected).
    Epoch read_epoch = Epoch::initial;
    std::optional<RecordProtection> read_keys;  // keys of read_epoch
    // The peer's application secret arrives before its Finished; it is used
    // only once the handshake completes.
    std::optional<RecordProtection> pending_application_read;
    bool received_handshake = false;  // at least one handshake record seen
    HandshakeFraming framing;         // where the peer's handshake messages end
    bool peer_close_notify = false;
    std::optional<Alert> peer_alert;

    // ---- 0-RTT (RFC 8446 §4.2.10) ----
    std::optional<bool> early_accepted;  // the EarlyDataStatus event
    // Client: early data bytes sent so far. Server: early data received
    // (accepted) or skipped (rejected), for the max_early_data_size bound.
    std::uint64_t early_bytes = 0;
    ByteQueue early_plaintext;  // server: accepted early data for read_early_data()
    // Server, early data accepted: the client's handshake key waits until its
    // EndOfEarlyData (4 bytes, §4.5) has arrived under the early key.
    std::optional<RecordProtection> pending_handshake_read;
    std::size_t end_of_early_data_seen = 0;
    // Server, early data rejected: records that fail to decrypt with the
    // handshake key are skipped until one succeeds (§4.2.10).
    bool skipping_rejected_early_data = false;

    // ---- write side ----
    std::array<std::optional<RecordProtection>, kEpochCount> write_keys;
    ByteQueue out;       // TLS bytes ready for the transport
    ByteQueue hs_stage;  // handshake bytes of one epoch, coalesced into records
    Epoch stage_epoch = Epoch::initial;
    bool sent_initial = false;  // unprotected handshake records went out
    bool ccs_sent = false;
    bool close_notify_sent = false;

    bool handshake_complete = false;
    // The OperationPending event the engine waits on (qtls/async.h).
    std::optional<OperationPending> pending_operation;
    CloseState state = CloseState::open;
    std::optional<Error> error;

    // connection.cpp
    Status ensure_started();
    Status drain_events();
    Status install_secret(TrafficSecret& s);
    // Records the error, sends `alert` (unless the peer's alert ended us)
    // and returns the error.
    Error fail(Error e, bool send_alert = true);
    void trim_buffers();

    // connection_input.cpp
    Status check_header(const RecordHeader& h) const;
    Status handle_record(MutableByteView record);
    Status dispatch(ContentType type, MutableByteView content, bool is_protected);
    Status handle_alert(ByteView content);
    bool ccs_allowed() const;

    // connection_early_data.cpp
    void on_early_data_status(bool accepted);
    bool skips_early_records_without_keys() const;
    Status skip_early_record(std::size_t ciphertext_length);
    Status receive_early_application_data(ByteView content);
    Status receive_early_handshake(ByteView content);

    // connection_output.cpp
    Status stage_handshake(Epoch epoch, ByteView bytes);
    Status flush_stage();
    void send_change_cipher_spec();
    void send_alert(std::uint8_t level, Alert alert);
    Status write_records(Epoch epoch, ContentType type, std::span<const ByteView> data, std::size_t total,
                         std::size_t limit, std::size_t& written);
    std::size_t max_protected_content() const;
    std::size_t padding_for(std::size_t content_len) const;
    Status maybe_rotate_write_key();
};

}  // namespace qtls::record
