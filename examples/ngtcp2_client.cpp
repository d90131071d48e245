// A minimal QUIC client: ngtcp2 for the transport, qtls (through
// libngtcp2_crypto_qtls) for TLS. It connects, completes and confirms the
// handshake (RFC 9001 §4.1.1, §4.1.2), prints what was negotiated and closes
// with H3_NO_ERROR. Usage:
//
//   ngtcp2_client [--ca FILE] [--sni NAME] [--alpn PROTO] [--v2] HOST PORT
//
// Exit status 0 once the handshake is confirmed, 1 otherwise (10 s limit).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <random>
#include <string>

#include <ngtcp2/ngtcp2.h>
#include <ngtcp2/ngtcp2_crypto.h>
#include <ngtcp2/ngtcp2_crypto_qtls.h>

#include "qtls/certs.h"
#include "qtls/config.h"

namespace {

constexpr uint64_t kH3NoError = 0x100;  // RFC 9114 §8.1
constexpr ngtcp2_duration kDeadline = 10 * NGTCP2_SECONDS;

ngtcp2_tstamp now() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<ngtcp2_tstamp>(ts.tv_sec) * NGTCP2_SECONDS + static_cast<ngtcp2_tstamp>(ts.tv_nsec);
}

std::mt19937_64 rng{std::random_device{}()};
void fill_random(uint8_t* p, size_t n) {
    for (size_t i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(rng());
}

struct Client {
    int fd = -1;
    sockaddr_in local{}, remote{};
    ngtcp2_path path{};
    ngtcp2_conn* conn = nullptr;
    ngtcp2_crypto_qtls_session* tls = nullptr;
    ngtcp2_crypto_conn_ref ref{[](ngtcp2_crypto_conn_ref* r) { return static_cast<Client*>(r->user_data)->conn; },
                               this};
    bool confirmed = false;

    ~Client() {
        ngtcp2_conn_del(conn);
        ngtcp2_crypto_qtls_session_del(tls);
        if (fd >= 0) close(fd);
    }

    bool send_packets() {
        for (;;) {
            uint8_t buf[1452];
            ngtcp2_path_storage ps;
            ngtcp2_path_storage_zero(&ps);
            ngtcp2_pkt_info pi{};
            ngtcp2_ssize n = ngtcp2_conn_write_pkt(conn, &ps.path, &pi, buf, sizeof buf, now());
            if (n < 0) {
                std::fprintf(stderr, "write_pkt: %s\n", ngtcp2_strerror(static_cast<int>(n)));
                return false;
            }
            if (n == 0) return true;
            if (send(fd, buf, static_cast<size_t>(n), 0) < 0 && errno != ECONNREFUSED) return false;
        }
    }

    bool receive() {
        uint8_t buf[65536];
        for (;;) {
            ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
            if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNREFUSED;
            ngtcp2_pkt_info pi{};
            int rv = ngtcp2_conn_read_pkt(conn, &path, &pi, buf, static_cast<size_t>(n), now());
            if (rv != 0) {
                std::fprintf(stderr, "read_pkt: %s (TLS alert %u)\n", ngtcp2_strerror(rv),
                             ngtcp2_conn_get_tls_alert(conn));
                return false;
            }
        }
    }

    void close_connection() {
        ngtcp2_ccerr ccerr;
        ngtcp2_ccerr_set_application_error(&ccerr, kH3NoError, nullptr, 0);
        uint8_t buf[1452];
        ngtcp2_path_storage ps;
        ngtcp2_path_storage_zero(&ps);
        ngtcp2_pkt_info pi{};
        ngtcp2_ssize n = ngtcp2_conn_write_connection_close(conn, &ps.path, &pi, buf, sizeof buf, &ccerr, now());
        if (n > 0) send(fd, buf, static_cast<size_t>(n), 0);
    }
};

int usage() {
    std::fprintf(stderr, "usage: ngtcp2_client [--ca FILE] [--sni NAME] [--alpn PROTO] [--v2] HOST PORT\n");
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    std::string ca, sni = "localhost", alpn = "h3", host, port;
    uint32_t version = NGTCP2_PROTO_VER_V1;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--ca" && i + 1 < argc) ca = argv[++i];
        else if (a == "--sni" && i + 1 < argc) sni = argv[++i];
        else if (a == "--alpn" && i + 1 < argc) alpn = argv[++i];
        else if (a == "--v2") version = NGTCP2_PROTO_VER_V2;
        else if (host.empty()) host = a;
        else if (port.empty()) port = a;
        else return usage();
    }
    if (host.empty() || port.empty()) return usage();

    // TLS: qtls verifies the server against --ca (or the system roots).
    auto config = std::make_shared<qtls::ClientConfig>();
    qtls::X509VerifierOptions roots;
    roots.ca_file = ca;
    roots.system_roots = ca.empty();
    auto verifier = qtls::x509_verifier(roots);
    if (!verifier.ok()) {
        std::fprintf(stderr, "verifier: %.*s\n", int(verifier.error().what.size()), verifier.error().what.data());
        return 1;
    }
    config->verifier = *verifier;
    config->alpn = {alpn};
    config->keylog = qtls::keylog_from_env();

    Client c;
    c.remote.sin_family = AF_INET;
    c.remote.sin_port = htons(static_cast<uint16_t>(std::stoi(port)));
    if (inet_pton(AF_INET, host.c_str(), &c.remote.sin_addr) != 1) return usage();
    c.fd = socket(AF_INET, SOCK_DGRAM, 0);
    socklen_t len = sizeof c.local;
    if (c.fd < 0 || connect(c.fd, reinterpret_cast<sockaddr*>(&c.remote), sizeof c.remote) != 0 ||
        getsockname(c.fd, reinterpret_cast<sockaddr*>(&c.local), &len) != 0) {
        std::perror("socket");
        return 1;
    }
    c.path.local = {reinterpret_cast<ngtcp2_sockaddr*>(&c.local), sizeof c.local};
    c.path.remote = {reinterpret_cast<ngtcp2_sockaddr*>(&c.remote), sizeof c.remote};

    ngtcp2_callbacks cb{};
    cb.client_initial = ngtcp2_crypto_client_initial_cb;
    cb.recv_crypto_data = ngtcp2_crypto_recv_crypto_data_cb;
    cb.encrypt = ngtcp2_crypto_encrypt_cb;
    cb.decrypt = ngtcp2_crypto_decrypt_cb;
    cb.hp_mask = ngtcp2_crypto_hp_mask_cb;
    cb.recv_retry = ngtcp2_crypto_recv_retry_cb;
    cb.update_key = ngtcp2_crypto_update_key_cb;
    cb.delete_crypto_aead_ctx = ngtcp2_crypto_delete_crypto_aead_ctx_cb;
    cb.delete_crypto_cipher_ctx = ngtcp2_crypto_delete_crypto_cipher_ctx_cb;
    cb.get_path_challenge_data = ngtcp2_crypto_get_path_challenge_data_cb;
    cb.version_negotiation = ngtcp2_crypto_version_negotiation_cb;
    cb.rand = [](uint8_t* dest, size_t n, const ngtcp2_rand_ctx*) { fill_random(dest, n); };
    cb.get_new_connection_id = [](ngtcp2_conn*, ngtcp2_cid* cid, uint8_t* token, size_t cidlen, void*) {
        uint8_t d[NGTCP2_MAX_CIDLEN];
        fill_random(d, cidlen);
        ngtcp2_cid_init(cid, d, cidlen);
        fill_random(token, NGTCP2_STATELESS_RESET_TOKENLEN);
        return 0;
    };
    cb.handshake_confirmed = [](ngtcp2_conn*, void* ud) {
        static_cast<Client*>(ud)->confirmed = true;
        return 0;
    };

    ngtcp2_cid dcid, scid;
    uint8_t d[18], s[16];
    fill_random(d, sizeof d);
    fill_random(s, sizeof s);
    ngtcp2_cid_init(&dcid, d, sizeof d);
    ngtcp2_cid_init(&scid, s, sizeof s);
    ngtcp2_settings settings;
    ngtcp2_settings_default(&settings);
    settings.initial_ts = now();
    ngtcp2_transport_params params;
    ngtcp2_transport_params_default(&params);
    params.initial_max_streams_uni = 3;
    params.initial_max_stream_data_uni = 256 * 1024;
    params.initial_max_data = 1024 * 1024;
    if (ngtcp2_conn_client_new(&c.conn, &dcid, &scid, &c.path, version, &cb, &settings, &params, nullptr, &c) != 0)
        return 1;
    c.tls = ngtcp2_crypto_qtls_client_session_new(config, sni);
    if (c.tls == nullptr || ngtcp2_crypto_qtls_configure_client_session(c.tls) != 0) return 1;
    ngtcp2_crypto_qtls_session_set_app_data(c.tls, &c.ref);
    ngtcp2_conn_set_tls_native_handle(c.conn, c.tls);

    const ngtcp2_tstamp deadline = now() + kDeadline;
    while (!c.confirmed && now() < deadline) {
        if (!c.send_packets()) return 1;
        const ngtcp2_tstamp expiry = ngtcp2_conn_get_expiry(c.conn);
        const ngtcp2_tstamp t = now();
        int timeout_ms = expiry <= t ? 0 : static_cast<int>(std::min<ngtcp2_tstamp>(expiry - t, kDeadline) / NGTCP2_MILLISECONDS + 1);
        pollfd pfd{c.fd, POLLIN, 0};
        if (poll(&pfd, 1, timeout_ms) > 0 && !c.receive()) return 1;
        if (ngtcp2_conn_get_expiry(c.conn) <= now() && ngtcp2_conn_handle_expiry(c.conn, now()) != 0) return 1;
    }
    if (!c.confirmed) {
        std::fprintf(stderr, "handshake not confirmed in time\n");
        return 1;
    }
    const uint8_t* a;
    size_t alen;
    ngtcp2_crypto_qtls_session_get_alpn(c.tls, &a, &alen);
    std::printf("QUIC handshake confirmed: version=0x%08x suite=0x%04x group=0x%04x alpn=%.*s\n",
                ngtcp2_conn_get_negotiated_version(c.conn), ngtcp2_crypto_qtls_session_get_cipher_suite(c.tls),
                ngtcp2_crypto_qtls_session_get_group(c.tls), static_cast<int>(alen), reinterpret_cast<const char*>(a));
    c.close_connection();
    return 0;
}
