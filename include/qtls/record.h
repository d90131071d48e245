/// @file
/// TLS 1.3 over a byte stream (RFC 8446 §5): a sans-IO connection in the
/// rustls style. The caller moves bytes between the connection and the
/// transport; the connection turns them into records, feeds handshake
/// messages to the Engine, installs the keys the Engine derives and carries
/// application data.
///
///   transport bytes ──read_tls()──► process() ──► read()      (plaintext out)
///   write()/writev() ──► pending_tls()/consume_tls() (or write_tls()) ──► transport
///
/// 0-RTT (RFC 8446 §2.3, §4.2.10). A client whose config enables early data
/// and whose session store holds a ticket that allows it offers early data in
/// its ClientHello; right after start() (before the server answers) it may
/// send up to early_data_budget() bytes with write_early_data(). The answer
/// arrives as early_data_accepted(); EndOfEarlyData and the key changes are
/// handled here. A server that accepts receives that data on a stream of its
/// own, read_early_data(), never mixed into read(): 0-RTT data is not
/// protected against replay (§8, §E.5) and has no forward secrecy, so the
/// application must choose, per byte, which guarantees it relies on. A server
/// that rejects skips the client's early records (§4.2.10) and delivers none.
///
/// Nothing here blocks or performs I/O; see qtls/socket.h for helpers that
/// drive a connection over a file descriptor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "qtls/config.h"
#include "qtls/engine.h"
#include "qtls/error.h"
#include "qtls/types.h"
#include "qtls/export.h"

// Everything declared below is part of the exported API (qtls/export.h).
QTLS_PUBLIC_BEGIN

namespace qtls::record {

/// RFC 8446 §5.4: zero bytes appended to TLSInnerPlaintext to hide the length
/// of the content. `block` 0 or 1 means no padding; otherwise every protected
/// record's TLSInnerPlaintext is padded up to a multiple of `block` bytes
/// (capped by the largest record allowed).
struct PaddingPolicy {
    std::size_t block = 0;

    static PaddingPolicy none() { return {}; }
    static PaddingPolicy multiple_of(std::size_t n) { return PaddingPolicy{n}; }
};

struct ConnectionOptions {
    PaddingPolicy padding;
    /// RFC 8446 §D.4: send one dummy change_cipher_spec record (client: before
    /// its second flight; server: after its first handshake message). The
    /// client factory turns this off when the config disables compat mode.
    bool middlebox_compat = true;
    /// write() accepts no more plaintext once this many TLS bytes wait to be
    /// sent (at least one record is always accepted into an empty buffer).
    std::size_t max_buffered_output = 64 * 1024;
    /// process() stops decrypting application data once this many plaintext
    /// bytes wait for read(); the rest stays queued (back-pressure).
    std::size_t max_buffered_plaintext = 64 * 1024;
    /// RFC 8446 §5.5: send a KeyUpdate after this many records under one
    /// application write key (AES-GCM allows about 2^24.5 full-size records).
    std::uint64_t key_update_after_records = std::uint64_t{1} << 24;
    /// 0-RTT (RFC 8446 §4.2.10, §4.6.1). Client: the ticket's
    /// max_early_data_size, the most write_early_data() sends. Server: the most
    /// early data accepted; more is an unexpected_message (§4.6.1).
    /// Connection::client() and Connection::server() set it from the offered
    /// ticket and from ServerConfig::max_early_data; set it yourself only when
    /// wrapping an Engine.
    std::uint32_t max_early_data = 0;
    /// Diagnostics of the record layer (a peer's fatal alert, ...); null:
    /// default_logger(). Connection::client() and Connection::server() set it
    /// from the config's logger, as the engine uses it.
    std::shared_ptr<const Logger> logger = nullptr;
    /// Server: how much rejected early data is skipped (§4.2.10), counted as
    /// each skipped record's ciphertext minus the tag and the content type
    /// byte, since padding cannot be told apart (§4.6.1). The bound used is
    /// the larger of this and max_early_data, so a server with 0-RTT turned off
    /// still completes handshakes with clients holding older tickets. Beyond
    /// it the connection fails with unexpected_message (§4.6.1).
    std::uint32_t max_skipped_early_data = 16384;
};

enum class CloseState : std::uint8_t {
    open,
    close_notify_received,  // the peer closed cleanly (RFC 8446 §6.1)
    truncated,              // the transport ended without close_notify (§6.1)
    failed,                 // a fatal error, ours or the peer's alert (§6.2)
};

/// The Error::what of read() when no plaintext is available yet.
inline constexpr std::string_view kWouldBlock = "record: no plaintext available yet (would block)";
/// The Error::what after transport_eof() without a close_notify.
inline constexpr std::string_view kUnexpectedEof = "record: unexpected EOF (peer closed without close_notify)";

inline bool is_would_block(const Error& e) { return e.what == kWouldBlock; }
inline bool is_unexpected_eof(const Error& e) { return e.what == kUnexpectedEof; }

class Connection {
public:
    /// Builds the Engine from a config (Transport::tcp) and starts it. The
    /// config's provider (or default_provider()) also protects the records.
    static Result<Connection> client(std::shared_ptr<const ClientConfig> config, ClientOptions options,
                                     ConnectionOptions connection_options = {});
    static Result<Connection> server(std::shared_ptr<const ServerConfig> config,
                                     ConnectionOptions connection_options = {});

