// Poll-driven plumbing between a socket and a record::Connection for the
// CLI: receive what the socket has without waiting for whole records, and
// hand decrypted data to a sink.
#pragma once

#include <functional>

#include "qtls/record.h"

namespace qtls::cli {

// One recv() worth of TLS bytes into the connection, then process(). Sets
// `eof` when the peer closed the transport.
Status receive_available(record::Connection& conn, int fd, bool& eof);
// Hands every buffered plaintext byte to `sink`.
void drain_plaintext(record::Connection& conn, const std::function<void(ByteView)>& sink);
// Describes an error for people: who raised which alert, and the cause:
// "local alert bad_certificate (certificate does not match the host name)"
// or "peer sent alert handshake_failure".
std::string describe(const record::Connection& conn, const Error& e);

}  // namespace qtls::cli
