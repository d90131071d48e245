#include "fuzz/fuzz_support.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <random>

#include "qtls/quic.h"
#include "qtls/record.h"

namespace qtls::fuzz {

// ---------------------------------------------------------------- provider

Bytes fixed_private_key(NamedGroup group) {
    // Small, valid scalars: well below every curve order, never zero.
    std::size_t len = group == NamedGroup::secp384r1 ? 48 : 32;
    Bytes k(len, 0);
    for (std::size_t i = 0; i < len; ++i) k[i] = static_cast<std::uint8_t>(0x11 + i);
    k[0] = 0x01;  // keeps the EC scalars below the order
    return k;
}

Result<std::unique_ptr<KeyShare>> FuzzProvider::generate_key_share(NamedGroup g) const {
    return inner()->key_share_from_private(g, fixed_private_key(g));
}

Status FuzzProvider::verify_signature(SignatureScheme s, ByteView spki, ByteView m, ByteView sig) const {
    if (permissive_) return {};
    return inner()->verify_signature(s, spki, m, sig);
}

void FuzzProvider::random(MutableByteView out) const {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(0xa5 ^ (i * 29));
}

std::shared_ptr<const FuzzProvider> fuzz_provider() {
    static const auto p = std::make_shared<const FuzzProvider>(default_provider(), true);
    return p;
}

// ---------------------------------------------------------------- certificates

namespace {

void die(const char* what) {
    std::fprintf(stderr, "qtls fuzz support: %s\n", what);
    std::abort();
}

struct FixedCert {
    Bytes der;
    std::string pem;
};

// Ed25519 signatures are deterministic (RFC 8032), so with a fixed key,
// serial, names and validity the DER is the same in every process.
FixedCert make_fixed_certificate() {
    std::uint8_t seed[32];
    for (int i = 0; i < 32; ++i) seed[i] = static_cast<std::uint8_t>(0x40 + i);
    EVP_PKEY* key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed, sizeof seed);
    X509* x = X509_new();
    if (!key || !x) die("cannot allocate the fixed certificate");
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 0x5eed);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("qtls fuzz"), -1,
                               -1, 0);
    X509_set_issuer_name(x, name);
    ASN1_TIME_set(X509_getm_notBefore(x), 1577836800);  // 2020-01-01
    ASN1_TIME_set(X509_getm_notAfter(x), 4000000000);   // 2096
    X509_set_pubkey(x, key);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
    const std::pair<int, const char*> exts[] = {
        {NID_basic_constraints, "critical,CA:TRUE"},
        {NID_key_usage, "critical,digitalSignature,keyCertSign"},
        {NID_subject_alt_name, "DNS:localhost,DNS:example.com,IP:127.0.0.1"},
    };
    for (const auto& [nid, value] : exts) {
        X509_EXTENSION* e = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
        if (!e) die("cannot build a certificate extension");
        X509_add_ext(x, e, -1);
        X509_EXTENSION_free(e);
    }
    if (X509_sign(x, key, nullptr) <= 0) die("cannot sign the fixed certificate");
    FixedCert out;
    int len = i2d_X509(x, nullptr);
    out.der.resize(static_cast<std::size_t>(len));
    unsigned char* p = out.der.data();
    i2d_X509(x, &p);
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, x);
    char* text = nullptr;
    long n = BIO_get_mem_data(bio, &text);
    out.pem.assign(text, static_cast<std::size_t>(n));
    BIO_free(bio);
    X509_free(x);
    EVP_PKEY_free(key);
    return out;
}

const FixedCert& fixed_cert() {
    static const FixedCert c = make_fixed_certificate();
    return c;
}

class ConstantSigner : public Signer {
public:
    std::vector<SignatureScheme> schemes() const override { return {SignatureScheme::ed25519}; }
    Result<Bytes> sign(SignatureScheme, ByteView) override { return Bytes(64, 0x5a); }
};

}  // namespace

