/// @file
/// The QUIC front end of the handshake engine (RFC 9001 §4): TLS handshake
/// bytes travel in CRYPTO frames at four encryption levels instead of TLS
/// records, and the traffic secrets leave TLS per level and direction so the
/// QUIC stack can derive packet protection keys (quic_crypto.h).
///
/// A Session is sans-IO, like the Engine it wraps: the QUIC stack hands in
/// the CRYPTO stream bytes it received per level and takes out the CRYPTO
/// stream bytes to send per level, the secrets to install and the peer's
/// transport parameters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "qtls/config.h"
#include "qtls/engine.h"
#include "qtls/error.h"
#include "qtls/quic_crypto.h"
#include "qtls/secret.h"
#include "qtls/types.h"
#include "qtls/export.h"

// Everything declared below is part of the exported API (qtls/export.h).
QTLS_PUBLIC_BEGIN

namespace qtls::quic {

/// RFC 9001 §4 / §2.1: the encryption levels, one to one with the engine's
/// epochs (Initial, 0-RTT, Handshake, 1-RTT).
enum class Level : std::uint8_t { initial = 0, early_data = 1, handshake = 2, application = 3 };
inline constexpr std::size_t kLevelCount = 4;

constexpr Epoch to_epoch(Level l) { return static_cast<Epoch>(l); }
constexpr Level to_level(Epoch e) { return static_cast<Level>(e); }
std::string_view to_string(Level l);

/// RFC 9001 §4.8: a TLS alert becomes the QUIC CRYPTO_ERROR 0x100 + alert.
inline constexpr std::uint64_t kCryptoErrorBase = 0x100;
constexpr std::uint64_t crypto_error_code(Alert a) { return kCryptoErrorBase + static_cast<std::uint8_t>(a); }

/// RFC 9000 §7.5: at least 4096 bytes of out-of-order CRYPTO data must be
/// buffered; qtls buffers up to this much per level, in each direction
/// (reassembly of received data, and CRYPTO data not yet taken for sending).
/// More is CRYPTO_BUFFER_EXCEEDED (RFC 9000 §20.1).
inline constexpr std::size_t kMaxBufferedCryptoData = 64 * 1024;
inline constexpr std::uint64_t kCryptoBufferExceeded = 0x0d;

/// A traffic secret for one level and direction (RFC 9001 §5.1 derives the
/// packet keys from it with the suite's hash).
struct LevelSecret {
    Level level;
    Direction direction;
    CipherSuite suite;
    Secret secret;
};

/// RFC 9000 §19.6: CRYPTO frames carry an offset in a per-level stream.
/// Received frames may be split, coalesced, duplicated and reordered; this
/// turns them into the in-order bytes TLS reads (RFC 9001 §4.1.3). Bounded
/// by kMaxBufferedCryptoData bytes beyond the next expected offset.
class CryptoReassembler {
public:
    /// Adds a frame's data; returns the bytes that became contiguous (maybe
    /// none). Data wholly before the read offset is a duplicate and ignored.
    /// Fails (internal_error, see crypto_buffer_exceeded()) when data would
    /// reach beyond the buffering bound.
    Result<Bytes> add(std::uint64_t offset, ByteView data);
    std::uint64_t read_offset() const { return read_offset_; }
    /// Bytes held out of order.
    std::size_t buffered() const;
    bool crypto_buffer_exceeded() const { return exceeded_; }

private:
    std::uint64_t read_offset_ = 0;
    std::map<std::uint64_t, Bytes> pending_;  ///< by offset, non-overlapping
    bool exceeded_ = false;
};

struct ClientSessionOptions {
    std::string server_name;       ///< SNI and the certificate name
    Bytes transport_parameters;    ///< ours, encoded (RFC 9000 §18); required
    /// Offered instead of a ticket from config.session_store (see
    /// ClientOptions::resume_session).
    std::optional<StoredSession> resume_session{};
};

struct ServerSessionOptions {
    Bytes transport_parameters;  ///< ours, encoded (RFC 9000 §18)
    /// Optional: supplies our transport parameters late, once the client's
    /// are known and the handshake secrets are out (see
    /// ServerOptions::quic_transport_parameters_callback). Called from inside
    /// provide_crypto_data(); everything the Session learnt before it (peer
    /// transport parameters, Initial CRYPTO data, Handshake secrets) is
    /// already visible through the Session's accessors.
    std::function<Result<Bytes>()> transport_parameters_callback;
    /// Sealed into tickets; 0-RTT is accepted only when it is unchanged
    /// (RFC 9001 §4.6.2: our 0-RTT transport parameters, RFC 9000 §7.4.1,
    /// and application settings). See ServerOptions::early_data_context.
    Bytes early_data_context{};
};

/// What the handshake settled on, in QUIC terms.
struct SessionInfo {
    CipherSuite suite{};
    std::optional<NamedGroup> group;
    std::string alpn;
    std::string server_name;
    std::uint16_t tls_version = 0x0304;  ///< RFC 9001 §4.2: TLS 1.3 only
    bool hello_retry = false;
    bool peer_authenticated = false;
};

class Session {
public:
    static Result<std::unique_ptr<Session>> client(std::shared_ptr<const ClientConfig> config,
                                                   ClientSessionOptions options);
    static Result<std::unique_ptr<Session>> server(std::shared_ptr<const ServerConfig> config,
                                                   ServerSessionOptions options);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    Side side() const;

