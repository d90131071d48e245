// RFC 8448 replays: every secret of every trace from our key schedule, and
// the handshake engines driven through the traces with fixed keys and
// randomness, asserting each message and secret byte-exact.
#include <gtest/gtest.h>

#include "crypto/key_schedule.h"
#include "handshake/hooks.h"
#include "handshake/transcript.h"
#include "msg/msg.h"
#include "support/engine_harness.h"
#include "support/vectors.h"

namespace qtls::test {
namespace {

using nlohmann::json;

struct Trace {
    explicit Trace(const std::string& name) : j(load_vector(name)) {}
    json j;

    std::size_t count() const { return j["handshake_messages"].size(); }
    const json& message(std::size_t i) const { return j["handshake_messages"][i]; }
    Bytes bytes(std::size_t i) const { return hex_field(message(i)["hex"]); }
    std::string name(std::size_t i) const { return message(i)["name"]; }
    std::string sender(std::size_t i) const { return message(i)["sender"]; }
    Bytes secret(const std::string& key) const { return hex_field(j["key_schedule"][key]); }
    // Index of the n-th message with this name (and sender, if given).
    std::size_t find(const std::string& name, int nth = 0, const std::string& sender = "") const {
        for (std::size_t i = 0; i < count(); ++i)
            if (this->name(i) == name && (sender.empty() || this->sender(i) == sender) && nth-- == 0) return i;
        ADD_FAILURE() << "no message " << name;
        return 0;
    }
    Bytes private_key(const std::string& owner, const std::string& group, int nth = 0) const {
        for (const auto& k : j["ephemeral_keys"])
            if (k["owner"] == owner && k["group"] == group && nth-- == 0) return hex_field(k["private_key"]);
        ADD_FAILURE() << "no key for " << owner << " " << group;
        return {};
    }
    bool has_hrr() const {
        for (std::size_t i = 0; i < count(); ++i)
            if (name(i) == "HelloRetryRequest") return true;
        return false;
    }
    // Transcript-Hash(messages[0..through]) with the HRR rewrite (§4.4.1).
    Digest hash_through(std::size_t through) const {
        handshake::Transcript t;
        EXPECT_TRUE(t.set_hash(*openssl_provider(), HashAlg::sha256));
        for (std::size_t i = 0; i <= through; ++i) {
            if (!message(i)["in_transcript"].get<bool>()) continue;
            t.add(bytes(i));
            if (name(i) == "ClientHello" && i + 1 < count() && name(i + 1) == "HelloRetryRequest") {
                EXPECT_TRUE(t.rewrite_for_hello_retry());
            }
        }
        return t.current();
    }
    // Signature scheme and signature of a CertificateVerify message.
    std::pair<SignatureScheme, Bytes> certificate_verify(std::size_t i) const {
        Bytes m = bytes(i);
        auto scheme = static_cast<SignatureScheme>((m[4] << 8) | m[5]);
        return {scheme, Bytes(m.begin() + 8, m.end())};
    }
    template <class T>
    T decode(std::size_t i) const {
        Bytes m = bytes(i);
        auto r = T::decode(ByteView(m).subspan(4));
        EXPECT_TRUE(r.ok());
        return r.ok() ? r.value() : T{};
    }
    std::vector<Bytes> chain(const std::string& key) const {
        std::vector<Bytes> out;
        for (const auto& c : j[key]) out.push_back(from_hex(c.get<std::string>()));
        return out;
    }
};

const char* kTraces[] = {"rfc8448-simple-1rtt", "rfc8448-resumed-0rtt", "rfc8448-hello-retry-request",
                         "rfc8448-client-auth", "rfc8448-compatibility-mode"};

std::string hex(ByteView b) { return to_hex(b); }
std::string hex(const Secret& s) { return to_hex(s.view()); }

// ---------------------------------------------------------------- key schedule

class KeySchedule : public ::testing::TestWithParam<const char*> {};

TEST_P(KeySchedule, EverySecretMatchesTheTrace) {
    Trace t(GetParam());
    crypto::HashContextRef h{openssl_provider().get(), HashAlg::sha256};
    Bytes psk = t.j["psk"].is_null() ? Bytes{} : hex_field(t.j["psk"]);
    auto early = crypto::EarlySecret::derive(h, psk);
    EXPECT_EQ(hex(early.secret()), hex(t.secret("early_secret")));

    const std::size_t ch = t.find("ClientHello", t.has_hrr() ? 1 : 0);
    if (!psk.empty()) {
        EXPECT_EQ(hex(early.binder_key(false)), hex(t.secret("binder_key")));
        Digest ch_hash = t.hash_through(ch);
        EXPECT_EQ(hex(early.client_early_traffic_secret(ch_hash)), hex(t.secret("client_early_traffic_secret")));
        EXPECT_EQ(hex(early.early_exporter_master_secret(ch_hash)), hex(t.secret("early_exporter_master_secret")));
    }

    Bytes ecdhe = hex_field(t.j["ecdhe_shared_secret"]);
    auto hs = early.next(ecdhe);
    EXPECT_EQ(hex(hs.secret()), hex(t.secret("handshake_secret")));
    Digest ch_sh = t.hash_through(t.find("ServerHello"));
    EXPECT_EQ(hex(hs.client_traffic_secret(ch_sh)), hex(t.secret("client_handshake_traffic_secret")));
    EXPECT_EQ(hex(hs.server_traffic_secret(ch_sh)), hex(t.secret("server_handshake_traffic_secret")));

    auto master = hs.next();
    EXPECT_EQ(hex(master.secret()), hex(t.secret("master_secret")));
    const std::size_t server_fin = t.find("Finished", 0, "server");
    Digest to_sfin = t.hash_through(server_fin);
    EXPECT_EQ(hex(master.client_traffic_secret(to_sfin)), hex(t.secret("client_application_traffic_secret_0")));
    EXPECT_EQ(hex(master.server_traffic_secret(to_sfin)), hex(t.secret("server_application_traffic_secret_0")));
    EXPECT_EQ(hex(master.exporter_master_secret(to_sfin)), hex(t.secret("exporter_master_secret")));
    Digest to_cfin = t.hash_through(t.find("Finished", 0, "client"));
    EXPECT_EQ(hex(master.resumption_master_secret(to_cfin)), hex(t.secret("resumption_master_secret")));

    // Finished verify_data for both sides (§4.4.4).
    Secret shts(ByteView(t.secret("server_handshake_traffic_secret")));
    Secret chts(ByteView(t.secret("client_handshake_traffic_secret")));
    Digest sv = crypto::finished_verify_data(h, shts, t.hash_through(server_fin - 1));
    EXPECT_EQ(hex(sv.view()), t.j["finished"]["server"]["verify_data"].get<std::string>());
    const std::size_t client_fin = t.find("Finished", 0, "client");
    Digest cv = crypto::finished_verify_data(h, chts, t.hash_through(client_fin - 1));
    EXPECT_EQ(hex(cv.view()), t.j["finished"]["client"]["verify_data"].get<std::string>());

    // Traffic keys (§7.3).
    for (const auto& [name, keys] : t.j["traffic_keys"].items()) {
        Secret s(ByteView(hex_field(keys["secret"])));
        auto tk = crypto::traffic_keys(h, AeadAlg::aes_128_gcm, s);
        EXPECT_EQ(hex(tk.key), keys["key"].get<std::string>()) << name;
        EXPECT_EQ(hex(tk.iv), keys["iv"].get<std::string>()) << name;
    }
}

INSTANTIATE_TEST_SUITE_P(Rfc8448, KeySchedule, ::testing::ValuesIn(kTraces), [](const auto& info) {
    std::string n = info.param;
    for (auto& c : n)
        if (c == '-') c = '_';
    return n;
});

// §4: the PSK binder over the truncated ClientHello, and the §3 ticket's PSK.
TEST(Rfc8448, ResumedTraceBinderAndTicketPsk) {
    Trace resumed("rfc8448-resumed-0rtt");
    Trace simple("rfc8448-simple-1rtt");
    crypto::HashContextRef h{openssl_provider().get(), HashAlg::sha256};

    const auto& nst = simple.j["new_session_ticket"];
    Secret rms(ByteView(hex_field(nst["resumption_master_secret"])));
    Secret psk = crypto::resumption_psk(h, rms, hex_field(nst["ticket_nonce"]));
    EXPECT_EQ(hex(psk), nst["psk"].get<std::string>());
    EXPECT_EQ(hex(psk), resumed.j["psk"].get<std::string>());

    auto early = crypto::EarlySecret::derive(h, psk.view());
    const auto& binder = resumed.j["psk_binder"];
    Bytes ch = resumed.bytes(0);
    auto decoded = resumed.decode<msg::ClientHello>(0);
    const auto* pre = msg::find_extension(decoded.extensions, msg::ExtensionType::pre_shared_key);
    ASSERT_NE(pre, nullptr);
    auto offered = msg::decode_pre_shared_key_client(pre->body);
    ASSERT_TRUE(offered.ok());
    std::size_t truncated_len = ch.size() - msg::binders_encoded_length(*offered);
    EXPECT_EQ(hex(ByteView(ch).first(truncated_len)), binder["truncated_client_hello"].get<std::string>());

    handshake::Transcript t;
    ASSERT_TRUE(t.set_hash(*openssl_provider(), HashAlg::sha256));
    Digest binder_hash = t.current_with(ByteView(ch).first(truncated_len));
    EXPECT_EQ(hex(binder_hash.view()), binder["binder_hash"].get<std::string>());
    Secret binder_key = early.binder_key(false);
    EXPECT_EQ(hex(binder_key), binder["binder_key"].get<std::string>());
    EXPECT_EQ(hex(crypto::finished_key(h, binder_key)), binder["finished_key"].get<std::string>());
    Digest value = crypto::finished_verify_data(h, binder_key, binder_hash);
    EXPECT_EQ(hex(value.view()), binder["binder"].get<std::string>());
    EXPECT_EQ(hex(offered->binders.at(0)), binder["binder"].get<std::string>());
}

// ---------------------------------------------------------------- engines

struct SecretSpy {
    std::map<std::string, Bytes> seen;
    std::shared_ptr<detail::EngineHooks> hooks = std::make_shared<detail::EngineHooks>();
    SecretSpy() {
        hooks->secret = [this](std::string_view name, ByteView s) { seen[std::string(name)] = Bytes(s.begin(), s.end()); };
    }
};

void expect_secret(const Collected& c, Epoch e, Direction d, const Bytes& expected, const char* what) {
    const TrafficSecret* s = c.secret(e, d);
    ASSERT_NE(s, nullptr) << what;
    EXPECT_EQ(hex(s->secret), hex(expected)) << what;
}

Bytes concat_messages(const Trace& t, std::size_t from, std::size_t to_inclusive, const std::string& sender) {
    Bytes out;
    for (std::size_t i = from; i <= to_inclusive; ++i)
        if (t.sender(i) == sender) {
            Bytes m = t.bytes(i);
            out.insert(out.end(), m.begin(), m.end());
        }
    return out;
}

NamedGroup group_named(const std::string& g) { return g == "x25519" ? NamedGroup::x25519 : NamedGroup::secp256r1; }

void replay_as_server(const std::string& trace_name) {
    SCOPED_TRACE(trace_name);
    Trace t(trace_name);
    auto provider = std::make_shared<FixedKeyProvider>(openssl_provider());
    for (const auto& k : t.j["ephemeral_keys"])
        if (k["owner"] == "server") provider->queue_key(group_named(k["group"]), hex_field(k["private_key"]));

    const std::size_t sh = t.find("ServerHello");
    const std::size_t server_fin = t.find("Finished", 0, "server");
    const std::size_t cv = t.find("CertificateVerify", 0, "server");
    auto [scheme, signature] = t.certificate_verify(cv);
    auto key = std::make_shared<CertifiedKey>();
    key->chain = t.chain("server_certificate_chain_der");
    key->key = std::make_shared<FixedSigner>(scheme, signature);

    auto config = std::make_shared<ServerConfig>();
    config->provider = provider;
    config->cipher_suites = {CipherSuite::aes_128_gcm_sha256};
    if (t.has_hrr()) config->groups = {NamedGroup::secp256r1, NamedGroup::secp384r1};
    config->cert_resolver = single_cert_resolver(key);
    const bool client_auth = t.j.contains("client_certificate_chain_der");
    if (client_auth) {
        config->client_auth = ClientAuth::required;
        config->client_verifier = std::make_shared<AcceptAnyCertificate>();
    }
    auto keylog = std::make_shared<MemoryKeyLog>();
    config->keylog = keylog;

    SecretSpy spy;
    Bytes sh_bytes = t.bytes(sh);
    spy.hooks->random = [&](MutableByteView out) {
        std::copy_n(sh_bytes.begin() + 6, std::min<std::size_t>(32, out.size()), out.begin());
    };
    spy.hooks->server_hello = [&](msg::ServerHello& m) {
        if (m.is_hello_retry_request()) m.extensions = t.decode<msg::ServerHello>(t.find("HelloRetryRequest")).extensions;
    };
    spy.hooks->encrypted_extensions = [&](msg::EncryptedExtensions& m) {
        m = t.decode<msg::EncryptedExtensions>(t.find("EncryptedExtensions"));
    };
    spy.hooks->certificate_request = [&](msg::CertificateRequest& m) {
        m = t.decode<msg::CertificateRequest>(t.find("CertificateRequest"));
    };

    auto engine = Engine::server(config, {});
    ASSERT_TRUE(engine.ok()) << engine.error().what;
    (*engine)->set_hooks_for_testing(spy.hooks);
    Collected out;
    // Every client message before the server's Finished, at its epoch.
    for (std::size_t i = 0; i < server_fin; ++i)
        if (t.sender(i) == "client") {
            ASSERT_TRUE((*engine)->provide(Epoch::initial, t.bytes(i)).ok()) << t.name(i);
        }
    drain(**engine, out);
    ASSERT_FALSE(out.alert.has_value()) << out.alert->reason;
    EXPECT_EQ(hex(out.bytes[Epoch::initial]), hex(concat_messages(t, 0, sh, "server")));
    EXPECT_EQ(hex(out.bytes[Epoch::handshake]), hex(concat_messages(t, sh + 1, server_fin, "server")));
    expect_secret(out, Epoch::handshake, Direction::write, t.secret("server_handshake_traffic_secret"), "s hs");
    expect_secret(out, Epoch::handshake, Direction::read, t.secret("client_handshake_traffic_secret"), "c hs");
    expect_secret(out, Epoch::application, Direction::write, t.secret("server_application_traffic_secret_0"), "s ap");
    EXPECT_FALSE(out.complete);

    for (std::size_t i = server_fin + 1; i < t.count(); ++i)
        if (t.sender(i) == "client") {
            ASSERT_TRUE((*engine)->provide(Epoch::handshake, t.bytes(i)).ok()) << t.name(i);
        }
    drain(**engine, out);
    EXPECT_TRUE(out.complete);
    expect_secret(out, Epoch::application, Direction::read, t.secret("client_application_traffic_secret_0"), "c ap");
    EXPECT_EQ(hex(spy.seen["handshake_secret"]), hex(t.secret("handshake_secret")));
    EXPECT_EQ(hex(spy.seen["master_secret"]), hex(t.secret("master_secret")));
    EXPECT_EQ(hex(spy.seen["resumption_master_secret"]), hex(t.secret("resumption_master_secret")));
    EXPECT_EQ(hex(keylog->lines["EXPORTER_SECRET"]), hex(t.secret("exporter_master_secret")));
    EXPECT_EQ((*engine)->negotiated().client_authenticated, client_auth);
}

void replay_as_client(const std::string& trace_name) {
    SCOPED_TRACE(trace_name);
    Trace t(trace_name);
    auto provider = std::make_shared<FixedKeyProvider>(openssl_provider());
    for (const auto& k : t.j["ephemeral_keys"])
        if (k["owner"] == "client") provider->queue_key(group_named(k["group"]), hex_field(k["private_key"]));

    auto config = std::make_shared<ClientConfig>();
    config->provider = provider;
    config->verifier = std::make_shared<AcceptAnyCertificate>();
    const bool client_auth = t.j.contains("client_certificate_chain_der");
    if (client_auth) {
        auto [scheme, signature] = t.certificate_verify(t.find("CertificateVerify", 0, "client"));
        auto key = std::make_shared<CertifiedKey>();
        key->chain = t.chain("client_certificate_chain_der");
        key->key = std::make_shared<FixedSigner>(scheme, signature);
        config->client_certificate = key;
    }
    auto keylog = std::make_shared<MemoryKeyLog>();
    config->keylog = keylog;

    SecretSpy spy;
    int hellos = 0;
    spy.hooks->client_hello = [&](msg::ClientHello& m) { m = t.decode<msg::ClientHello>(t.find("ClientHello", hellos++)); };

    auto engine = Engine::client(config, {"server", Transport::tcp, {}});
    ASSERT_TRUE(engine.ok()) << engine.error().what;
    (*engine)->set_hooks_for_testing(spy.hooks);
    ASSERT_TRUE((*engine)->start().ok());
    Collected out;
    const std::size_t sh = t.find("ServerHello");
    const std::size_t server_fin = t.find("Finished", 0, "server");
    for (std::size_t i = 0; i <= sh; ++i)
        if (t.sender(i) == "server") {
            ASSERT_TRUE((*engine)->provide(Epoch::initial, t.bytes(i)).ok()) << t.name(i);
        }
    for (std::size_t i = sh + 1; i <= server_fin; ++i) {
        ASSERT_EQ(t.sender(i), "server");
        auto s = (*engine)->provide(Epoch::handshake, t.bytes(i));
        ASSERT_TRUE(s.ok()) << t.name(i) << ": " << s.error().what;
    }
    drain(**engine, out);
    ASSERT_FALSE(out.alert.has_value()) << out.alert->reason;
    EXPECT_TRUE(out.complete);
    EXPECT_EQ(hex(out.bytes[Epoch::initial]), hex(concat_messages(t, 0, sh, "client")));
    EXPECT_EQ(hex(out.bytes[Epoch::handshake]), hex(concat_messages(t, server_fin + 1, t.count() - 1, "client")));
    expect_secret(out, Epoch::handshake, Direction::write, t.secret("client_handshake_traffic_secret"), "c hs");
    expect_secret(out, Epoch::handshake, Direction::read, t.secret("server_handshake_traffic_secret"), "s hs");
    expect_secret(out, Epoch::application, Direction::write, t.secret("client_application_traffic_secret_0"), "c ap");
    expect_secret(out, Epoch::application, Direction::read, t.secret("server_application_traffic_secret_0"), "s ap");
    EXPECT_EQ(hex(spy.seen["handshake_secret"]), hex(t.secret("handshake_secret")));
    EXPECT_EQ(hex(spy.seen["master_secret"]), hex(t.secret("master_secret")));
    EXPECT_EQ(hex(spy.seen["resumption_master_secret"]), hex(t.secret("resumption_master_secret")));
    EXPECT_EQ(hex(keylog->lines["EXPORTER_SECRET"]), hex(t.secret("exporter_master_secret")));
    EXPECT_EQ((*engine)->negotiated().hello_retry, t.has_hrr());

    // The §3 NewSessionTicket arrives after the handshake and is accepted.
    if (t.j.contains("new_session_ticket")) {
        EXPECT_TRUE((*engine)->provide(Epoch::application, hex_field(t.j["new_session_ticket"]["message"])).ok());
    }
}

TEST(Rfc8448Engine, SimpleOneRttAsServer) { replay_as_server("rfc8448-simple-1rtt"); }
TEST(Rfc8448Engine, SimpleOneRttAsClient) { replay_as_client("rfc8448-simple-1rtt"); }
TEST(Rfc8448Engine, HelloRetryRequestAsServer) { replay_as_server("rfc8448-hello-retry-request"); }
TEST(Rfc8448Engine, HelloRetryRequestAsClient) { replay_as_client("rfc8448-hello-retry-request"); }
TEST(Rfc8448Engine, ClientAuthAsServer) { replay_as_server("rfc8448-client-auth"); }
TEST(Rfc8448Engine, ClientAuthAsClient) { replay_as_client("rfc8448-client-auth"); }
TEST(Rfc8448Engine, CompatibilityModeAsServer) { replay_as_server("rfc8448-compatibility-mode"); }
TEST(Rfc8448Engine, CompatibilityModeAsClient) { replay_as_client("rfc8448-compatibility-mode"); }

}  // namespace
}  // namespace qtls::test