const Bytes& fixed_certificate_der() { return fixed_cert().der; }
const std::string& fixed_certificate_pem() { return fixed_cert().pem; }

std::shared_ptr<const CertifiedKey> fixed_certified_key() {
    static const auto key = [] {
        auto k = std::make_shared<CertifiedKey>();
        k->chain = {fixed_certificate_der()};
        k->key = std::make_shared<ConstantSigner>();
        return std::shared_ptr<const CertifiedKey>(k);
    }();
    return key;
}

LatestKeyLog& shared_keylog() {
    static const auto log = std::make_shared<LatestKeyLog>();
    return *log;
}

// ---------------------------------------------------------------- scenarios

namespace {

std::shared_ptr<LatestKeyLog> keylog_ptr() {
    // The scenarios' configs share one key log; it must outlive them.
    static const std::shared_ptr<LatestKeyLog> p(&shared_keylog(), [](LatestKeyLog*) {});
    return p;
}

struct ScenarioSpec {
    explicit ScenarioSpec(const char* n) : name(n) {}
    const char* name;
    Transport transport = Transport::tcp;
    bool client_auth = false;
    bool hello_retry = false;
    std::vector<CipherSuite> suites = default_cipher_suites();
    std::vector<NamedGroup> key_share_groups = {NamedGroup::x25519};
    std::vector<std::string> client_alpn;
    std::vector<std::string> server_alpn;
    std::uint16_t record_size_limit = 0;
    bool middlebox_compat = true;
    // RFC 8879 on both sides: certificates travel as CompressedCertificate,
    // so the decompressors see the mutated bytes.
    bool certificate_compression = false;
};

Scenario build(const ScenarioSpec& s) {
    auto c = std::make_shared<ClientConfig>();
    c->provider = fuzz_provider();
    c->verifier = std::make_shared<AcceptAnyVerifier>();
    c->cipher_suites = s.suites;
    c->key_share_groups = s.key_share_groups;
    c->alpn = s.client_alpn;
    c->record_size_limit = s.record_size_limit;
    c->middlebox_compat = s.middlebox_compat;
    c->keylog = keylog_ptr();
    if (s.client_auth) c->client_certificate = fixed_certified_key();
    if (s.certificate_compression) c->certificate_compression = all_certificate_compressions();

    auto v = std::make_shared<ServerConfig>();
    v->provider = fuzz_provider();
    v->cipher_suites = s.suites;
    v->alpn = s.server_alpn;
    v->cert_resolver = single_cert_resolver(fixed_certified_key());
    v->keylog = keylog_ptr();
    v->record_size_limit = s.record_size_limit;
    v->advertise_groups = s.record_size_limit != 0;
    if (s.certificate_compression) v->certificate_compression = all_certificate_compressions();
    if (s.client_auth) {
        v->client_auth = ClientAuth::required;
        v->client_verifier = std::make_shared<AcceptAnyVerifier>();
    }
    if (s.hello_retry) {
        v->force_hello_retry = true;
        v->hello_retry_cookie = true;
        v->groups = {NamedGroup::secp256r1, NamedGroup::x25519, NamedGroup::secp384r1};
    }

    Scenario out{s.name, c, v, {}, {}};
    out.client_options.server_name = "localhost";
    out.client_options.transport = s.transport;
    out.server_options.transport = s.transport;
    if (s.transport == Transport::quic) {
        out.client_options.quic_transport_parameters = kClientTransportParameters;
        out.server_options.quic_transport_parameters = kServerTransportParameters;
    }
    return out;
}

const std::vector<Scenario>& scenarios() {
    static const std::vector<Scenario> all = [] {
        std::vector<Scenario> v;
        ScenarioSpec basic{"basic"};
        v.push_back(build(basic));

        ScenarioSpec auth{"client_auth"};
        auth.client_auth = true;
        auth.client_alpn = {"h2", "http/1.1"};
        auth.server_alpn = {"http/1.1", "h2"};
        auth.certificate_compression = true;
        v.push_back(build(auth));

        ScenarioSpec hrr{"hello_retry"};
        hrr.hello_retry = true;
        v.push_back(build(hrr));

        ScenarioSpec quic{"quic"};
        quic.transport = Transport::quic;
        quic.client_alpn = {"h3"};
        quic.server_alpn = {"h3"};
        v.push_back(build(quic));

        ScenarioSpec other{"p384_chacha_rsl"};
        other.suites = {CipherSuite::chacha20_poly1305_sha256, CipherSuite::aes_256_gcm_sha384};
        other.key_share_groups = {NamedGroup::secp384r1, NamedGroup::x25519};
        other.record_size_limit = 512;
        other.middlebox_compat = false;
        v.push_back(build(other));
        return v;
    }();
    return all;
}

}  // namespace

