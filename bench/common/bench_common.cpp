// Shared benchmark pieces and the qtls side of every comparison:
// record::Connection client and server moving TLS bytes in memory.
#include "common/bench_common.h"

#include <time.h>

#include <cstring>
#include <map>
#include <optional>
#include <stdexcept>

#include "qtls/certs.h"
#include "qtls/config.h"
#include "qtls/record.h"

namespace qbench {

int g_side = kNoSide;
bool g_time_sides = false;
std::uint64_t g_side_ns[2] = {0, 0};

std::uint64_t thread_cpu_ns() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(ts.tv_nsec);
}

std::string_view lib_name(Lib lib) {
    switch (lib) {
        case Lib::qtls: return "qtls";
        case Lib::openssl: return "OpenSSL";
        case Lib::gnutls: return "GnuTLS";
    }
    return "?";
}

void ByteQueue::push(const void* p, std::size_t n) {
    const auto* b = static_cast<const std::uint8_t*>(p);
    buf_.insert(buf_.end(), b, b + n);
}

std::size_t ByteQueue::pull(void* p, std::size_t n) {
    const std::size_t k = std::min(n, size());
    if (k > 0) std::memcpy(p, buf_.data() + head_, k);
    head_ += k;
    if (head_ == buf_.size()) {
        buf_.clear();
        head_ = 0;
    }
    return k;
}

const CertFiles& cert_files(KeyType type) {
    static std::map<KeyType, CertFiles> cache;
    auto it = cache.find(type);
    if (it == cache.end()) {
        const auto& issued = qtls::test::test_pki().issued(type);
        it = cache.emplace(type, CertFiles{issued.cert_pem, issued.key_pem}).first;
    }
    return it->second;
}

const std::string& ca_pem() { return qtls::test::test_pki().ca_pem(); }

std::string_view key_type_label(KeyType type) {
    switch (type) {
        case KeyType::ecdsa_p256: return "ECDSA-P256";
        case KeyType::ecdsa_p384: return "ECDSA-P384";
        case KeyType::rsa_2048: return "RSA-2048";
        case KeyType::rsa_pss_2048: return "RSA-PSS-2048";
        case KeyType::ed25519: return "Ed25519";
        case KeyType::rsa_4096: return "RSA-4096";
    }
    return "?";
}

std::string_view suite_label(qtls::CipherSuite s) {
    switch (s) {
        case qtls::CipherSuite::aes_128_gcm_sha256: return "AES-128-GCM";
        case qtls::CipherSuite::aes_256_gcm_sha384: return "AES-256-GCM";
        case qtls::CipherSuite::chacha20_poly1305_sha256: return "ChaCha20-Poly1305";
    }
    return "?";
}

std::unique_ptr<Factory> make_factory(Lib lib, const PairSettings& settings) {
    switch (lib) {
        case Lib::qtls: return make_qtls_factory(settings);
        case Lib::openssl: return make_openssl_factory(settings);
        case Lib::gnutls: return make_gnutls_factory(settings);
    }
    return nullptr;
}

std::unique_ptr<Factory> warmed_up_factory(benchmark::State& state, Lib lib, const PairSettings& settings,
                                           std::string& label) {
    std::unique_ptr<Factory> factory;
    try {
        factory = make_factory(lib, settings);
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
        return nullptr;
    }
    {
        auto warm = factory->make();
        if (!warm || !warm->handshake()) {
            state.SkipWithError("warm-up handshake failed");
            return nullptr;
        }
        label = warm->describe();
    }
    if (settings.resumption) {
        // The first pair left a ticket in the factory's client cache.
        auto warm = factory->make();
        if (!warm || !warm->handshake() || !warm->resumed()) {
            state.SkipWithError("warm-up handshake did not resume");
            return nullptr;
        }
        label = warm->describe();
    }
    return factory;
}

// ---------------------------------------------------------------- qtls ----
namespace {

using qtls::record::Connection;

class QtlsPair : public Pair {
public:
    QtlsPair(std::optional<Connection> c, std::optional<Connection> s, bool release)
        : client_(std::move(c)), server_(std::move(s)), release_(release) {}

    bool handshake() override {
        for (int round = 0; round < 64; ++round) {
            if (!move_bytes(*client_, kClient, *server_, kServer)) return false;
            if (!move_bytes(*server_, kServer, *client_, kClient)) return false;
            bool done;
            {
                SideScope cs(kClient);
                done = client_->handshake_complete() && !client_->wants_write();
            }
            {
                SideScope ss(kServer);
                done = done && server_->handshake_complete() && !server_->wants_write();
            }
            if (done) return true;
        }
        return false;
    }