    /// Client: queues the ClientHello at Level::initial. Server: nothing.
    Status start();

    /// In-order CRYPTO stream bytes received at `level`, in any
    /// fragmentation (RFC 9001 §4.1.3). Data at a level the handshake does
    /// not read at fails with unexpected_message. After a failure every call
    /// fails the same way; alert() tells which alert.
    Status provide_crypto_data(Level level, ByteView data);
    /// The same for one CRYPTO frame (RFC 9000 §19.6): reassembled by offset
    /// per level first.
    Status provide_crypto_frame(Level level, std::uint64_t offset, ByteView data);

    /// CRYPTO stream bytes to send at `level` (RFC 9001 §4.1.3), oldest
    /// first; consume() drops the first n once they are handed to QUIC.
    ByteView pending_crypto(Level level) const;
    void consume(Level level, std::size_t n);
    /// Total CRYPTO bytes ever queued at `level` (the next frame offset).
    std::uint64_t crypto_sent(Level level) const { return sent_offset_[index(level)]; }

    /// Secrets in the order to install them (RFC 9001 §4.1.4: as soon as they
    /// exist; when both directions of a level appear in one step, read first).
    std::optional<LevelSecret> next_secret();
    /// Whether a secret for (level, direction) has ever been produced.
    bool has_secret(Level level, Direction direction) const;

    /// RFC 9001 §8.2: the peer's quic_transport_parameters, once received.
    const std::optional<Bytes>& peer_transport_parameters() const { return peer_tp_; }

    bool handshake_complete() const;
    /// The alert that ended the handshake (none while healthy).
    std::optional<Alert> alert() const { return alert_; }
    std::string_view failure_reason() const { return reason_; }
    /// RFC 9001 §4.8: 0x100 + alert, or 0 while no alert was raised.
    std::uint64_t crypto_error_code() const;

    SessionInfo info() const;
    const Negotiated& negotiated() const;
    /// RFC 8446 §7.5 exporter (after the handshake).
    Status export_keying_material(std::string_view label, ByteView context, MutableByteView out) const;
    /// RFC 8446 §7.5 early exporter: once a ClientHello offering 0-RTT was
    /// sent or received (Engine::export_early_keying_material).
    Status export_early_keying_material(std::string_view label, ByteView context, MutableByteView out) const;

    /// 0-RTT (RFC 9001 §4.6): whether early data was accepted, once the
    /// engine reports it (false until then and without resumption). Early
    /// data secrets arrive through next_secret() at Level::early_data.
    bool early_data_accepted() const { return early_data_accepted_; }
    /// Early data was offered (client) or received an offer (server) but was
    /// refused; the client must send it again after the handshake (RFC 9001
    /// §4.6.2). False until known.
    bool early_data_rejected() const { return early_data_rejected_; }
    /// The handshake used a resumption PSK (RFC 8446 §2.2).
    bool resumed() const { return negotiated().resumed; }

    /// Asynchronous operations (qtls/async.h): the step the engine waits for
    /// (the config's `deferred` flags) until resume() answers it. CRYPTO data
    /// provided meanwhile is buffered by the engine and handled after the
    /// answer; what was queued before the suspension is already available
    /// through pending_crypto() and next_secret().
    const std::optional<OperationPending>& pending_operation() const { return pending_operation_; }
    /// Answers it (Engine::resume): queues the rest of the flight and its
    /// secrets. A wrong id or answer type is an error that changes nothing;
    /// an answer that is an error fails the handshake with its alert.
    Status resume(std::uint64_t id, OperationAnswer answer);

private:
    Session(std::unique_ptr<Engine> engine, Side side);
    static std::size_t index(Level l) { return static_cast<std::size_t>(l); }
    /// Moves every queued engine event into the Session's per-level state.
    void drain();
    Status fail(Error e);

    std::unique_ptr<Engine> engine_;
    Side side_;
    Bytes pending_[kLevelCount];
    std::uint64_t sent_offset_[kLevelCount] = {};
    CryptoReassembler reassembler_[kLevelCount];
    std::deque<LevelSecret> secrets_;
    bool produced_[kLevelCount][2] = {};
    std::optional<Bytes> peer_tp_;
    std::optional<Alert> alert_;
    std::string_view reason_;
    bool complete_ = false;
    bool early_data_accepted_ = false;
    bool early_data_rejected_ = false;
    std::optional<OperationPending> pending_operation_;
};

}  // namespace qtls::quic
QTLS_PUBLIC_END