std::size_t scenario_count() { return scenarios().size(); }
const Scenario& scenario(std::size_t index) { return scenarios()[index % scenarios().size()]; }
const std::vector<std::size_t>& tcp_scenarios() {
    static const std::vector<std::size_t> v = {0, 1, 2, 4};
    return v;
}
std::size_t quic_scenario() { return 3; }

// ---------------------------------------------------------------- flights

FlightInput parse_flights(const std::uint8_t* data, std::size_t size) {
    FlightInput in;
    if (size == 0) return in;
    in.selector = data[0];
    std::size_t pos = 1;
    while (pos < size) {
        Chunk c;
        c.ctrl = data[pos++];
        std::size_t len = 0;
        if (pos + 2 <= size) {
            len = (std::size_t{data[pos]} << 8) | data[pos + 1];
            pos += 2;
        } else {
            pos = size;
        }
        len = std::min(len, size - pos);
        c.data.assign(data + pos, data + pos + len);
        pos += len;
        in.chunks.push_back(std::move(c));
    }
    return in;
}

Bytes serialize_flights(const FlightInput& in) {
    Bytes out;
    out.push_back(in.selector);
    for (const auto& c : in.chunks) {
        std::size_t len = std::min<std::size_t>(c.data.size(), 0xffff);
        out.push_back(c.ctrl);
        out.push_back(static_cast<std::uint8_t>(len >> 8));
        out.push_back(static_cast<std::uint8_t>(len));
        out.insert(out.end(), c.data.begin(), c.data.begin() + static_cast<std::ptrdiff_t>(len));
    }
    return out;
}

std::vector<Bytes> split_messages(ByteView bytes) {
    std::vector<Bytes> out;
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        std::size_t left = bytes.size() - pos;
        if (left < 4) break;
        std::size_t len = (std::size_t{bytes[pos + 1]} << 16) | (std::size_t{bytes[pos + 2]} << 8) | bytes[pos + 3];
        if (len > left - 4) break;
        out.emplace_back(bytes.begin() + static_cast<std::ptrdiff_t>(pos),
                         bytes.begin() + static_cast<std::ptrdiff_t>(pos + 4 + len));
        pos += 4 + len;
    }
    if (pos < bytes.size()) out.emplace_back(bytes.begin() + static_cast<std::ptrdiff_t>(pos), bytes.end());
    return out;
}

namespace {

Bytes join(const std::vector<Bytes>& parts) {
    Bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

void set_length(Bytes& message) {
    if (message.size() < 4) return;
    std::size_t len = message.size() - 4;
    message[1] = static_cast<std::uint8_t>(len >> 16);
    message[2] = static_cast<std::uint8_t>(len >> 8);
    message[3] = static_cast<std::uint8_t>(len);
}

// Mutates `m` with the byte mutator, allowing it to grow by up to `grow`.
void mutate_bytes(Bytes& m, std::size_t grow, ByteMutator mutate) {
    std::size_t size = m.size();
    m.resize(size + grow);
    std::size_t n = mutate(m.data(), size, m.size());
    m.resize(std::min(n, m.size()));
}

}  // namespace

std::size_t mutate_flights(std::uint8_t* data, std::size_t size, std::size_t max_size, unsigned seed,
                           ByteMutator mutate) {
    std::minstd_rand rng(seed);
    auto pick = [&](std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng() % n); };
    FlightInput in = parse_flights(data, size);
    const unsigned choice = static_cast<unsigned>(rng() % 100);
    if (in.chunks.empty() || choice >= 85) return mutate(data, size, max_size);