    /// Wraps an existing engine; `provider` (required) protects the records
    /// and should be the engine's own. Call start() (or process()) first.
    /// A moved-from Connection may only be destroyed or assigned to.
    Connection(std::unique_ptr<Engine> engine, ProviderPtr provider, ConnectionOptions options = {});
    Connection(Connection&&) noexcept;
    Connection& operator=(Connection&&) noexcept;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection();

    /// Starts the engine (the client's ClientHello becomes pending TLS).
    /// Idempotent.
    Status start();

    // ---- transport side ----
    /// Buffers bytes read from the transport. At most one record's worth
    /// (header + 2^14 + 256) is held: returns how many bytes were taken; pass
    /// the rest again after process(). After the peer's close_notify all
    /// further bytes are accepted and ignored (RFC 8446 §6.1).
    Result<std::size_t> read_tls(ByteView transport_bytes);
    /// The same without a copy: receive straight into tls_input_space(), then
    /// report how many bytes arrived. The space is empty while a complete
    /// record waits for process() (or its plaintext for read()).
    MutableByteView tls_input_space();
    void tls_input_commit(std::size_t n);
    /// Parses, decrypts and dispatches every complete buffered record, then
    /// frames whatever the Engine produced. On a fatal error the alert to
    /// send is left in pending_tls() and the error is returned.
    Status process();
    /// The transport reached end of stream. Without a prior close_notify this
    /// is a truncation: the state becomes `truncated` and error() is
    /// kUnexpectedEof (RFC 8446 §6.1).
    void transport_eof();

    /// TLS bytes to send, in order. consume_tls(n) drops the first n once
    /// the transport took them; write_tls() does both by copying.
    ByteView pending_tls() const;
    void consume_tls(std::size_t n);
    std::size_t write_tls(MutableByteView out);
    bool wants_write() const;

    // ---- application side ----
    /// Application data, fragmented into records (RFC 8446 §5.1) of at most
    /// the peer's record_size_limit (RFC 8449 §4). Only after the handshake;
    /// returns how many bytes were accepted (see max_buffered_output).
    Result<std::size_t> write(ByteView plaintext);
    Result<std::size_t> writev(std::span<const ByteView> plaintext);
    /// Copies received application data. Returns 0 at clean end of stream
    /// (close_notify received and all data read), the error after a failure,
    /// and an error with what == kWouldBlock when nothing is available yet.
    /// When process() stopped at max_buffered_plaintext, call it again after
    /// reading to decrypt the records still queued.
    Result<std::size_t> read(MutableByteView out);
    std::size_t plaintext_available() const;

