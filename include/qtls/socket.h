/// @file
/// Small helpers that drive a record::Connection over a connected stream
/// socket (or any file descriptor). They work with blocking and non-blocking
/// descriptors alike: EAGAIN is answered with poll(2). Every call is bounded
/// by `timeout_ms` for the whole call (negative: no limit). The descriptor is
/// never closed; it stays the caller's.
#pragma once

#include <cstddef>
#include <string_view>

#include "qtls/error.h"
#include "qtls/record.h"
#include "qtls/types.h"
#include "qtls/export.h"

// Everything declared below is part of the exported API (qtls/export.h).
QTLS_PUBLIC_BEGIN

namespace qtls::record {

inline constexpr int kDefaultTimeoutMs = 30'000;

/// Error::what values of the transport failures (the alert is internal_error;
/// nothing was sent to the peer).
inline constexpr std::string_view kTimedOut = "socket: timed out";
inline constexpr std::string_view kSocketError = "socket: I/O error on the descriptor";
inline constexpr std::string_view kClosedDuringHandshake = "socket: peer closed the connection during the handshake";

inline bool is_timeout(const Error& e) { return e.what == kTimedOut; }
/// The Error::what of drive_handshake() when the engine waits for the answer
/// to Connection::pending_operation() (qtls/async.h). The connection is
/// intact: answer with Connection::resume(), then call drive_handshake again.
inline constexpr std::string_view kOperationPending = "socket: the handshake waits for pending_operation()";
inline bool is_operation_pending(const Error& e) { return e.what == kOperationPending; }

/// Runs the handshake to completion: sends and receives until
/// handshake_complete(). On failure the alert is sent (best effort) and the
/// error returned; EOF is reported as kUnexpectedEof. Returns kOperationPending
/// (see above) instead of waiting for a peer that waits for us.
Status drive_handshake(Connection& connection, int fd, int timeout_ms = kDefaultTimeoutMs);

/// Waits for application data and copies up to out.size() bytes. Returns 0
/// at the peer's close_notify; a truncated stream returns the kUnexpectedEof
/// error (RFC 8446 §6.1).
Result<std::size_t> read_some(Connection& connection, int fd, MutableByteView out,
                              int timeout_ms = kDefaultTimeoutMs);

/// Sends all of `data` as application data and flushes it.
Status write_all(Connection& connection, int fd, ByteView data, int timeout_ms = kDefaultTimeoutMs);

/// Sends whatever TLS bytes are pending.
Status flush(Connection& connection, int fd, int timeout_ms = kDefaultTimeoutMs);

/// RFC 8446 §6.1: sends close_notify and flushes it. Does not wait for the
/// peer's close_notify and does not close `fd`.
Status close(Connection& connection, int fd, int timeout_ms = kDefaultTimeoutMs);

}  // namespace qtls::record
QTLS_PUBLIC_END