    Chunk& chunk = in.chunks[pick(in.chunks.size())];
    std::vector<Bytes> msgs = split_messages(chunk.data);
    if (choice < 50 && !msgs.empty()) {
        // Mutate one message body; the header follows the new length
        // (usually) or keeps the old one (sometimes: framing bugs).
        Bytes& m = msgs[pick(msgs.size())];
        if (m.size() >= 4) {
            Bytes body(m.begin() + 4, m.end());
            mutate_bytes(body, 64 + body.size() / 8, mutate);
            m.resize(4);
            m.insert(m.end(), body.begin(), body.end());
            if (rng() % 8 != 0) set_length(m);
        } else {
            mutate_bytes(m, 8, mutate);
        }
    } else if (choice < 58 && !msgs.empty()) {
        // Change a message type (keeps the body).
        Bytes& m = msgs[pick(msgs.size())];
        static const std::uint8_t kTypes[] = {1, 2, 4, 5, 8, 11, 13, 15, 20, 24, 254, 0, 3, 255};
        if (!m.empty()) m[0] = kTypes[pick(sizeof kTypes)];
    } else if (choice < 64 && !msgs.empty()) {
        msgs.insert(msgs.begin() + static_cast<std::ptrdiff_t>(pick(msgs.size() + 1)), msgs[pick(msgs.size())]);
    } else if (choice < 70 && !msgs.empty()) {
        msgs.erase(msgs.begin() + static_cast<std::ptrdiff_t>(pick(msgs.size())));
    } else if (choice < 75 && msgs.size() >= 2) {
        std::size_t i = pick(msgs.size() - 1);
        std::swap(msgs[i], msgs[i + 1]);
    } else if (choice < 80) {
        // Another epoch or fragmentation for the chunk.
        if (rng() % 2)
            chunk.ctrl = static_cast<std::uint8_t>((chunk.ctrl & ~3u) | (rng() & 3));
        else
            chunk.ctrl = static_cast<std::uint8_t>((chunk.ctrl & 3u) | ((rng() % 64) << 2));
    } else if (msgs.size() >= 2) {
        // Split the chunk in two at a message boundary (a new flight).
        std::size_t at = 1 + pick(msgs.size() - 1);
        Chunk tail;
        tail.ctrl = chunk.ctrl;
        tail.data = join(std::vector<Bytes>(msgs.begin() + static_cast<std::ptrdiff_t>(at), msgs.end()));
        msgs.resize(at);
        chunk.data = join(msgs);
        std::size_t idx = static_cast<std::size_t>(&chunk - in.chunks.data());
        in.chunks.insert(in.chunks.begin() + static_cast<std::ptrdiff_t>(idx + 1), std::move(tail));
        Bytes out = serialize_flights(in);
        if (out.size() > max_size) return mutate(data, size, max_size);
        std::copy(out.begin(), out.end(), data);
        return out.size();
    } else {
        return mutate(data, size, max_size);
    }
    chunk.data = join(msgs);
    Bytes out = serialize_flights(in);
    if (out.size() > max_size) return mutate(data, size, max_size);
    std::copy(out.begin(), out.end(), data);
    return out.size();
}

Status provide_fragmented(Engine& engine, Epoch epoch, ByteView bytes, std::size_t fragment) {
    if (fragment == 0 || bytes.empty()) return engine.provide(epoch, bytes);
    for (std::size_t off = 0; off < bytes.size(); off += fragment) {
        QTLS_TRY(engine.provide(epoch, bytes.subspan(off, std::min(fragment, bytes.size() - off))));
    }
    return {};
}

