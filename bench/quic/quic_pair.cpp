// The in-memory ngtcp2 pair of quic_pair.h.
#include "quic/quic_pair.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "common/bench_common.h"

namespace qbench {
namespace {

constexpr ngtcp2_tstamp kStart = 1'000'000'000'000ull;
constexpr ngtcp2_tstamp kStep = NGTCP2_MILLISECONDS;
constexpr int kMaxRounds = 64;             // a handshake takes 3-4
constexpr int kMaxPacketsPerTurn = 64;     // per endpoint and round
constexpr std::size_t kMaxUdpPayload = 1452;
constexpr std::uint16_t kClientPort = 40000, kServerPort = 443;
const std::uint8_t kStatelessSecret[32] = {7, 7, 7};

// ngtcp2 asks the application for randomness (CIDs, PATH_CHALLENGE); it
// need not be cryptographic, and a cheap generator keeps it out of the way.
std::uint64_t g_rng = 0x9e3779b97f4a7c15ull;
void fill_random(std::uint8_t* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        g_rng ^= g_rng << 13;
        g_rng ^= g_rng >> 7;
        g_rng ^= g_rng << 17;
        p[i] = static_cast<std::uint8_t>(g_rng);
    }
}

ngtcp2_sockaddr_in loopback(std::uint16_t port) {
    ngtcp2_sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

void set_path(QuicPair::Endpoint& e, std::uint16_t lport, std::uint16_t rport) {
    e.local = loopback(lport);
    e.remote = loopback(rport);
    e.path.local = {reinterpret_cast<ngtcp2_sockaddr*>(&e.local), sizeof e.local};
    e.path.remote = {reinterpret_cast<ngtcp2_sockaddr*>(&e.remote), sizeof e.remote};
}

// Key capture: while the client writes, its encrypt/hp_mask calls pass
// through here and the contexts are remembered (the last ones win).
struct Capture {
    ProtectionKeys* keys;
};
thread_local Capture* g_capture = nullptr;
// The backend of the pair being driven (ngtcp2 callbacks carry no backend).
thread_local const CryptoFns* g_fns = nullptr;

int capturing_encrypt(std::uint8_t* dest, const ngtcp2_crypto_aead* aead, const ngtcp2_crypto_aead_ctx* ctx,
                      const std::uint8_t* plaintext, std::size_t plaintextlen, const std::uint8_t* nonce,
                      std::size_t noncelen, const std::uint8_t* aad, std::size_t aadlen) {
    if (g_capture) {
        g_capture->keys->aead = *aead;
        g_capture->keys->aead_ctx = *ctx;
    }
    return g_fns->encrypt_cb(dest, aead, ctx, plaintext, plaintextlen, nonce, noncelen, aad, aadlen);
}

int capturing_hp_mask(std::uint8_t* dest, const ngtcp2_crypto_cipher* hp, const ngtcp2_crypto_cipher_ctx* ctx,
                      const std::uint8_t* sample) {
    if (g_capture) {
        g_capture->keys->hp = *hp;
        g_capture->keys->hp_ctx = *ctx;
        g_capture->keys->seen = true;
    }
    return g_fns->hp_mask_cb(dest, hp, ctx, sample);
}

ngtcp2_callbacks callbacks(const CryptoFns& f, bool server, bool capture) {
    ngtcp2_callbacks cb{};
    qtls::test::set_crypto_callbacks(cb, f, server);
    if (capture) {
        cb.encrypt = capturing_encrypt;
        cb.hp_mask = capturing_hp_mask;
    }
    cb.rand = [](std::uint8_t* dest, std::size_t len, const ngtcp2_rand_ctx*) { fill_random(dest, len); };
    cb.get_new_connection_id = [](ngtcp2_conn*, ngtcp2_cid* cid, std::uint8_t* token, std::size_t cidlen, void*) {
        std::uint8_t data[NGTCP2_MAX_CIDLEN];
        fill_random(data, cidlen);
        ngtcp2_cid_init(cid, data, cidlen);
        return 0 == g_fns->generate_stateless_reset_token(token, kStatelessSecret, sizeof kStatelessSecret,
                                                                  cid)
                   ? 0
                   : NGTCP2_ERR_CALLBACK_FAILURE;
    };
    cb.handshake_completed = [](ngtcp2_conn*, void* ud) {
        static_cast<QuicPair::Endpoint*>(ud)->completed = true;
        return 0;
    };
    cb.handshake_confirmed = [](ngtcp2_conn*, void* ud) {
        static_cast<QuicPair::Endpoint*>(ud)->confirmed = true;
        return 0;
    };
    return cb;
}

ngtcp2_transport_params transport_params() {
    ngtcp2_transport_params p;
    ngtcp2_transport_params_default(&p);
    p.initial_max_streams_bidi = 100;
    p.initial_max_streams_uni = 3;
    p.initial_max_stream_data_bidi_local = 256 * 1024;
    p.initial_max_stream_data_bidi_remote = 256 * 1024;
    p.initial_max_stream_data_uni = 256 * 1024;
    p.initial_max_data = 1024 * 1024;
    return p;
}

ngtcp2_settings settings(ngtcp2_tstamp now) {
    ngtcp2_settings s;
    ngtcp2_settings_default(&s);
    s.initial_ts = now;
    return s;
}

}  // namespace

QuicPair::QuicPair(CryptoBackend& backend, bool capture)
    : backend_(backend), capture_(capture), now_(kStart), packet_(kMaxUdpPayload) {
    for (Endpoint* e : {&client_, &server_}) {
        e->pair = this;
        e->ref.get_conn = [](ngtcp2_crypto_conn_ref* r) { return static_cast<Endpoint*>(r->user_data)->conn; };
        e->ref.user_data = e;
    }
    server_.server = true;
    set_path(client_, kClientPort, kServerPort);
    set_path(server_, kServerPort, kClientPort);
}

QuicPair::~QuicPair() {
    delete_connections();
    delete_client_tls();
    delete_server_tls();
}

void QuicPair::delete_connections() {
    {
        SideScope cs(kClient);
        ngtcp2_conn_del(client_.conn);
        client_.conn = nullptr;
    }
    SideScope ss(kServer);
    ngtcp2_conn_del(server_.conn);
    server_.conn = nullptr;
}

void QuicPair::delete_client_tls() {
    SideScope cs(kClient);
    client_.tls.reset();
}

void QuicPair::delete_server_tls() {
    SideScope ss(kServer);
    server_.tls.reset();
}

bool QuicPair::start_client() {
    SideScope cs(kClient);
    ngtcp2_cid dcid, scid;
    std::uint8_t d[18], s[16];
    fill_random(d, sizeof d);
    fill_random(s, sizeof s);
    ngtcp2_cid_init(&dcid, d, sizeof d);
    ngtcp2_cid_init(&scid, s, sizeof s);
    const ngtcp2_settings st = settings(now_);
    const ngtcp2_transport_params params = transport_params();
    const ngtcp2_callbacks cb = callbacks(backend_.fns, false, capture_);
    if (ngtcp2_conn_client_new(&client_.conn, &dcid, &scid, &client_.path, NGTCP2_PROTO_VER_V1, &cb, &st, &params,
                               nullptr, &client_) != 0)
        return false;
    client_.tls = backend_.client(&client_.ref);
    if (!client_.tls) return false;
    ngtcp2_conn_set_tls_native_handle(client_.conn, client_.tls->native_handle());
    return true;
}

bool QuicPair::accept(const std::uint8_t* pkt, std::size_t len) {
    ngtcp2_pkt_hd hd;
    if (ngtcp2_accept(&hd, pkt, len) != 0) return false;
    const ngtcp2_settings st = settings(now_);
    ngtcp2_transport_params params = transport_params();
    params.original_dcid = hd.dcid;
    params.original_dcid_present = 1;
    ngtcp2_cid scid;
    std::uint8_t s[16];
    fill_random(s, sizeof s);
    ngtcp2_cid_init(&scid, s, sizeof s);
    const ngtcp2_callbacks cb = callbacks(backend_.fns, true, capture_);
    if (ngtcp2_conn_server_new(&server_.conn, &hd.scid, &scid, &server_.path, hd.version, &cb, &st, &params, nullptr,
                               &server_) != 0)
        return false;
    server_.tls = backend_.server(&server_.ref);
    if (!server_.tls) return false;
    ngtcp2_conn_set_tls_native_handle(server_.conn, server_.tls->native_handle());
    return true;
}

bool QuicPair::deliver(Endpoint& to, const std::uint8_t* pkt, std::size_t len) {
    SideScope scope(to.server ? kServer : kClient);
    if (to.server && to.conn == nullptr && !accept(pkt, len)) return false;
    ngtcp2_pkt_info pi{};
    return ngtcp2_conn_read_pkt(to.conn, &to.path, &pi, pkt, len, now_) == 0;
}

// Everything `from` wants to send now, one packet at a time, each handed to
// `to` as soon as it is written (no queue, no copies).
bool QuicPair::send_all(Endpoint& from, Endpoint& to) {
    if (from.conn == nullptr) return true;
    Capture capture{&keys_};
    for (int i = 0; i < kMaxPacketsPerTurn; ++i) {
        ngtcp2_ssize n;
        {
            SideScope scope(from.server ? kServer : kClient);
            if (capture_ && !from.server) g_capture = &capture;
            ngtcp2_path_storage ps;
            ngtcp2_path_storage_zero(&ps);
            ngtcp2_pkt_info pi{};
            n = ngtcp2_conn_write_pkt(from.conn, &ps.path, &pi, packet_.data(), packet_.size(), now_);
            g_capture = nullptr;
        }
        if (n < 0) return false;
        if (n == 0) return true;
        if (!deliver(to, packet_.data(), static_cast<std::size_t>(n))) return false;
    }
    return true;
}

bool QuicPair::handshake() {
    g_fns = &backend_.fns;
    if (!start_client()) return false;
    for (int round = 0; round < kMaxRounds; ++round) {
        now_ += kStep;
        if (!send_all(client_, server_)) return false;
        if (!send_all(server_, client_)) return false;
        if (client_.confirmed && server_.completed) {
            // The client's acknowledgements go out too, so both sides have
            // done the whole exchange (and the keys of 1-RTT were used).
            return send_all(client_, server_);
        }
        for (Endpoint* e : {&client_, &server_}) {
            SideScope scope(e->server ? kServer : kClient);
            if (e->conn && ngtcp2_conn_get_expiry(e->conn) <= now_ && ngtcp2_conn_handle_expiry(e->conn, now_) != 0)
                return false;
        }
    }
    return false;
}

std::string QuicPair::describe() { return client_.tls ? client_.tls->describe() : "-"; }

}  // namespace qbench