    // ---- 0-RTT (RFC 8446 §4.2.10) ----
    /// Client: sends early data under client_early_traffic_secret. Allowed
    /// from start() until the server's answer (early_data_accepted() set)
    /// when the ClientHello offered early data; returns how many bytes were
    /// accepted: at most early_data_budget() (the ticket's
    /// max_early_data_size less what was sent) and bounded like write() by
    /// max_buffered_output. Fails when early data was not offered (see
    /// negotiated().early_data_offered) or the answer is already known.
    /// Early data may be replayed by an attacker (§8): send only requests
    /// that are safe to repeat.
    Result<std::size_t> write_early_data(ByteView plaintext);
    /// Client: bytes write_early_data() may still send now (0 when early
    /// data was not offered or the server has answered).
    std::size_t early_data_budget() const;
    /// Both sides: whether early data offered in this handshake was accepted;
    /// nullopt while unknown or when none was offered (a server learns it on
    /// the ClientHello, a client on EncryptedExtensions or a
    /// HelloRetryRequest; a server that sent a HelloRetryRequest stays at
    /// nullopt, though it skips the early records). When false the client's early data was dropped:
    /// the application may send it again with write() after the handshake.
    std::optional<bool> early_data_accepted() const;
    /// Server: copies early data received before the client's EndOfEarlyData,
    /// in order. Returns 0 when none is buffered (it never blocks or fails
    /// with kWouldBlock); it stays readable after a failure and after the
    /// handshake. Not subject to max_buffered_plaintext: it is bounded by
    /// max_early_data.
    Result<std::size_t> read_early_data(MutableByteView out);
    std::size_t early_data_available() const;

    /// RFC 8446 §6.1: close the write side. Later write() calls fail.
    void send_close_notify();
    /// RFC 8446 §4.6.3: update our write key, optionally asking the peer to
    /// update theirs.
    Status key_update(bool request_peer);
    /// RFC 8446 §4.6.2, server: ask the client for a certificate now (see
    /// Engine::request_client_certificate). The answer arrives through
    /// process(); negotiated().post_handshake_auths counts finished ones.
    Status request_client_certificate(bool certificate_required);

    // ---- asynchronous operations (qtls/async.h) ----
    /// The step the engine waits for (the config's `deferred` flags), from
    /// the process() call that reached it until resume() answers it. While
    /// it is pending process() returns ok without decrypting further
    /// records: they wait in the input buffer (so read_tls() takes at most
    /// one record) because the keys for them may only exist after the answer.
    const std::optional<OperationPending>& pending_operation() const;
    /// Answers the pending operation (Engine::resume), then processes the
    /// buffered records and frames the engine's output, like process(). A
    /// wrong id or answer type is an error that changes nothing; an answer
    /// that is an error fails the connection with its alert.
    Status resume(std::uint64_t id, OperationAnswer answer);

    // ---- state ----
    bool handshake_complete() const;
    CloseState close_state() const;
    bool close_notify_sent() const;
    /// The alert the peer sent (error alerts and user_canceled).
    std::optional<Alert> peer_alert() const;
    std::optional<Error> error() const;
    const Negotiated& negotiated() const;
    Side side() const;
    /// RFC 8446 §7.5 exporter (after the handshake).
    Status export_keying_material(std::string_view label, ByteView context, MutableByteView out) const;
    /// RFC 8446 §7.5 early exporter: once a ClientHello offering 0-RTT was
    /// sent or received (Engine::export_early_keying_material).
    Status export_early_keying_material(std::string_view label, ByteView context, MutableByteView out) const;

    /// Frees every empty buffer (an idle connection keeps no buffers).
    void release_buffers();
    /// Bytes of buffer memory currently held (tests, accounting).
    std::size_t buffer_capacity() const;

    struct QTLS_INTERNAL Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace qtls::record
QTLS_PUBLIC_END
