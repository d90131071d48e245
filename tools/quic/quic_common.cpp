#include "quic_common.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdarg>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "qtls/error.h"
#include "qtls/quic.h"
#include "quic_options.h"

namespace qtls::cli {

ngtcp2_tstamp quic_now() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<ngtcp2_tstamp>(ts.tv_sec) * NGTCP2_SECONDS + static_cast<ngtcp2_tstamp>(ts.tv_nsec);
}

void random_bytes(std::uint8_t* out, std::size_t n) {
    while (n > 0) {
        const ssize_t got = getrandom(out, n, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            // getrandom cannot fail on Linux >= 3.17 once the pool is
            // initialised; there is no safe fallback for key material.
            std::perror("getrandom");
            std::abort();
        }
        out += got;
        n -= static_cast<std::size_t>(got);
    }
}

ngtcp2_cid random_cid(std::size_t len) {
    std::uint8_t data[NGTCP2_MAX_CIDLEN];
    if (len > sizeof data) len = sizeof data;
    random_bytes(data, len);
    ngtcp2_cid cid;
    ngtcp2_cid_init(&cid, data, len);
    return cid;
}

void set_crypto_callbacks(ngtcp2_callbacks& cb, bool server) {
    if (server) {
        cb.recv_client_initial = ngtcp2_crypto_recv_client_initial_cb;
    } else {
        cb.client_initial = ngtcp2_crypto_client_initial_cb;
        cb.recv_retry = ngtcp2_crypto_recv_retry_cb;
    }
    cb.recv_crypto_data = ngtcp2_crypto_recv_crypto_data_cb;
    cb.encrypt = ngtcp2_crypto_encrypt_cb;
    cb.decrypt = ngtcp2_crypto_decrypt_cb;
    cb.hp_mask = ngtcp2_crypto_hp_mask_cb;
    cb.update_key = ngtcp2_crypto_update_key_cb;
    cb.delete_crypto_aead_ctx = ngtcp2_crypto_delete_crypto_aead_ctx_cb;
    cb.delete_crypto_cipher_ctx = ngtcp2_crypto_delete_crypto_cipher_ctx_cb;
    cb.get_path_challenge_data = ngtcp2_crypto_get_path_challenge_data_cb;
    cb.version_negotiation = ngtcp2_crypto_version_negotiation_cb;
    // ngtcp2 uses this for packet-number skipping and similar; it need not
    // be a CSPRNG, but getrandom is cheap enough.
    cb.rand = [](std::uint8_t* dest, std::size_t n, const ngtcp2_rand_ctx*) { random_bytes(dest, n); };
}

void ngtcp2_log_to_stderr(void*, const char* format, ...) {
    va_list ap;
    va_start(ap, format);
    std::vfprintf(stderr, format, ap);
    va_end(ap);
    std::fputc('\n', stderr);
}

std::shared_ptr<KeyLog> keylog_for(const std::string& keylog_file) {
    return keylog_file.empty() ? keylog_from_env() : qtls::keylog_file(keylog_file);
}

std::string hex(const std::uint8_t* data, std::size_t len) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string s;
    s.reserve(len * 2);
    for (std::size_t i = 0; i < len; ++i) {
        s += kDigits[data[i] >> 4];
        s += kDigits[data[i] & 0x0f];
    }
    return s;
}

QlogFile::~QlogFile() {
    if (file_) std::fclose(file_);
}

bool QlogFile::open(const std::string& dir, const ngtcp2_cid& cid, const char* role) {
    const std::string path = dir + "/" + hex(cid.data, cid.datalen) + "-" + role + ".sqlog";
    file_ = std::fopen(path.c_str(), "w");
    if (!file_) {
        std::fprintf(stderr, "qtls: cannot write qlog %s: %s\n", path.c_str(), std::strerror(errno));
        return false;
    }
    return true;
}

void QlogFile::write(std::uint32_t flags, const void* data, std::size_t len) {
    if (!file_) return;
    std::fwrite(data, 1, len, file_);
    if (flags & NGTCP2_QLOG_WRITE_FLAG_FIN) {
        std::fclose(file_);
        file_ = nullptr;
    }
}

