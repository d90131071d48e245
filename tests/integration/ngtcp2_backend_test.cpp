// An ngtcp2 1.11 client and server in one process, both on
// libngtcp2_crypto_qtls, with packets handed over in memory under a fixed
// clock: the handshake (every suite, QUIC v2, compatible version
// negotiation, Retry), stream data both ways, the ALPN failure as
// CRYPTO_ERROR 0x178 (RFC 9001 §4.8), the token helpers, and resumption
// with 0-RTT accepted and rejected (RFC 9001 §4.5, §4.6).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <ngtcp2/ngtcp2.h>
#include <ngtcp2/ngtcp2_crypto.h>

#include "ngtcp2_crypto_qtls.h"
#include "support/ngtcp2_crypto_callbacks.h"
#include "qtls/config.h"
#include "qtls/quic.h"
#include "support/test_pki.h"

namespace {

using qtls::Bytes;
using qtls::test::KeyType;
using qtls::test::test_pki;

constexpr ngtcp2_tstamp kStart = 1'000'000'000'000ull;
constexpr ngtcp2_tstamp kStep = NGTCP2_MILLISECONDS;
const uint8_t kStatelessSecret[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

std::mt19937_64& rng() {
    static std::mt19937_64 r(42);
    return r;
}
void fill_random(uint8_t* p, size_t n) {
    for (size_t i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(rng()());
}

// QTLS_NGTCP2_LOG=1 prints ngtcp2's own log (debugging aid).
void log_printf(void*, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    std::vfprintf(stderr, fmt, ap);
    va_end(ap);
    std::fputc('\n', stderr);
}
void maybe_log(ngtcp2_settings& s) {
    if (std::getenv("QTLS_NGTCP2_LOG")) s.log_printf = log_printf;
}

ngtcp2_sockaddr_in make_addr(uint16_t port) {
    ngtcp2_sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

struct Endpoint {
    bool server = false;
    ngtcp2_conn* conn = nullptr;
    ngtcp2_crypto_conn_ref ref{};
    ngtcp2_crypto_qtls_session* tls = nullptr;
    ngtcp2_sockaddr_in local{}, remote{};
    ngtcp2_path path{};
    std::string received;
    bool fin = false;
    bool completed = false;
    bool confirmed = false;
    int64_t stream = -1;
    std::string to_send;
    size_t sent = 0;
    bool fin_sent = false;
    // Server: stream data arrived before the handshake completed (0-RTT).
    bool data_before_completed = false;
    bool early_data_rejected = false;  // client: tls_early_data_rejected fired

    Endpoint() {
        ref.get_conn = [](ngtcp2_crypto_conn_ref* r) { return static_cast<Endpoint*>(r->user_data)->conn; };
        ref.user_data = this;
    }
    ~Endpoint() {
        ngtcp2_conn_del(conn);
        ngtcp2_crypto_qtls_session_del(tls);
    }
    void set_path(uint16_t lport, uint16_t rport) {
        local = make_addr(lport);
        remote = make_addr(rport);
        path.local = {reinterpret_cast<ngtcp2_sockaddr*>(&local), sizeof local};
        path.remote = {reinterpret_cast<ngtcp2_sockaddr*>(&remote), sizeof remote};
    }
};

ngtcp2_callbacks callbacks(bool server) {
    ngtcp2_callbacks cb{};
    qtls::test::set_crypto_callbacks(cb, qtls::test::linked_ngtcp2_crypto_callbacks(), server);
    cb.rand = [](uint8_t* dest, size_t len, const ngtcp2_rand_ctx*) { fill_random(dest, len); };
    cb.get_new_connection_id = [](ngtcp2_conn*, ngtcp2_cid* cid, uint8_t* token, size_t cidlen, void*) {
        uint8_t data[NGTCP2_MAX_CIDLEN];
        fill_random(data, cidlen);
        ngtcp2_cid_init(cid, data, cidlen);
        return ngtcp2_crypto_generate_stateless_reset_token(token, kStatelessSecret, sizeof kStatelessSecret, cid) == 0
                   ? 0
                   : NGTCP2_ERR_CALLBACK_FAILURE;
    };
    cb.handshake_completed = [](ngtcp2_conn*, void* ud) {
        static_cast<Endpoint*>(ud)->completed = true;
        return 0;
    };
    cb.handshake_confirmed = [](ngtcp2_conn*, void* ud) {
        static_cast<Endpoint*>(ud)->confirmed = true;
        return 0;
    };
    // RFC 9001 §4.6.2: rejected 0-RTT data is sent again in 1-RTT; ngtcp2
    // dropped the stream, so the harness opens a new one once connected.
    cb.tls_early_data_rejected = [](ngtcp2_conn*, void* ud) {
        auto* e = static_cast<Endpoint*>(ud);
        e->early_data_rejected = true;
        e->stream = -1;
        e->sent = 0;
        e->fin_sent = false;
        return 0;
    };
    cb.recv_stream_data = [](ngtcp2_conn* conn, uint32_t flags, int64_t stream_id, uint64_t, const uint8_t* data,
                             size_t len, void* ud, void*) {
        auto* e = static_cast<Endpoint*>(ud);
        e->received.append(reinterpret_cast<const char*>(data), len);
        if (!e->completed) e->data_before_completed = true;
        if (flags & NGTCP2_STREAM_DATA_FLAG_FIN) e->fin = true;
        e->stream = stream_id;
        ngtcp2_conn_extend_max_stream_offset(conn, stream_id, len);
        ngtcp2_conn_extend_max_offset(conn, len);
        return 0;
    };
    return cb;
}

ngtcp2_transport_params transport_params() {
    ngtcp2_transport_params p;
    ngtcp2_transport_params_default(&p);
    p.initial_max_streams_bidi = 4;
    p.initial_max_streams_uni = 4;
    p.initial_max_stream_data_bidi_local = 256 * 1024;
    p.initial_max_stream_data_bidi_remote = 256 * 1024;
    p.initial_max_stream_data_uni = 256 * 1024;
    p.initial_max_data = 1024 * 1024;
    return p;
}

struct Options {
    uint32_t client_version = NGTCP2_PROTO_VER_V1;
    std::vector<uint32_t> client_available;  // empty: default
    std::vector<uint32_t> server_preferred;  // empty: default
    std::vector<qtls::CipherSuite> client_suites;
    std::vector<std::string> server_alpn = {"h3"};
    bool retry = false;
    // Resumption: shared across connections by the tests that set them.
    std::shared_ptr<qtls::ClientConfig> client_config;
    std::shared_ptr<qtls::ServerConfig> server_config;
    // Adjusts the server's transport parameters (0-RTT bounds, RFC 9000 §7.4.1).
    std::function<void(ngtcp2_transport_params&)> server_params;
};

struct Harness {
    Options opt;
    Endpoint client, server;
    std::shared_ptr<qtls::ClientConfig> client_config;
    std::shared_ptr<qtls::ServerConfig> server_config;
    int early_data_prepared = -1;  // prepare_resumption's answer
    ngtcp2_tstamp now = kStart;
    bool retry_sent = false;
    int server_read_error = 0;
    int client_read_error = 0;

    explicit Harness(Options o) : opt(std::move(o)) {
        client_config = opt.client_config ? opt.client_config : std::make_shared<qtls::ClientConfig>();
        server_config = opt.server_config ? opt.server_config : std::make_shared<qtls::ServerConfig>();
        client_config->verifier = test_pki().verifier();
        if (client_config->alpn.empty()) client_config->alpn = {"h3"};
        if (!opt.client_suites.empty()) client_config->cipher_suites = opt.client_suites;
        server_config->cert_resolver = qtls::single_cert_resolver(test_pki().leaf(KeyType::ecdsa_p256));
        server_config->alpn = opt.server_alpn;
        client.set_path(40000, 443);
        server.server = true;
        server.set_path(443, 40000);
    }

    bool start_client() {
        ngtcp2_cid dcid, scid;
        uint8_t d[18], s[16];
        fill_random(d, sizeof d);
        fill_random(s, sizeof s);
        ngtcp2_cid_init(&dcid, d, sizeof d);
        ngtcp2_cid_init(&scid, s, sizeof s);
        ngtcp2_settings settings;
        ngtcp2_settings_default(&settings);
        settings.initial_ts = now;
        maybe_log(settings);
        if (!opt.client_available.empty()) {
            settings.available_versions = opt.client_available.data();
            settings.available_versionslen = opt.client_available.size();
        }
        ngtcp2_transport_params params = transport_params();
        ngtcp2_callbacks cb = callbacks(false);
        if (ngtcp2_conn_client_new(&client.conn, &dcid, &scid, &client.path, opt.client_version, &cb, &settings,
                                   &params, nullptr, &client) != 0)
            return false;
        client.tls = ngtcp2_crypto_qtls_client_session_new(client_config, "localhost");
        if (client.tls == nullptr || ngtcp2_crypto_qtls_configure_client_session(client.tls) != 0) return false;
        ngtcp2_crypto_qtls_session_set_app_data(client.tls, &client.ref);
        ngtcp2_conn_set_tls_native_handle(client.conn, client.tls);
        if (client_config->session_store) {
            // RFC 9001 §4.6.1: with a 0-RTT ticket the request goes out in
            // the first flight, on a stream opened before the handshake.
            early_data_prepared = ngtcp2_crypto_qtls_client_session_prepare_resumption(client.tls, client.conn);
            if (early_data_prepared == 1 && ngtcp2_conn_open_bidi_stream(client.conn, &client.stream, nullptr) != 0)
                return false;
        }
        return true;
    }

    // The server side of a first packet: Retry (stateless) or accept.
    bool accept(const uint8_t* pkt, size_t len) {
        ngtcp2_pkt_hd hd;
        if (int rv = ngtcp2_accept(&hd, pkt, len); rv != 0) {
            ADD_FAILURE() << "ngtcp2_accept: " << ngtcp2_strerror(rv);
            return false;
        }
        ngtcp2_settings settings;
        ngtcp2_settings_default(&settings);
        settings.initial_ts = now;
        maybe_log(settings);
        if (!opt.server_preferred.empty()) {
            settings.preferred_versions = opt.server_preferred.data();
            settings.preferred_versionslen = opt.server_preferred.size();
        }
        ngtcp2_transport_params params = transport_params();
        if (opt.server_params) opt.server_params(params);
        params.original_dcid = hd.dcid;
        params.original_dcid_present = 1;
        ngtcp2_cid scid;
        uint8_t s[16];
        fill_random(s, sizeof s);
        ngtcp2_cid_init(&scid, s, sizeof s);

        if (opt.retry) {
            if (hd.tokenlen == 0) {
                uint8_t token[NGTCP2_CRYPTO_MAX_RETRY_TOKENLEN2];
                const auto* ra = reinterpret_cast<const ngtcp2_sockaddr*>(&server.remote);
                ngtcp2_ssize tl = ngtcp2_crypto_generate_retry_token2(
                    token, kStatelessSecret, sizeof kStatelessSecret, hd.version, ra, sizeof server.remote, &scid,
                    &hd.dcid, now);
                if (tl < 0) return false;
                uint8_t buf[1500];
                ngtcp2_ssize n =
                    ngtcp2_crypto_write_retry(buf, sizeof buf, hd.version, &hd.scid, &scid, &hd.dcid, token,
                                              static_cast<size_t>(tl));
                if (n < 0) return false;
                retry_sent = true;
                deliver_to_client(buf, static_cast<size_t>(n));
                return true;
            }
            ngtcp2_cid odcid;
            const auto* ra = reinterpret_cast<const ngtcp2_sockaddr*>(&server.remote);
            if (ngtcp2_crypto_verify_retry_token2(&odcid, hd.token, hd.tokenlen, kStatelessSecret,
                                                  sizeof kStatelessSecret, hd.version, ra, sizeof server.remote,
                                                  &hd.dcid, 10 * NGTCP2_SECONDS, now) != 0)
                return false;
            params.original_dcid = odcid;
            params.retry_scid = hd.dcid;
            params.retry_scid_present = 1;
            settings.token = hd.token;
            settings.tokenlen = hd.tokenlen;
            settings.token_type = NGTCP2_TOKEN_TYPE_RETRY;
        }
        ngtcp2_callbacks cb = callbacks(true);
        if (int rv = ngtcp2_conn_server_new(&server.conn, &hd.scid, &scid, &server.path, hd.version, &cb, &settings,
                                            &params, nullptr, &server);
            rv != 0) {
            ADD_FAILURE() << "ngtcp2_conn_server_new: " << ngtcp2_strerror(rv);
            return false;
        }
        server.tls = ngtcp2_crypto_qtls_server_session_new(server_config);
        if (server.tls == nullptr || ngtcp2_crypto_qtls_configure_server_session(server.tls) != 0) {
            ADD_FAILURE() << "server TLS session";
            return false;
        }
        ngtcp2_crypto_qtls_session_set_app_data(server.tls, &server.ref);
        ngtcp2_conn_set_tls_native_handle(server.conn, server.tls);
        return true;
    }

    void deliver_to_client(const uint8_t* pkt, size_t len) {
        ngtcp2_pkt_info pi{};
        int rv = ngtcp2_conn_read_pkt(client.conn, &client.path, &pi, pkt, len, now);
        if (rv != 0 && client_read_error == 0) client_read_error = rv;
    }

    bool deliver_to_server(const uint8_t* pkt, size_t len) {
        if (server.conn == nullptr) {
            if (!accept(pkt, len)) return false;
            if (server.conn == nullptr) return true;  // answered with a Retry
        }
        ngtcp2_pkt_info pi{};
        int rv = ngtcp2_conn_read_pkt(server.conn, &server.path, &pi, pkt, len, now);
        if (rv != 0 && server_read_error == 0) {
            server_read_error = rv;
            // RFC 9001 §4.8: close with the TLS alert as CRYPTO_ERROR.
            ngtcp2_ccerr ccerr;
            ngtcp2_ccerr_default(&ccerr);
            if (rv == NGTCP2_ERR_CRYPTO)
                ngtcp2_ccerr_set_tls_alert(&ccerr, ngtcp2_conn_get_tls_alert(server.conn), nullptr, 0);
            else
                ngtcp2_ccerr_set_liberr(&ccerr, rv, nullptr, 0);
            uint8_t buf[1500];
            ngtcp2_path_storage ps;
            ngtcp2_path_storage_zero(&ps);
            ngtcp2_ssize n = ngtcp2_conn_write_connection_close(server.conn, &ps.path, &pi, buf, sizeof buf, &ccerr,
                                                               now);
            if (n > 0) deliver_to_client(buf, static_cast<size_t>(n));
        }
        return true;
    }

    // Everything `e` wants to send now, including its pending stream data.
    std::vector<Bytes> packets(Endpoint& e) {
        std::vector<Bytes> out;
        if (e.conn == nullptr) return out;
        for (int i = 0; i < 64; ++i) {
            uint8_t buf[1500];
            ngtcp2_path_storage ps;
            ngtcp2_path_storage_zero(&ps);
            ngtcp2_pkt_info pi{};
            ngtcp2_ssize n;
            if (e.stream >= 0 && !e.fin_sent && !e.to_send.empty()) {
                ngtcp2_vec v{reinterpret_cast<uint8_t*>(e.to_send.data()) + e.sent, e.to_send.size() - e.sent};
                ngtcp2_ssize consumed = 0;
                n = ngtcp2_conn_writev_stream(e.conn, &ps.path, &pi, buf, sizeof buf, &consumed,
                                              NGTCP2_WRITE_STREAM_FLAG_FIN, e.stream, &v, 1, now);
                if (consumed > 0) e.sent += static_cast<size_t>(consumed);
                if (e.sent == e.to_send.size() && consumed >= 0 && n > 0) e.fin_sent = true;
            } else {
                n = ngtcp2_conn_write_pkt(e.conn, &ps.path, &pi, buf, sizeof buf, now);
            }
            if (n <= 0) break;
            out.emplace_back(buf, buf + n);
        }
        return out;
    }

    // Runs until the client got the server's reply (or `rounds` pass).
    bool run(int rounds = 200) {
        if (!start_client()) return false;
        client.to_send = "GET /hello from qtls over ngtcp2";
        for (int r = 0; r < rounds; ++r) {
            now += kStep;
            for (auto& p : packets(client))
                if (!deliver_to_server(p.data(), p.size())) return false;
            if (client.completed && client.stream < 0) {
                if (ngtcp2_conn_open_bidi_stream(client.conn, &client.stream, nullptr) != 0) return false;
            }
            if (server.fin && server.to_send.empty()) server.to_send = "reply: " + server.received;
            for (auto& p : packets(server)) deliver_to_client(p.data(), p.size());
            if (client.fin || server_read_error != 0 || client_read_error != 0) break;
            // Timers (ACK delay, PTO) under the fixed clock.
            for (Endpoint* e : {&client, &server})
                if (e->conn && ngtcp2_conn_get_expiry(e->conn) <= now) ngtcp2_conn_handle_expiry(e->conn, now);
        }
        return client.fin;
    }
};

class Ngtcp2Suites : public ::testing::TestWithParam<qtls::CipherSuite> {};

TEST_P(Ngtcp2Suites, HandshakeAndStreamData) {
    Options o;
    o.client_suites = {GetParam()};
    Harness h(o);
    ASSERT_TRUE(h.run()) << "server err " << h.server_read_error << " client err " << h.client_read_error;
    EXPECT_TRUE(h.client.completed);
    EXPECT_TRUE(h.server.completed);
    EXPECT_TRUE(h.client.confirmed);
    EXPECT_EQ(h.server.received, "GET /hello from qtls over ngtcp2");
    EXPECT_EQ(h.client.received, "reply: GET /hello from qtls over ngtcp2");
    EXPECT_EQ(ngtcp2_crypto_qtls_session_get_cipher_suite(h.client.tls), static_cast<uint16_t>(GetParam()));
    EXPECT_EQ(ngtcp2_crypto_qtls_session_get_cipher_suite(h.server.tls), static_cast<uint16_t>(GetParam()));
    const uint8_t* alpn;
    size_t alpnlen;
    ngtcp2_crypto_qtls_session_get_alpn(h.client.tls, &alpn, &alpnlen);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(alpn), alpnlen), "h3");
    EXPECT_EQ(ngtcp2_crypto_qtls_session_get_alert(h.client.tls), 0);
    EXPECT_TRUE(ngtcp2_crypto_qtls_session_get_handshake_completed(h.server.tls));
    // The server applied the client's transport parameters (RFC 9001 §8.2).
    const ngtcp2_transport_params* rp = ngtcp2_conn_get_remote_transport_params(h.server.conn);
    ASSERT_NE(rp, nullptr);
    EXPECT_EQ(rp->initial_max_data, 1024u * 1024u);
}

INSTANTIATE_TEST_SUITE_P(Suites, Ngtcp2Suites,
                         ::testing::Values(qtls::CipherSuite::aes_128_gcm_sha256,
                                           qtls::CipherSuite::aes_256_gcm_sha384,
                                           qtls::CipherSuite::chacha20_poly1305_sha256));

TEST(Ngtcp2Backend, QuicV2) {
    Options o;
    o.client_version = NGTCP2_PROTO_VER_V2;
    o.server_preferred = {NGTCP2_PROTO_VER_V2, NGTCP2_PROTO_VER_V1};
    Harness h(o);
    ASSERT_TRUE(h.run()) << h.server_read_error << " " << h.client_read_error;
    EXPECT_EQ(ngtcp2_conn_get_negotiated_version(h.client.conn), NGTCP2_PROTO_VER_V2);
}

// RFC 9368 §2.1: the client starts in v1, the server prefers v2; the vneg
// Initial keys come from version_negotiation_cb.
TEST(Ngtcp2Backend, CompatibleVersionNegotiation) {
    Options o;
    o.client_available = {NGTCP2_PROTO_VER_V1, NGTCP2_PROTO_VER_V2};
    o.server_preferred = {NGTCP2_PROTO_VER_V2, NGTCP2_PROTO_VER_V1};
    Harness h(o);
    ASSERT_TRUE(h.run()) << h.server_read_error << " " << h.client_read_error;
    EXPECT_EQ(ngtcp2_conn_get_client_chosen_version(h.client.conn), NGTCP2_PROTO_VER_V1);
    EXPECT_EQ(ngtcp2_conn_get_negotiated_version(h.client.conn), NGTCP2_PROTO_VER_V2);
    EXPECT_EQ(ngtcp2_conn_get_negotiated_version(h.server.conn), NGTCP2_PROTO_VER_V2);
}

TEST(Ngtcp2Backend, RetryThenHandshake) {
    Options o;
    o.retry = true;
    Harness h(o);
    ASSERT_TRUE(h.run()) << h.server_read_error << " " << h.client_read_error;
    EXPECT_TRUE(h.retry_sent);
    EXPECT_TRUE(ngtcp2_conn_after_retry(h.client.conn));
}

TEST(Ngtcp2Backend, AlpnMismatchClosesWithCryptoError0x178) {
    Options o;
    o.server_alpn = {"hq-interop"};
    Harness h(o);
    EXPECT_FALSE(h.run(20));
    EXPECT_EQ(h.server_read_error, NGTCP2_ERR_CRYPTO);
    EXPECT_EQ(ngtcp2_conn_get_tls_alert(h.server.conn), 120);
    const ngtcp2_ccerr* ccerr = ngtcp2_conn_get_ccerr(h.client.conn);
    EXPECT_EQ(ccerr->type, NGTCP2_CCERR_TYPE_TRANSPORT);
    EXPECT_EQ(ccerr->error_code, 0x178u);
    EXPECT_FALSE(h.client.completed);
}

// RFC 7301 §3.2: the server may follow the client's order instead of its own.
TEST(Ngtcp2Backend, ServerCanFollowClientAlpnPreference) {
    for (bool client_preference : {false, true}) {
        Options o;
        o.client_config = std::make_shared<qtls::ClientConfig>();
        o.client_config->alpn = {"h3", "hq-interop"};
        o.server_config = std::make_shared<qtls::ServerConfig>();
        o.server_config->alpn_client_preference = client_preference;
        o.server_alpn = {"hq-interop", "h3"};
        Harness h(o);
        ASSERT_TRUE(h.run()) << h.server_read_error << " " << h.client_read_error;
        const uint8_t* alpn;
        size_t len;
        ngtcp2_crypto_qtls_session_get_alpn(h.server.tls, &alpn, &len);
        EXPECT_EQ(std::string(reinterpret_cast<const char*>(alpn), len), client_preference ? "h3" : "hq-interop");
    }
}

TEST(Ngtcp2Backend, RegularAndRetryTokens) {
    ngtcp2_sockaddr_in a = make_addr(1234), b = make_addr(1235);
    auto* sa = reinterpret_cast<ngtcp2_sockaddr*>(&a);
    auto* sb = reinterpret_cast<ngtcp2_sockaddr*>(&b);
    uint8_t token[NGTCP2_CRYPTO_MAX_REGULAR_TOKENLEN];
    ngtcp2_ssize n = ngtcp2_crypto_generate_regular_token(token, kStatelessSecret, 32, sa, sizeof a, kStart);
    ASSERT_EQ(n, NGTCP2_CRYPTO_MAX_REGULAR_TOKENLEN);
    EXPECT_EQ(token[0], NGTCP2_CRYPTO_TOKEN_MAGIC_REGULAR);
    // Bound to the IP only (another port is fine), and to its lifetime.
    EXPECT_EQ(ngtcp2_crypto_verify_regular_token(token, n, kStatelessSecret, 32, sb, sizeof b, NGTCP2_SECONDS,
                                                 kStart + 1),
              0);
    EXPECT_NE(ngtcp2_crypto_verify_regular_token(token, n, kStatelessSecret, 32, sa, sizeof a, NGTCP2_SECONDS,
                                                 kStart + 2 * NGTCP2_SECONDS),
              0);
    token[5] ^= 1;
    EXPECT_NE(ngtcp2_crypto_verify_regular_token(token, n, kStatelessSecret, 32, sa, sizeof a, NGTCP2_SECONDS,
                                                 kStart + 1),
              0);

    ngtcp2_cid scid, odcid, out;
    uint8_t s[8] = {1, 2, 3, 4, 5, 6, 7, 8}, o2[12] = {9, 9, 9};
    ngtcp2_cid_init(&scid, s, sizeof s);
    ngtcp2_cid_init(&odcid, o2, sizeof o2);
    uint8_t rt[NGTCP2_CRYPTO_MAX_RETRY_TOKENLEN];
    n = ngtcp2_crypto_generate_retry_token(rt, kStatelessSecret, 32, NGTCP2_PROTO_VER_V1, sa, sizeof a, &scid, &odcid,
                                           kStart);
    ASSERT_EQ(n, NGTCP2_CRYPTO_MAX_RETRY_TOKENLEN);
    ASSERT_EQ(ngtcp2_crypto_verify_retry_token(&out, rt, n, kStatelessSecret, 32, NGTCP2_PROTO_VER_V1, sa, sizeof a,
                                               &scid, NGTCP2_SECONDS, kStart + 1),
              0);
    EXPECT_TRUE(ngtcp2_cid_eq(&out, &odcid));
    EXPECT_NE(ngtcp2_crypto_verify_retry_token(&out, rt, n, kStatelessSecret, 32, NGTCP2_PROTO_VER_V1, sb, sizeof b,
                                               &scid, NGTCP2_SECONDS, kStart + 1),
              0);

    uint8_t rt2[NGTCP2_CRYPTO_MAX_RETRY_TOKENLEN2];
    n = ngtcp2_crypto_generate_retry_token2(rt2, kStatelessSecret, 32, NGTCP2_PROTO_VER_V1, sa, sizeof a, &scid,
                                            &odcid, kStart);
    ASSERT_EQ(n, NGTCP2_CRYPTO_MAX_RETRY_TOKENLEN2);
    EXPECT_EQ(rt2[0], NGTCP2_CRYPTO_TOKEN_MAGIC_RETRY2);
    EXPECT_EQ(ngtcp2_crypto_verify_retry_token2(&out, rt2, n, kStatelessSecret, 32, NGTCP2_PROTO_VER_V1, sb,
                                                sizeof b, &scid, NGTCP2_SECONDS, kStart + 1),
              NGTCP2_CRYPTO_ERR_VERIFY_TOKEN);
    EXPECT_EQ(ngtcp2_crypto_verify_retry_token2(&out, rt2, n, kStatelessSecret, 32, NGTCP2_PROTO_VER_V1, sa,
                                                sizeof a, &scid, NGTCP2_SECONDS, kStart + 2 * NGTCP2_SECONDS),
              NGTCP2_CRYPTO_ERR_VERIFY_TOKEN);
    rt2[3] ^= 1;
    EXPECT_EQ(ngtcp2_crypto_verify_retry_token2(&out, rt2, n, kStatelessSecret, 32, NGTCP2_PROTO_VER_V1, sa,
                                                sizeof a, &scid, NGTCP2_SECONDS, kStart + 1),
              NGTCP2_CRYPTO_ERR_UNREADABLE_TOKEN);
}

// RFC 9001 Appendix A.1: the client Initial keys for DCID 8394c8f03e515708.
TEST(Ngtcp2Backend, PrimitivesMatchRfc9001InitialVectors) {
    const uint8_t dcid[] = {0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08};
    const uint8_t salt[] = {0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
                            0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a};
    ngtcp2_crypto_md md;
    ngtcp2_crypto_md_init(&md, ngtcp2_crypto_qtls_md_sha256());
    ASSERT_EQ(ngtcp2_crypto_md_hashlen(&md), 32u);
    uint8_t initial[32];
    ASSERT_EQ(ngtcp2_crypto_hkdf_extract(initial, &md, dcid, sizeof dcid, salt, sizeof salt), 0);
    const uint8_t expected[] = {0x7d, 0xb5, 0xdf, 0x06, 0xe7, 0xa6, 0x9e, 0x43, 0x24, 0x96, 0xad,
                                0xed, 0xb0, 0x08, 0x51, 0x92, 0x35, 0x95, 0x22, 0x15, 0x96, 0xae,
                                0x2a, 0xe9, 0xfb, 0x81, 0x15, 0xc1, 0xe9, 0xed, 0x0a, 0x44};
    EXPECT_EQ(0, std::memcmp(initial, expected, 32));

    uint8_t token[NGTCP2_STATELESS_RESET_TOKENLEN], token2[NGTCP2_STATELESS_RESET_TOKENLEN];
    ngtcp2_cid cid;
    ngtcp2_cid_init(&cid, dcid, sizeof dcid);
    ASSERT_EQ(ngtcp2_crypto_generate_stateless_reset_token(token, kStatelessSecret, 32, &cid), 0);
    ASSERT_EQ(ngtcp2_crypto_generate_stateless_reset_token(token2, kStatelessSecret, 32, &cid), 0);
    EXPECT_EQ(0, std::memcmp(token, token2, sizeof token));
}

TEST(Ngtcp2Backend, WriteConnectionCloseAndLevels) {
    ngtcp2_cid dcid, scid;
    uint8_t d[8] = {1}, s[8] = {2};
    ngtcp2_cid_init(&dcid, d, 8);
    ngtcp2_cid_init(&scid, s, 8);
    uint8_t buf[1500];
    ngtcp2_ssize n = ngtcp2_crypto_write_connection_close(buf, sizeof buf, NGTCP2_PROTO_VER_V1, &dcid, &scid,
                                                          NGTCP2_INVALID_TOKEN, nullptr, 0);
    EXPECT_GT(n, 0);
    EXPECT_EQ(ngtcp2_crypto_qtls_from_qtls_level(NGTCP2_CRYPTO_QTLS_LEVEL_APPLICATION), NGTCP2_ENCRYPTION_LEVEL_1RTT);
    EXPECT_EQ(ngtcp2_crypto_qtls_from_ngtcp2_encryption_level(NGTCP2_ENCRYPTION_LEVEL_0RTT),
              NGTCP2_CRYPTO_QTLS_LEVEL_EARLY_DATA);
    ngtcp2_crypto_aead aead{};
    ngtcp2_crypto_ctx ctx{};
    EXPECT_EQ(ngtcp2_crypto_ctx_tls(&ctx, nullptr), nullptr);
    (void)aead;
}

// ---- resumption and 0-RTT (RFC 9001 §4.5, §4.6) ----

// A client store that counts the tickets put into it.
class CountingStore : public qtls::ClientSessionStore {
public:
    void put(const std::string& name, qtls::StoredSession s) override {
        ++puts;
        inner_->put(name, std::move(s));
    }
    std::optional<qtls::StoredSession> take(const std::string& name) override { return inner_->take(name); }
    int puts = 0;

private:
    std::shared_ptr<qtls::ClientSessionStore> inner_ = qtls::memory_session_store();
};

// Configs shared by consecutive connections, as an application keeps them.
struct Resumption {
    std::shared_ptr<CountingStore> store = std::make_shared<CountingStore>();
    std::shared_ptr<qtls::ClientConfig> client = std::make_shared<qtls::ClientConfig>();
    std::shared_ptr<qtls::ServerConfig> server = std::make_shared<qtls::ServerConfig>();

    explicit Resumption(bool early_data) {
        client->session_store = store;
        client->enable_early_data = early_data;
        server->ticketer = qtls::rotating_ticketer();
        server->anti_replay = qtls::strike_register();
        server->max_early_data = 0xffffffff;  // RFC 9001 §4.6.1
    }
    Options options() const {
        Options o;
        o.client_config = client;
        o.server_config = server;
        return o;
    }
    // A second server sharing nothing but the certificate.
    static std::shared_ptr<qtls::ServerConfig> other_server() {
        Resumption r(true);
        return r.server;
    }
};

std::string alpn_of(ngtcp2_crypto_qtls_session* tls) {
    const uint8_t* alpn;
    size_t len;
    ngtcp2_crypto_qtls_session_get_alpn(tls, &alpn, &len);
    return std::string(reinterpret_cast<const char*>(alpn), len);
}

const char kRequest[] = "GET /hello from qtls over ngtcp2";

// The first connection: full handshake; the ticket arrives at 1-RTT.
void first_connection(const Options& o, const CountingStore& store) {
    Harness h(o);
    ASSERT_TRUE(h.run()) << h.server_read_error << " " << h.client_read_error;
    EXPECT_EQ(ngtcp2_crypto_qtls_session_get_resumed(h.client.tls), 0);
    EXPECT_EQ(h.early_data_prepared, 0);
    EXPECT_EQ(store.puts, 1) << "the server's NewSessionTicket did not reach the client's store";
}

TEST(Ngtcp2Resumption, SecondConnectionResumesWithoutCertificate) {
    Resumption r(false);
    first_connection(r.options(), *r.store);
    Harness h(r.options());
    ASSERT_TRUE(h.run()) << h.server_read_error << " " << h.client_read_error;
    EXPECT_EQ(ngtcp2_crypto_qtls_session_get_resumed(h.client.tls), 1);
    EXPECT_EQ(ngtcp2_crypto_qtls_session_get_resumed(h.server.tls), 1);
    EXPECT_EQ(ngtcp2_crypto_qtls_session_get_early_data_status(h.client.tls), NGTCP2_CRYPTO_QTLS_EARLY_DATA_NONE);
    EXPECT_EQ(ngtcp2_crypto_qtls_session_get_early_data_status(h.server.tls), NGTCP2_CRYPTO_QTLS_EARLY_DATA_NONE);
    // RFC 8446 §2.2: the PSK authenticates the server, so its Handshake
    // flight is EncryptedExtensions + Finished only.
    const qtls::quic::Session* server = ngtcp2_crypto_qtls_session_get_quic_session(h.server.tls);
    ASSERT_NE(server, nullptr);
    EXPECT_LT(server->crypto_sent(qtls::quic::Level::handshake), 200u);
    EXPECT_TRUE(ngtcp2_crypto_qtls_session_get_quic_session(h.client.tls)->negotiated().peer_certificates.empty());
    EXPECT_FALSE(h.server.data_before_completed);
    EXPECT_EQ(h.client.received, std::string("reply: ") + kRequest);
}

TEST(Ngtcp2Resumption, ZeroRttAcceptedDataBeforeHandshakeCompletes) {
    Resumption r(true);
    first_connection(r.options(), *r.store);
    Harness h(r.options());
    ASSERT_TRUE(h.run()) << h.server_read_error << " " << h.client_read_error;
    EXPECT_EQ(h.early_data_prepared, 1);
    EXPECT_EQ(ngtcp2_crypto_qtls_session_get_early_data_status(h.client.tls), NGTCP2_CRYPTO_QTLS_EARLY_DATA_ACCEPTED);
    EXPECT_EQ(ngtcp2_crypto_qtls_session_get_early_data_status(h.server.tls), NGTCP2_CRYPTO_QTLS_EARLY_DATA_ACCEPTED);
    EXPECT_EQ(ngtcp2_crypto_qtls_session_get_resumed(h.server.tls), 1);
    // The request travelled in 0-RTT packets: the server had it before the
    // client's Finished.
    EXPECT_TRUE(h.server.data_before_completed);
    EXPECT_FALSE(h.client.early_data_rejected);
    EXPECT_EQ(h.server.received, kRequest);
    EXPECT_EQ(h.client.received, std::string("reply: ") + kRequest);
}

TEST(Ngtcp2Resumption, ZeroRttRejectedByServerWithOtherTicketKeysIsResent) {
    Resumption r(true);
    first_connection(r.options(), *r.store);
    Options o = r.options();
    o.server_config = Resumption::other_server();  // cannot open the ticket
    Harness h(o);
    ASSERT_TRUE(h.run()) << h.server_read_error << " " << h.client_read_error;
    EXPECT_EQ(h.early_data_prepared, 1);
    EXPECT_TRUE(h.client.early_data_rejected);
    EXPECT_TRUE(ngtcp2_conn_get_tls_early_data_rejected(h.client.conn));
    EXPECT_EQ(ngtcp2_crypto_qtls_session_get_early_data_status(h.client.tls), NGTCP2_CRYPTO_QTLS_EARLY_DATA_REJECTED);
    EXPECT_EQ(ngtcp2_crypto_qtls_session_get_early_data_status(h.server.tls), NGTCP2_CRYPTO_QTLS_EARLY_DATA_REJECTED);
    EXPECT_EQ(ngtcp2_crypto_qtls_session_get_resumed(h.client.tls), 0);
    EXPECT_FALSE(h.server.data_before_completed);
    // Sent again in 1-RTT, received once.
    EXPECT_EQ(h.server.received, kRequest);
    EXPECT_EQ(h.client.received, std::string("reply: ") + kRequest);
}

TEST(Ngtcp2Resumption, ZeroRttRefusedWhenServerAlpnChanged) {
    Resumption r(true);
    r.client->alpn = {"h3", "hq-interop"};
    first_connection(r.options(), *r.store);
    Options o = r.options();
    o.server_alpn = {"hq-interop", "h3"};  // the ticket said h3
    Harness h(o);
    ASSERT_TRUE(h.run()) << h.server_read_error << " " << h.client_read_error;
    EXPECT_EQ(alpn_of(h.client.tls), "hq-interop");
    EXPECT_EQ(ngtcp2_crypto_qtls_session_get_resumed(h.server.tls), 1);
    EXPECT_TRUE(h.client.early_data_rejected);
    EXPECT_EQ(ngtcp2_crypto_qtls_session_get_early_data_status(h.server.tls), NGTCP2_CRYPTO_QTLS_EARLY_DATA_REJECTED);
    EXPECT_FALSE(h.server.data_before_completed);
    EXPECT_EQ(h.server.received, kRequest);
}

// RFC 9000 §7.4.1: a server must not accept 0-RTT under smaller limits
// than the ticket's connection promised.
TEST(Ngtcp2Resumption, ZeroRttRefusedWhenServerTransportParametersChanged) {
    Resumption r(true);
    first_connection(r.options(), *r.store);
    Options o = r.options();
    o.server_params = [](ngtcp2_transport_params& p) { p.initial_max_data = 64 * 1024; };
    Harness h(o);
    ASSERT_TRUE(h.run()) << h.server_read_error << " " << h.client_read_error;
    EXPECT_EQ(ngtcp2_crypto_qtls_session_get_resumed(h.server.tls), 1);
    EXPECT_TRUE(h.client.early_data_rejected);
    EXPECT_EQ(ngtcp2_crypto_qtls_session_get_early_data_status(h.server.tls), NGTCP2_CRYPTO_QTLS_EARLY_DATA_REJECTED);
    EXPECT_EQ(h.server.received, kRequest);
    EXPECT_EQ(h.client.received, std::string("reply: ") + kRequest);
}

}  // namespace