bool drain_events(Engine& engine) {
    bool complete = false;
    while (auto ev = engine.poll())
        if (std::holds_alternative<HandshakeComplete>(*ev)) complete = true;
    return complete;
}

void run_engine(Side side, const FlightInput& in) {
    const Scenario& s = scenario(in.selector);
    auto created = side == Side::client ? Engine::client(s.client, s.client_options)
                                        : Engine::server(s.server, s.server_options);
    if (!created.ok()) invariant_failed("scenario engine cannot be created", __FILE__, __LINE__);
    Engine& engine = **created;
    if (!engine.start().ok()) invariant_failed("engine start failed", __FILE__, __LINE__);
    bool complete = drain_events(engine);
    for (const Chunk& c : in.chunks) {
        Status st = provide_fragmented(engine, c.epoch(), c.data, c.fragment());
        complete = drain_events(engine) || complete;
        if (!st.ok()) {
            // After an error every call fails with the same error (engine.h).
            Status again = engine.provide(c.epoch(), c.data);
            QTLS_FUZZ_CHECK(!again.ok() && again.error().alert == st.error().alert);
            QTLS_FUZZ_CHECK(!engine.send_key_update(false).ok());
            break;
        }
    }
    QTLS_FUZZ_CHECK(complete == engine.handshake_complete());
    if (!complete) return;
    ++reach().handshakes_completed;
    std::uint8_t exported[32];
    (void)engine.export_keying_material("EXPORTER-qtls-fuzz", ByteView(exported, 4), exported);
    if (engine.send_key_update(true).ok()) ++reach().post_handshake_ok;
    drain_events(engine);
}

// ---------------------------------------------------------------- recording

namespace {

void collect(Engine& from, std::vector<Flight>& record, std::deque<Flight>& to_peer, bool& complete) {
    while (auto ev = from.poll()) {
        if (auto* b = std::get_if<HandshakeBytes>(&*ev)) {
            record.push_back({b->epoch, b->data});
            to_peer.push_back({b->epoch, b->data});
        } else if (std::holds_alternative<HandshakeComplete>(*ev)) {
            complete = true;
        }
    }
}

bool deliver(Engine& to, std::deque<Flight>& flights) {
    while (!flights.empty()) {
        Flight f = std::move(flights.front());
        flights.pop_front();
        if (!to.provide(f.epoch, f.data).ok()) return false;
    }
    return true;
}

}  // namespace

RecordedHandshake record_engine_handshake(std::size_t scenario_index) {
    const Scenario& s = scenario(scenario_index);
    RecordedHandshake r;
    auto client = Engine::client(s.client, s.client_options);
    auto server = Engine::server(s.server, s.server_options);
    if (!client.ok() || !server.ok()) return r;
    Engine& c = **client;
    Engine& v = **server;
    if (!c.start().ok() || !v.start().ok()) return r;
    std::deque<Flight> to_server, to_client;
    bool c_done = false, s_done = false;
    for (int round = 0; round < 16; ++round) {
        collect(c, r.client_to_server, to_server, c_done);
        if (!deliver(v, to_server)) return r;
        collect(v, r.server_to_client, to_client, s_done);
        if (!deliver(c, to_client)) return r;
        collect(c, r.client_to_server, to_server, c_done);
        if (c_done && s_done && to_server.empty() && to_client.empty()) {
            r.ok = true;
            return r;
        }
    }
    return r;
}

std::size_t drain_plaintext(record::Connection& c) {
    std::uint8_t buf[4096];
    std::size_t total = 0;
    for (;;) {
        auto n = c.read(buf);
        if (!n.ok() || *n == 0) return total;
        total += *n;
    }
}