std::string quic_summary(ngtcp2_conn* conn, ngtcp2_crypto_qtls_session* tls, const ConnectionFacts& facts) {
    const quic::Session* session = ngtcp2_crypto_qtls_session_get_quic_session(tls);
    std::string s = "version=" + quic_version_name(ngtcp2_conn_get_negotiated_version(conn));
    if (session == nullptr) return s + " (no TLS session)";
    const Negotiated& n = session->negotiated();
    s += " suite=" + std::string(to_string(n.suite));
    s += " group=" + (n.group ? std::string(to_string(*n.group)) : std::string("none"));
    s += " alpn=" + (n.alpn.empty() ? std::string("none") : n.alpn);
    s += std::string(" resumed=") + (ngtcp2_crypto_qtls_session_get_resumed(tls) ? "yes" : "no");
    // RFC 9001 §4.6: 0-RTT is accepted when the server's EncryptedExtensions
    // carries early_data. "none": the client offered none.
    const char* early = "none";
    switch (ngtcp2_crypto_qtls_session_get_early_data_status(tls)) {
        case NGTCP2_CRYPTO_QTLS_EARLY_DATA_ACCEPTED: early = "accepted"; break;
        case NGTCP2_CRYPTO_QTLS_EARLY_DATA_REJECTED: early = "rejected"; break;
        case NGTCP2_CRYPTO_QTLS_EARLY_DATA_PENDING: early = "rejected"; break;  // no answer by the end of the handshake
        case NGTCP2_CRYPTO_QTLS_EARLY_DATA_NONE:
            early = facts.early_data_attempted ? "rejected" : "none";
            break;
    }
    s += std::string(" early-data=") + early;
    s += std::string(" retry=") + (facts.retry ? "yes" : "no");
    return s;
}

namespace {

std::string alert_name(std::uint8_t alert) { return std::string(to_string(static_cast<Alert>(alert))); }

std::string describe_ccerr(const ngtcp2_ccerr& e) {
    char code[32];
    std::snprintf(code, sizeof code, "0x%llx", static_cast<unsigned long long>(e.error_code));
    std::string s;
    if (e.type == NGTCP2_CCERR_TYPE_APPLICATION) {
        s = std::string("application error ") + code;
    } else if (e.type == NGTCP2_CCERR_TYPE_TRANSPORT && (e.error_code & ~0xffULL) == NGTCP2_CRYPTO_ERROR) {
        s = std::string("CRYPTO_ERROR ") + code + " (TLS alert " +
            alert_name(static_cast<std::uint8_t>(e.error_code & 0xff)) + ")";
    } else if (e.type == NGTCP2_CCERR_TYPE_IDLE_CLOSE) {
        return "idle timeout";
    } else {
        s = std::string("transport error ") + code;
    }
    if (e.reasonlen > 0)
        s += " \"" + std::string(reinterpret_cast<const char*>(e.reason), e.reasonlen) + "\"";
    return s;
}

}  // namespace

std::string describe_failure(ngtcp2_conn* conn, ngtcp2_crypto_qtls_session* tls, int liberr) {
    std::string s;
    const std::uint8_t alert = conn ? ngtcp2_conn_get_tls_alert(conn) : 0;
    if (alert != 0) {
        char code[16];
        std::snprintf(code, sizeof code, "0x%x", 0x100u + alert);
        s = std::string("CRYPTO_ERROR ") + code + " (TLS alert " + alert_name(alert) + ")";
        const quic::Session* session = tls ? ngtcp2_crypto_qtls_session_get_quic_session(tls) : nullptr;
        if (session && !session->failure_reason().empty()) s += ": " + std::string(session->failure_reason());
    } else if (liberr != 0) {
        s = ngtcp2_strerror(liberr);
    }
    if (conn) {
        const ngtcp2_ccerr* peer = ngtcp2_conn_get_ccerr(conn);
        if (peer && (peer->error_code != 0 || peer->type != NGTCP2_CCERR_TYPE_TRANSPORT))
            s += (s.empty() ? "" : "; ") + std::string("peer closed: ") + describe_ccerr(*peer);
    }
    return s.empty() ? "unknown error" : s;
}

void set_close_error(ngtcp2_ccerr& ccerr, ngtcp2_conn* conn, int liberr) {
    ngtcp2_ccerr_default(&ccerr);
    const std::uint8_t alert = ngtcp2_conn_get_tls_alert(conn);
    if (liberr == NGTCP2_ERR_CRYPTO && alert != 0)
        ngtcp2_ccerr_set_tls_alert(&ccerr, alert, nullptr, 0);
    else
        ngtcp2_ccerr_set_liberr(&ccerr, liberr, nullptr, 0);
}

}  // namespace qtls::cli
