// Pieces both QUIC tools share: clock and randomness for ngtcp2, the crypto
// callbacks of libngtcp2_crypto_qtls, qlog files, the summary line and
// error descriptions.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include <ngtcp2/ngtcp2.h>
#include <ngtcp2/ngtcp2_crypto.h>
#include <ngtcp2/ngtcp2_crypto_qtls.h>

#include "qtls/keylog.h"

namespace qtls::cli {

// RFC 9114 §8.1 H3_NO_ERROR; RFC 9000 §20.1 NO_ERROR (hq-interop closes with it).
inline constexpr std::uint64_t kH3NoError = 0x100;
inline constexpr std::uint64_t kQuicNoError = 0x0;
// Connection IDs we pick (RFC 9000 §17.2 allows up to 20 bytes).
inline constexpr std::size_t kCidLength = 16;

// CLOCK_MONOTONIC in ngtcp2's nanoseconds.
ngtcp2_tstamp quic_now();

// Cryptographic random bytes (getrandom): CIDs, stateless reset tokens.
void random_bytes(std::uint8_t* out, std::size_t n);
ngtcp2_cid random_cid(std::size_t len = kCidLength);

// Fills every callback the crypto backend provides (RFC 9001 glue), for a
// client or a server, plus `rand`. The application adds its own.
void set_crypto_callbacks(ngtcp2_callbacks& cb, bool server);

// ngtcp2_settings.log_printf for --verbose: ngtcp2's own trace on stderr.
void ngtcp2_log_to_stderr(void* user_data, const char* format, ...) __attribute__((format(printf, 2, 3)));

// `--keylog FILE` or, when empty, SSLKEYLOGFILE (nullptr if neither).
std::shared_ptr<KeyLog> keylog_for(const std::string& keylog_file);

// One connection's qlog (draft-ietf-quic-qlog 0.3, JSON-SEQ, as ngtcp2
// writes it): DIR/<hex of the CID>.sqlog. Hook it up with
// settings.qlog_write = a callback that calls write() on the connection's
// QlogFile (ngtcp2 passes the connection's user_data).
class QlogFile {
public:
    QlogFile() = default;
    QlogFile(const QlogFile&) = delete;
    QlogFile& operator=(const QlogFile&) = delete;
    ~QlogFile();
    // Opens DIR/<cid>.sqlog; false (with a message on stderr) on failure.
    bool open(const std::string& dir, const ngtcp2_cid& cid, const char* role);
    bool is_open() const { return file_ != nullptr; }
    void write(std::uint32_t flags, const void* data, std::size_t len);

private:
    std::FILE* file_ = nullptr;
};

std::string hex(const std::uint8_t* data, std::size_t len);

// How a connection came out, for the per-connection line of the contract:
// "version=v1 suite=TLS_... group=X25519 alpn=h3 resumed=no early-data=none retry=no".
struct ConnectionFacts {
    bool early_data_attempted = false;  // the client sent (server: received) 0-RTT
    bool retry = false;
};
std::string quic_summary(ngtcp2_conn* conn, ngtcp2_crypto_qtls_session* tls, const ConnectionFacts& facts);

// Why a connection failed: the TLS alert (CRYPTO_ERROR 0x100+alert, RFC 9001
// §4.8) by name when there is one, otherwise the ngtcp2 error, and the
// peer's CONNECTION_CLOSE if it sent one.
std::string describe_failure(ngtcp2_conn* conn, ngtcp2_crypto_qtls_session* tls, int liberr);

// The CONNECTION_CLOSE reason for a local error `liberr` (ngtcp2 code):
// a TLS alert becomes CRYPTO_ERROR, the rest a transport error.
void set_close_error(ngtcp2_ccerr& ccerr, ngtcp2_conn* conn, int liberr);

}  // namespace qtls::cli