    bool client_to_server(const std::uint8_t* data, std::size_t n, std::vector<std::uint8_t>& scratch) override {
        std::size_t sent = 0, got = 0;
        while (sent < n || got < n) {
            if (sent < n) {
                SideScope cs(kClient);
                auto w = client_->write(qtls::ByteView(data + sent, n - sent));
                if (!w.ok()) return false;
                sent += *w;
            }
            // Move every pending record, reading the plaintext as it appears.
            for (;;) {
                qtls::ByteView pending;
                {
                    SideScope cs(kClient);
                    pending = client_->pending_tls();
                }
                if (pending.empty()) break;
                std::size_t taken;
                {
                    SideScope ss(kServer);
                    auto r = server_->read_tls(pending);
                    if (!r.ok()) return false;
                    taken = *r;
                    if (!server_->process().ok()) return false;
                    for (;;) {
                        auto rd = server_->read(qtls::MutableByteView(scratch.data(), scratch.size()));
                        if (!rd.ok()) {
                            if (qtls::record::is_would_block(rd.error())) break;
                            return false;
                        }
                        if (*rd == 0) return false;
                        got += *rd;
                    }
                }
                {
                    SideScope cs(kClient);
                    client_->consume_tls(taken);
                }
                if (taken == 0) return false;
            }
            if (sent == n && got < n) return false;
        }
        return true;
    }

    std::string describe() override {
        const qtls::Negotiated& n = client_->negotiated();
        std::string d(qtls::to_string(n.suite));
        d += ' ';
        d += n.group ? qtls::to_string(*n.group) : "-";
        d += ' ';
        d += n.peer_signature_scheme ? qtls::to_string(*n.peer_signature_scheme) : "-";
        d += n.resumed ? " resumed" : " verified";  // the handshake fails unless the verifier accepted
        return d;
    }

    bool resumed() override { return client_->negotiated().resumed && server_->negotiated().resumed; }

    void settle() override {
        if (!release_) return;
        {
            SideScope cs(kClient);
            client_->release_buffers();
        }
        SideScope ss(kServer);
        server_->release_buffers();
    }
    void destroy_server() override {
        SideScope ss(kServer);
        server_.reset();
    }
    void destroy_client() override {
        SideScope cs(kClient);
        client_.reset();
    }

private:
    // Hands everything `from` has pending to `to`, one read_tls() at a time.
    static bool move_bytes(Connection& from, int from_side, Connection& to, int to_side) {
        for (;;) {
            qtls::ByteView pending;
            {
                SideScope fs(from_side);
                if (!from.wants_write()) return true;
                pending = from.pending_tls();
            }
            std::size_t taken;
            {
                SideScope ts(to_side);
                auto r = to.read_tls(pending);
                if (!r.ok()) return false;
                taken = *r;
                if (!to.process().ok()) return false;
            }
            {
                SideScope fs(from_side);
                from.consume_tls(taken);
            }
            if (taken == 0) return false;
        }
    }

    std::optional<Connection> client_;
    std::optional<Connection> server_;
    bool release_;
};

class QtlsFactory : public Factory {
public:
    explicit QtlsFactory(const PairSettings& s) : release_(s.release_buffers) {
        client_ = std::make_shared<qtls::ClientConfig>();
        client_->cipher_suites = {s.suite};
        client_->groups = {qtls::NamedGroup::x25519};
        client_->key_share_groups = {qtls::NamedGroup::x25519};
        client_->verifier = qtls::test::test_pki().verifier();
        server_ = std::make_shared<qtls::ServerConfig>();
        server_->cipher_suites = {s.suite};
        server_->groups = {qtls::NamedGroup::x25519};
        server_->cert_resolver = qtls::single_cert_resolver(qtls::test::test_pki().leaf(s.cert));
        if (s.resumption) {
            // One ticket per connection; the store keeps it until the next
            // pair takes it (tickets are single-use, RFC 8446 §C.4).
            client_->session_store = qtls::memory_session_store();
            server_->ticketer = qtls::rotating_ticketer();
            server_->tickets_per_connection = 1;
        }
    }

    std::unique_ptr<Pair> make() override {
        std::optional<Connection> c, s;
        {
            SideScope cs(kClient);
            qtls::ClientOptions options;
            options.server_name = std::string(kHostName);
            auto r = Connection::client(client_, options);
            if (!r.ok()) return nullptr;
            c.emplace(std::move(r).value());
        }
        {
            SideScope ss(kServer);
            auto r = Connection::server(server_);
            if (!r.ok()) return nullptr;
            s.emplace(std::move(r).value());
        }
        return std::make_unique<QtlsPair>(std::move(c), std::move(s), release_);
    }

private:
    std::shared_ptr<qtls::ClientConfig> client_;
    std::shared_ptr<qtls::ServerConfig> server_;
    bool release_;
};

}  // namespace

std::unique_ptr<Factory> make_qtls_factory(const PairSettings& settings) {
    return std::make_unique<QtlsFactory>(settings);
}

}  // namespace qbench
