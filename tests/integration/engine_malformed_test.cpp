// A table of malformed and out-of-order handshake inputs, each fed to a real
// engine mid-handshake, with the alert RFC 8446 §6.2 requires.
#include <gtest/gtest.h>

#include <functional>

#include "msg/msg.h"
#include "support/engine_harness.h"
#include "support/flight_mutators.h"
#include "support/test_pki.h"

namespace qtls::test {
namespace {

using msg::ExtensionType;
using msg::HandshakeType;

struct WireMessage {
    Epoch epoch;
    Bytes bytes;
    HandshakeType type() const { return static_cast<HandshakeType>(bytes.at(0)); }
};
using Flight = std::vector<WireMessage>;
using Mutator = std::function<void(Flight&)>;

// Splits the engine's pending HandshakeBytes into whole messages.
Flight take_flight(Engine& e) {
    Flight out;
    while (auto ev = e.poll()) {
        if (auto* b = std::get_if<HandshakeBytes>(&*ev)) split_messages(out, b->epoch, b->data);
    }
    return out;
}

struct Scenario {
    std::function<void(ClientConfig&, ClientOptions&, ServerConfig&, ServerOptions&)> configure;
};

// Plays the handshake flight by flight; flight `target` is mutated before
// delivery. Returns the alert raised by the receiving side, if any.
std::optional<Alert> play(int target, const Mutator& mutate, const Scenario& setup = {}) {
    auto cc = std::make_shared<ClientConfig>();
    auto sc = std::make_shared<ServerConfig>();
    ClientOptions co{"localhost", Transport::tcp, {}};
    ServerOptions so{};
    cc->verifier = test_pki().verifier();
    sc->cert_resolver = single_cert_resolver(test_pki().leaf(KeyType::ecdsa_p256));
    if (setup.configure) setup.configure(*cc, co, *sc, so);
    auto c = Engine::client(cc, co);
    auto s = Engine::server(sc, so);
    EXPECT_TRUE(c.ok() && s.ok());
    if (!c.ok() || !s.ok()) return std::nullopt;
    EXPECT_TRUE((*c)->start().ok());
    Engine* from = c->get();
    Engine* to = s->get();
    for (int flight = 0; flight < 8; ++flight) {
        Flight msgs = take_flight(*from);
        if (msgs.empty()) break;
        if (flight == target) mutate(msgs);
        for (const auto& w : msgs) {
            auto st = to->provide(w.epoch, w.bytes);
            if (!st.ok()) return st.error().alert;
        }
        std::swap(from, to);
    }
    return std::nullopt;
}

// Mutators (edit_ch, raw, ext, ...): support/flight_mutators.h.

Scenario quic_setup() {
    return {[](ClientConfig& cc, ClientOptions& co, ServerConfig& sc, ServerOptions& so) {
        cc.alpn = {"h3"};
        sc.alpn = {"h3"};
        co.transport = Transport::quic;
        so.transport = Transport::quic;
        co.quic_transport_parameters = {1};
        so.quic_transport_parameters = {2};
    }};
}
Scenario hrr_setup() {
    return {[](ClientConfig&, ClientOptions&, ServerConfig& sc, ServerOptions&) {
        sc.force_hello_retry = true;
        sc.hello_retry_cookie = true;
    }};
}
Scenario client_auth_setup() {
    return {[](ClientConfig& cc, ClientOptions&, ServerConfig& sc, ServerOptions&) {
        sc.client_auth = ClientAuth::required;
        sc.client_verifier = test_pki().verifier(true);
        cc.client_certificate = test_pki().client();
    }};
}

struct Case {
    const char* name;
    int flight;  // 0: ClientHello -> server, 1: server flight -> client, 2: client's second flight -> server
    Mutator mutate;
    Alert expected;
    Scenario setup;
};

const std::vector<Case>& cases() {
    static const std::vector<Case> table = {
        // ---- ClientHello, at the server
        {"ch_truncated_body", 0, raw(HandshakeType::client_hello, [](Bytes& m) { m.resize(m.size() - 3); fix_length(m); }), Alert::decode_error, {}},
        {"ch_trailing_byte", 0, raw(HandshakeType::client_hello, [](Bytes& m) { m.push_back(0); fix_length(m); }), Alert::decode_error, {}},
        {"ch_no_supported_versions", 0, edit_ch([](auto& m) { drop(m.extensions, ExtensionType::supported_versions); }), Alert::protocol_version, {}},
        {"ch_only_tls12", 0, edit_ch([](auto& m) { ext(m.extensions, ExtensionType::supported_versions)->body = msg::encode_supported_versions_client({0x0303}); }), Alert::protocol_version, {}},
        {"ch_compression_not_null", 0, edit_ch([](auto& m) { m.legacy_compression_methods = {1}; }), Alert::illegal_parameter, {}},
        {"ch_no_common_suite", 0, edit_ch([](auto& m) { m.cipher_suites = {0x1304}; }), Alert::handshake_failure, {}},
        {"ch_no_key_share", 0, edit_ch([](auto& m) { drop(m.extensions, ExtensionType::key_share); }), Alert::missing_extension, {}},
        {"ch_no_supported_groups", 0, edit_ch([](auto& m) { drop(m.extensions, ExtensionType::supported_groups); }), Alert::missing_extension, {}},
        {"ch_no_signature_algorithms", 0, edit_ch([](auto& m) { drop(m.extensions, ExtensionType::signature_algorithms); }), Alert::missing_extension, {}},
        {"ch_share_not_in_groups", 0, edit_ch([](auto& m) { ext(m.extensions, ExtensionType::supported_groups)->body = msg::encode_supported_groups({0x0017}); }), Alert::illegal_parameter, {}},
        {"ch_duplicate_extension", 0, edit_ch([](auto& m) { m.extensions.push_back(*ext(m.extensions, ExtensionType::supported_groups)); }), Alert::illegal_parameter, {}},
        {"ch_psk_not_last", 0, edit_ch([](auto& m) {
             msg::OfferedPsks p{{{Bytes{1}, 0}}, {Bytes(32, 0)}};
             m.extensions.insert(m.extensions.begin(), {41, msg::encode_pre_shared_key_client(p)});
         }), Alert::illegal_parameter, {}},
        {"ch_extension_for_certificate_request", 0, edit_ch([](auto& m) { add(m.extensions, 48, {0, 0}); }), Alert::illegal_parameter, {}},
        {"ch_empty_server_name", 0, edit_ch([](auto& m) { ext(m.extensions, ExtensionType::server_name)->body = {0, 3, 0, 0, 0}; }), Alert::decode_error, {}},
        {"ch_x25519_share_short", 0, edit_ch([](auto& m) { ext(m.extensions, ExtensionType::key_share)->body = msg::encode_key_share_client({{0x001d, Bytes(31, 9)}}); }), Alert::illegal_parameter, {}},
        {"ch_p256_share_off_curve", 0, edit_ch([](auto& m) {
             Bytes point(65, 1);
             point[0] = 4;
             ext(m.extensions, ExtensionType::key_share)->body = msg::encode_key_share_client({{0x0017, point}});
         }), Alert::illegal_parameter, {}},
        {"ch_empty_alpn_name", 0, edit_ch([](auto& m) { add(m.extensions, 16, {0, 1, 0}); }), Alert::decode_error, {}},
        {"ch_record_size_limit_63", 0, edit_ch([](auto& m) { add(m.extensions, 28, {0, 63}); }), Alert::illegal_parameter, {}},
        {"ch_session_id_33_bytes", 0, edit_ch([](auto& m) { m.legacy_session_id.assign(33, 7); }), Alert::decode_error, {}},
        {"ch_empty_cipher_suites", 0, edit_ch([](auto& m) { m.cipher_suites.clear(); }), Alert::decode_error, {}},
        {"ch_supported_groups_odd_length", 0, edit_ch([](auto& m) { ext(m.extensions, ExtensionType::supported_groups)->body = {0, 3, 0, 0x1d, 0}; }), Alert::decode_error, {}},
        {"ch_duplicate_key_share_group", 0, edit_ch([](auto& m) {
             auto& body = ext(m.extensions, ExtensionType::key_share)->body;
             auto shares = msg::decode_key_share_client(body);
             shares->push_back(shares->front());
             body = msg::encode_key_share_client(*shares);
         }), Alert::illegal_parameter, {}},
        {"ch_unknown_handshake_type", 0, raw(HandshakeType::client_hello, [](Bytes& m) { m[0] = 99; }), Alert::unexpected_message, {}},
        {"ch_finished_first", 0, raw(HandshakeType::client_hello, [](Bytes& m) { m = {20, 0, 0, 32}; m.resize(36); }), Alert::unexpected_message, {}},
        {"ch_at_handshake_epoch", 0, [](Flight& f) { f[0].epoch = Epoch::handshake; }, Alert::unexpected_message, {}},
        {"ch_length_over_limit", 0, raw(HandshakeType::client_hello, [](Bytes& m) { m[1] = 0x10; }), Alert::decode_error, {}},
        {"ch_quic_no_transport_params", 0, edit_ch([](auto& m) { drop(m.extensions, ExtensionType::quic_transport_parameters); }), Alert::missing_extension, quic_setup()},
        {"ch_quic_no_alpn", 0, edit_ch([](auto& m) { drop(m.extensions, ExtensionType::alpn); }), Alert::no_application_protocol, quic_setup()},
        {"ch_alpn_no_overlap", 0, edit_ch([](auto& m) { add(m.extensions, 16, msg::encode_alpn({"nope"})); }),
         Alert::no_application_protocol,
         {[](ClientConfig&, ClientOptions&, ServerConfig& sc, ServerOptions&) { sc.alpn = {"h2"}; }}},
        // ---- second ClientHello after HelloRetryRequest
        {"ch2_without_requested_share", 2, edit_ch([](auto& m) {
             ext(m.extensions, ExtensionType::key_share)->body = msg::encode_key_share_client({{0x001d, Bytes(32, 9)}});
         }), Alert::illegal_parameter, hrr_setup()},
        {"ch2_wrong_cookie", 2, edit_ch([](auto& m) { ext(m.extensions, ExtensionType::cookie)->body = msg::encode_cookie(Bytes(32, 1)); }), Alert::illegal_parameter, hrr_setup()},
        {"ch2_missing_cookie", 2, edit_ch([](auto& m) { drop(m.extensions, ExtensionType::cookie); }), Alert::missing_extension, hrr_setup()},
        {"ch2_changed_suite", 2, edit_ch([](auto& m) { m.cipher_suites = {0x1303}; }), Alert::illegal_parameter, hrr_setup()},
        // ---- ServerHello and the server flight, at the client
        {"sh_tls12_version", 1, edit_sh([](auto& m) { ext(m.extensions, ExtensionType::supported_versions)->body = msg::encode_supported_versions_server(0x0303); }), Alert::illegal_parameter, {}},
        {"sh_no_supported_versions", 1, edit_sh([](auto& m) { drop(m.extensions, ExtensionType::supported_versions); }), Alert::protocol_version, {}},
        {"sh_downgrade_sentinel", 1, edit_sh([](auto& m) {
             drop(m.extensions, ExtensionType::supported_versions);
             std::copy(msg::kDowngradeTls12.begin(), msg::kDowngradeTls12.end(), m.random.begin() + 24);
         }), Alert::illegal_parameter, {}},
        {"sh_suite_not_offered", 1, edit_sh([](auto& m) { m.cipher_suite = 0x1303; }), Alert::illegal_parameter,
         {[](ClientConfig& cc, ClientOptions&, ServerConfig&, ServerOptions&) { cc.cipher_suites = {CipherSuite::aes_128_gcm_sha256}; }}},
        {"sh_session_id_mismatch", 1, edit_sh([](auto& m) { m.legacy_session_id_echo.assign(32, 0xee); }), Alert::illegal_parameter, {}},
        {"sh_key_share_group_not_offered", 1, edit_sh([](auto& m) {
             Bytes point(97, 1);
             ext(m.extensions, ExtensionType::key_share)->body = msg::encode_key_share_server({0x0018, point});
         }), Alert::illegal_parameter, {}},
        {"sh_unsolicited_unknown_extension", 1, edit_sh([](auto& m) { add(m.extensions, 0x1234, {}); }), Alert::unsupported_extension, {}},
        {"sh_extension_not_allowed_here", 1, edit_sh([](auto& m) { add(m.extensions, 16, msg::encode_alpn({"h2"})); }), Alert::illegal_parameter, {}},
        {"sh_no_key_share", 1, edit_sh([](auto& m) { drop(m.extensions, ExtensionType::key_share); }), Alert::missing_extension, {}},
        {"sh_compression_method", 1, edit_sh([](auto& m) { m.legacy_compression_method = 1; }), Alert::illegal_parameter, {}},
        {"sh_legacy_version_0304", 1, edit_sh([](auto& m) { m.legacy_version = 0x0304; }), Alert::illegal_parameter, {}},
        {"sh_bad_x25519_point", 1, edit_sh([](auto& m) { ext(m.extensions, ExtensionType::key_share)->body = msg::encode_key_share_server({0x001d, Bytes(32, 0)}); }), Alert::illegal_parameter, {}},
        {"sh_at_handshake_epoch", 1, [](Flight& f) { f[0].epoch = Epoch::handshake; }, Alert::unexpected_message, {}},
        {"ee_at_initial_epoch", 1, [](Flight& f) { f[1].epoch = Epoch::initial; }, Alert::unexpected_message, {}},
        {"ee_missing", 1, [](Flight& f) { f.erase(f.begin() + 1); }, Alert::unexpected_message, {}},
        {"ee_unsolicited_alpn", 1, edit_ee([](auto& m) { add(m.extensions, 16, msg::encode_alpn({"h2"})); }), Alert::unsupported_extension, {}},
        {"ee_alpn_not_offered", 1, edit_ee([](auto& m) { ext(m.extensions, ExtensionType::alpn)->body = msg::encode_alpn({"other"}); }), Alert::illegal_parameter,
         {[](ClientConfig& cc, ClientOptions&, ServerConfig& sc, ServerOptions&) { cc.alpn = {"h2"}; sc.alpn = {"h2"}; }}},
        {"ee_alpn_two_names", 1, edit_ee([](auto& m) { ext(m.extensions, ExtensionType::alpn)->body = msg::encode_alpn({"h2", "h2c"}); }), Alert::decode_error,
         {[](ClientConfig& cc, ClientOptions&, ServerConfig& sc, ServerOptions&) { cc.alpn = {"h2"}; sc.alpn = {"h2"}; }}},
        {"ee_key_share_not_allowed", 1, edit_ee([](auto& m) { add(m.extensions, 51, {0, 0x1d, 0, 1, 1}); }), Alert::illegal_parameter, {}},
        {"ee_quic_no_transport_params", 1, edit_ee([](auto& m) { drop(m.extensions, ExtensionType::quic_transport_parameters); }), Alert::missing_extension, quic_setup()},
        {"certificate_empty", 1, edit<msg::Certificate>(HandshakeType::certificate, [](auto& m) { m.entries.clear(); }), Alert::decode_error, {}},
        {"certificate_with_context", 1, edit<msg::Certificate>(HandshakeType::certificate, [](auto& m) { m.context = {1}; }), Alert::illegal_parameter, {}},
        {"certificate_garbage_der", 1, edit<msg::Certificate>(HandshakeType::certificate, [](auto& m) { m.entries[0].data = {0x30, 0x03, 1, 2, 3}; }), Alert::bad_certificate, {}},
        {"certificate_request_with_context", 1, edit<msg::CertificateRequest>(HandshakeType::certificate_request, [](auto& m) { m.context = {1}; }), Alert::illegal_parameter, client_auth_setup()},
        {"certificate_verify_bad_signature", 1, raw(HandshakeType::certificate_verify, [](Bytes& m) { m.back() ^= 1; }), Alert::decrypt_error, {}},
        {"certificate_verify_scheme_not_offered", 1, edit<msg::CertificateVerify>(HandshakeType::certificate_verify, [](auto& m) { m.scheme = 0x0401; }), Alert::illegal_parameter, {}},
        {"certificate_verify_wrong_key_type", 1, edit<msg::CertificateVerify>(HandshakeType::certificate_verify, [](auto& m) { m.scheme = 0x0807; }), Alert::illegal_parameter, {}},
        {"certificate_verify_missing", 1, [](Flight& f) { std::erase_if(f, [](const WireMessage& w) { return w.type() == HandshakeType::certificate_verify; }); }, Alert::unexpected_message, {}},
        {"server_finished_bad", 1, raw(HandshakeType::finished, [](Bytes& m) { m.back() ^= 0x80; }), Alert::decrypt_error, {}},
        {"server_finished_short", 1, raw(HandshakeType::finished, [](Bytes& m) { m.pop_back(); fix_length(m); }), Alert::decode_error, {}},
        {"hrr_twice", 1, [](Flight& f) { f.push_back(f.front()); }, Alert::unexpected_message, hrr_setup()},
        {"hrr_for_offered_group", 1, edit_sh([](auto& m) { ext(m.extensions, ExtensionType::key_share)->body = msg::encode_key_share_hrr(0x001d); }), Alert::illegal_parameter, hrr_setup()},
        {"hrr_without_change", 1, edit_sh([](auto& m) { drop(m.extensions, ExtensionType::key_share); drop(m.extensions, ExtensionType::cookie); }), Alert::illegal_parameter, hrr_setup()},
        {"hrr_group_not_supported", 1, edit_sh([](auto& m) { ext(m.extensions, ExtensionType::key_share)->body = msg::encode_key_share_hrr(0x0019); }), Alert::illegal_parameter, hrr_setup()},
        // ---- the client's second flight, at the server
        {"client_finished_bad", 2, raw(HandshakeType::finished, [](Bytes& m) { m[10] ^= 1; }), Alert::decrypt_error, {}},
        {"client_finished_long", 2, raw(HandshakeType::finished, [](Bytes& m) { m.push_back(0); fix_length(m); }), Alert::decode_error, {}},
        {"client_finished_at_initial_epoch", 2, [](Flight& f) { f.back().epoch = Epoch::initial; }, Alert::unexpected_message, {}},
        {"client_second_client_hello", 2, [](Flight& f) { f.front().bytes = {1, 0, 0, 0}; }, Alert::unexpected_message, {}},
        {"client_certificate_missing", 2, edit<msg::Certificate>(HandshakeType::certificate, [](auto& m) { m.entries.clear(); }), Alert::certificate_required, client_auth_setup()},
        {"client_certificate_verify_bad", 2, raw(HandshakeType::certificate_verify, [](Bytes& m) { m.back() ^= 1; }), Alert::decrypt_error, client_auth_setup()},
        {"client_certificate_untrusted", 2, edit<msg::Certificate>(HandshakeType::certificate, [](auto& m) { m.entries[0].data = test_pki().untrusted()->chain[0]; }), Alert::unknown_ca, client_auth_setup()},
        {"client_certificate_verify_skipped", 2, [](Flight& f) { std::erase_if(f, [](const WireMessage& w) { return w.type() == HandshakeType::certificate_verify; }); }, Alert::unexpected_message, client_auth_setup()},
        {"client_unrequested_certificate", 2, [](Flight& f) { f.insert(f.begin(), WireMessage{Epoch::handshake, {11, 0, 0, 4, 0, 0, 0, 0}}); }, Alert::unexpected_message, {}},
    };
    return table;
}

class MalformedHandshake : public ::testing::TestWithParam<std::size_t> {};

TEST_P(MalformedHandshake, EndsWithTheRequiredAlert) {
    const Case& c = cases()[GetParam()];
    auto alert = play(c.flight, c.mutate, c.setup);
    ASSERT_TRUE(alert.has_value()) << c.name << ": the engine accepted the input";
    EXPECT_EQ(to_string(*alert), to_string(c.expected)) << c.name;
}

INSTANTIATE_TEST_SUITE_P(Table, MalformedHandshake, ::testing::Range<std::size_t>(0, cases().size()),
                         [](const auto& info) { return std::string(cases()[info.param].name); });

// The unmodified flights complete for every setup the table uses.
TEST(MalformedHandshake, BaselinesComplete) {
    for (const Scenario& s : {Scenario{}, quic_setup(), hrr_setup(), client_auth_setup()})
        EXPECT_FALSE(play(-1, [](Flight&) {}, s).has_value());
}

// After an error, every later call fails with the same alert.
TEST(MalformedHandshake, ErrorIsSticky) {
    auto cc = std::make_shared<ClientConfig>();
    cc->verifier = test_pki().verifier();
    auto c = Engine::client(cc, {"localhost", Transport::tcp, {}});
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE((*c)->start().ok());
    Bytes junk = {2, 0, 0, 1, 0};
    auto first = (*c)->provide(Epoch::initial, junk);
    ASSERT_FALSE(first.ok());
    auto second = (*c)->provide(Epoch::initial, junk);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(first.error().alert, second.error().alert);
}

}  // namespace
}  // namespace qtls::test