bool feed_tls(record::Connection& c, ByteView bytes, std::size_t* plaintext) {
    std::size_t got = 0;
    bool ok = true;
    while (ok && !bytes.empty()) {
        auto n = c.read_tls(bytes);
        if (!n.ok()) {
            ok = false;
            break;
        }
        Status st = c.process();
        got += drain_plaintext(c);
        if (!st.ok()) {
            ok = false;
            break;
        }
        if (*n == 0) {
            // Back-pressure: make room, then give up if there is still none.
            n = c.read_tls(bytes);
            if (!n.ok() || *n == 0) {
                ok = false;
                break;
            }
            st = c.process();
            got += drain_plaintext(c);
            if (!st.ok()) ok = false;
        }
        bytes = bytes.subspan(*n);
    }
    if (plaintext) *plaintext += got;
    return ok;
}

bool pump_tls(record::Connection& client, record::Connection& server, RecordedTls* log) {
    auto move_bytes = [](record::Connection& from, record::Connection& to, std::vector<Bytes>* sent) {
        ByteView out = from.pending_tls();
        if (out.empty()) return true;
        Bytes data(out.begin(), out.end());
        from.consume_tls(data.size());
        if (sent) sent->push_back(data);
        return feed_tls(to, data);
    };
    if (!client.start().ok() || !server.start().ok()) return false;
    for (int round = 0; round < 16; ++round) {
        if (!move_bytes(client, server, log ? &log->client_to_server : nullptr)) return false;
        if (!move_bytes(server, client, log ? &log->server_to_client : nullptr)) return false;
        if (client.handshake_complete() && server.handshake_complete() && !client.wants_write() &&
            !server.wants_write())
            return true;
    }
    return false;
}

RecordedTls record_tls_handshake(std::size_t scenario_index) {
    const Scenario& s = scenario(scenario_index);
    RecordedTls r;
    auto client = record::Connection::client(s.client, s.client_options);
    auto server = record::Connection::server(s.server);
    if (!client.ok() || !server.ok()) return r;
    r.ok = pump_tls(*client, *server, &r);
    return r;
}

RecordedQuic record_quic_handshake() {
    const Scenario& s = scenario(quic_scenario());
    RecordedQuic r;
    auto client = quic::Session::client(s.client, {"localhost", kClientTransportParameters});
    auto server = quic::Session::server(s.server, {kServerTransportParameters, {}});
    if (!client.ok() || !server.ok()) return r;
    quic::Session& c = **client;
    quic::Session& v = **server;
    if (!c.start().ok() || !v.start().ok()) return r;
    auto move = [](quic::Session& from, quic::Session& to, std::vector<Flight>& log) {
        for (quic::Level level : {quic::Level::initial, quic::Level::early_data, quic::Level::handshake,
                                  quic::Level::application}) {
            ByteView out = from.pending_crypto(level);
            if (out.empty()) continue;
            Bytes data(out.begin(), out.end());
            from.consume(level, data.size());
            log.push_back({quic::to_epoch(level), data});
            if (!to.provide_crypto_data(level, data).ok()) return false;
        }
        while (from.next_secret()) {
        }
        return true;
    };
    for (int round = 0; round < 16; ++round) {
        if (!move(c, v, r.client_to_server)) return r;
        if (!move(v, c, r.server_to_client)) return r;
        while (c.next_secret()) {
        }
        while (v.next_secret()) {
        }
        if (c.handshake_complete() && v.handshake_complete()) {
            bool idle = true;
            for (quic::Level level : {quic::Level::initial, quic::Level::handshake, quic::Level::application})
                idle = idle && c.pending_crypto(level).empty() && v.pending_crypto(level).empty();
            if (idle) {
                r.ok = true;
                return r;
            }
        }
    }
    return r;
}

// ---------------------------------------------------------------- reach

Reach& reach() {
    static Reach r;
    return r;
}

void invariant_failed(const char* what, const char* file, int line) {
    std::fprintf(stderr, "qtls fuzz invariant violated: %s (%s:%d)\n", what, file, line);
    std::abort();
}

}  // namespace qtls::fuzz
