// Malformed and misplaced handshake input through quic::Session (RFC 9001):
// a real client and server exchange CRYPTO data per encryption level; one
// flight is altered (a message moved to the wrong level, a message QUIC
// forbids, a missing or extra extension) and the receiver must end with the
// alert RFC 9001 / RFC 8446 require, as CRYPTO_ERROR 0x100 + alert (§4.8),
// without ever deriving 1-RTT keys from the altered handshake.
#include <gtest/gtest.h>

#include <functional>

#include "msg/msg.h"
#include "qtls/quic.h"
#include "support/flight_mutators.h"
#include "support/test_pki.h"

namespace qtls::quic {
namespace {

using msg::ExtensionType;
using msg::HandshakeType;
using test::KeyType;
using test::test_pki;

const Bytes kClientTp = {0x01, 0x02, 0x03};
const Bytes kServerTp = {0x04, 0x05, 0x06, 0x07};

struct Message {
    Level level;
    Bytes bytes;
    HandshakeType type() const { return static_cast<HandshakeType>(bytes.at(0)); }
};
using Flight = std::vector<Message>;

enum FlightIndex : int {
    kClientInitial = 0,    // ClientHello
    kServerFlight = 1,     // ServerHello | EE, Certificate, CertificateVerify, Finished
    kClientFinished = 2,   // Finished
    kAfterHandshake = 3,   // nothing is sent: cases add 1-RTT CRYPTO data for the client
    kAfterHandshakeS = 4,  // the same for the server
};

// Whole messages from every level the session has pending.
Flight take(Session& s) {
    Flight out;
    for (Level level : {Level::initial, Level::early_data, Level::handshake, Level::application}) {
        const ByteView data = s.pending_crypto(level);
        test::split_messages(out, level, data);
        s.consume(level, data.size());
    }
    return out;
}

struct Setup {
    std::function<void(ClientConfig&, ServerConfig&)> configure;
};

struct Outcome {
    std::optional<Alert> alert;
    std::uint64_t crypto_error = 0;
    bool complete = false;
    bool application_read_secret = false;
    bool sticky = false;
};

using Mutator = std::function<void(Flight&)>;

Outcome play(int target, const Mutator& mutate, const Setup& setup = {}) {
    auto cc = std::make_shared<ClientConfig>();
    auto sc = std::make_shared<ServerConfig>();
    cc->verifier = test_pki().verifier();
    cc->alpn = {"h3"};
    sc->cert_resolver = single_cert_resolver(test_pki().leaf(KeyType::ecdsa_p256));
    sc->alpn = {"h3"};
    if (setup.configure) setup.configure(*cc, *sc);
    auto c = Session::client(cc, {"localhost", kClientTp});
    auto s = Session::server(sc, {kServerTp, {}});
    Outcome o;
    if (!c.ok() || !s.ok()) {
        ADD_FAILURE() << "cannot create the sessions";
        return o;
    }
    EXPECT_TRUE((*c)->start().ok());
    for (int flight = 0; flight <= target; ++flight) {
        const bool to_server = flight % 2 == 0;
        Session& from = to_server ? **c : **s;
        Session& to = to_server ? **s : **c;
        Flight msgs = take(from);
        if (flight == target) mutate(msgs);
        Status st;
        for (const auto& m : msgs) {
            st = to.provide_crypto_data(m.level, m.bytes);
            if (!st.ok()) break;
        }
        if (flight != target) {
            EXPECT_TRUE(st.ok()) << "flight " << flight << ": " << to.failure_reason();
            continue;
        }
        o.alert = to.alert();
        o.crypto_error = to.crypto_error_code();
        o.complete = to.handshake_complete();
        bool app_read = false;
        while (auto secret = to.next_secret())
            if (secret->level == Level::application && secret->direction == Direction::read) app_read = true;
        o.application_read_secret = app_read;
        const Bytes junk = {0};
        o.sticky = !to.provide_crypto_data(Level::initial, junk).ok() && to.alert() == o.alert;
    }
    return o;
}

// Generic mutators (edit_ch, append, ext, ...): support/flight_mutators.h.
using test::drop;
using test::edit_ch;
using test::edit_ee;
using test::edit_sh;
using test::ext;
using test::find;
using test::flip_last_byte;

// Typed here so that the tables can write the message as {level, bytes}.
Mutator append(Message extra) { return test::append(std::move(extra)); }
Mutator insert_before(HandshakeType t, Message extra) { return test::insert_before(t, std::move(extra)); }
Mutator move_to(HandshakeType t, Level level) {
    return [t, level](Flight& f) {
        if (Message* m = find(f, t)) m->level = level;
    };
}

const Bytes kKeyUpdate = {24, 0, 0, 1, 0};
const Bytes kEndOfEarlyData = {5, 0, 0, 0};
Bytes new_session_ticket(std::uint32_t max_early_data) {
    // lifetime, age_add, nonce<1>, ticket<2>, extensions<2> with early_data (§4.6.1).
    Bytes body = {0, 0, 0x1c, 0x20, 1, 2, 3, 4, 1, 0, 0, 2, 9, 9, 0, 8, 0, 42, 0, 4};
    for (int i = 3; i >= 0; --i) body.push_back(static_cast<std::uint8_t>(max_early_data >> (8 * i)));
    Bytes m = {4, 0, 0, static_cast<std::uint8_t>(body.size())};
    m.insert(m.end(), body.begin(), body.end());
    return m;
}

struct Case {
    const char* name;
    int flight;
    Mutator mutate;
    Alert expected;
    Setup setup = {};
};

const std::vector<Case>& cases() {
    static const std::vector<Case> table = {
        // RFC 9001 §4.1.3: each message at the level it belongs to, else unexpected_message.
        {"server_client_hello_at_handshake_level_unexpected_message", kClientInitial, move_to(HandshakeType::client_hello, Level::handshake), Alert::unexpected_message},
        {"server_client_hello_at_application_level_unexpected_message", kClientInitial, move_to(HandshakeType::client_hello, Level::application), Alert::unexpected_message},
        {"server_client_hello_at_early_data_level_unexpected_message", kClientInitial, move_to(HandshakeType::client_hello, Level::early_data), Alert::unexpected_message},
        {"client_server_hello_at_handshake_level_unexpected_message", kServerFlight, move_to(HandshakeType::server_hello, Level::handshake), Alert::unexpected_message},
        {"client_server_hello_at_application_level_unexpected_message", kServerFlight, move_to(HandshakeType::server_hello, Level::application), Alert::unexpected_message},
        {"client_encrypted_extensions_at_initial_level_unexpected_message", kServerFlight, move_to(HandshakeType::encrypted_extensions, Level::initial), Alert::unexpected_message},
        {"client_encrypted_extensions_at_application_level_unexpected_message", kServerFlight, move_to(HandshakeType::encrypted_extensions, Level::application), Alert::unexpected_message},
        {"client_certificate_at_initial_level_unexpected_message", kServerFlight, move_to(HandshakeType::certificate, Level::initial), Alert::unexpected_message},
        {"client_server_finished_at_application_level_unexpected_message", kServerFlight, move_to(HandshakeType::finished, Level::application), Alert::unexpected_message},
        {"client_server_flight_at_early_data_level_unexpected_message", kServerFlight, move_to(HandshakeType::encrypted_extensions, Level::early_data), Alert::unexpected_message},
        {"server_client_finished_at_initial_level_unexpected_message", kClientFinished, move_to(HandshakeType::finished, Level::initial), Alert::unexpected_message},
        {"server_client_finished_at_application_level_unexpected_message", kClientFinished, move_to(HandshakeType::finished, Level::application), Alert::unexpected_message},
        {"server_client_finished_at_early_data_level_unexpected_message", kClientFinished, move_to(HandshakeType::finished, Level::early_data), Alert::unexpected_message},
        {"server_second_client_hello_at_initial_level_unexpected_message", kClientFinished, insert_before(HandshakeType::finished, {Level::initial, {1, 0, 0, 0}}), Alert::unexpected_message},
        // RFC 8446 §5.1 (and RFC 9001 §4.1.3): no message spans a level change.
        {"client_server_hello_split_across_initial_and_handshake_unexpected_message", kServerFlight, [](Flight& f) {
             Message* sh = find(f, HandshakeType::server_hello);
             Bytes tail(sh->bytes.begin() + 20, sh->bytes.end());
             sh->bytes.resize(20);
             f.insert(f.begin() + 1, Message{Level::handshake, tail});
         }, Alert::unexpected_message},
        {"server_partial_client_hello_then_handshake_level_data_unexpected_message", kClientInitial, [](Flight& f) {
             Bytes tail(f[0].bytes.begin() + 30, f[0].bytes.end());
             f[0].bytes.resize(30);
             f.push_back(Message{Level::handshake, tail});
         }, Alert::unexpected_message},
        // RFC 9001 §6: QUIC replaces TLS KeyUpdate; receiving one is unexpected_message.
        {"client_tls_key_update_after_the_handshake_unexpected_message", kAfterHandshake, append({Level::application, kKeyUpdate}), Alert::unexpected_message},
        {"server_tls_key_update_after_the_handshake_unexpected_message", kAfterHandshakeS, append({Level::application, kKeyUpdate}), Alert::unexpected_message},
        {"client_tls_key_update_at_handshake_level_unexpected_message", kServerFlight, insert_before(HandshakeType::finished, {Level::handshake, kKeyUpdate}), Alert::unexpected_message},
        {"server_tls_key_update_at_handshake_level_unexpected_message", kClientFinished, insert_before(HandshakeType::finished, {Level::handshake, kKeyUpdate}), Alert::unexpected_message},
        // RFC 9001 §8.3: QUIC never sends EndOfEarlyData.
        {"server_end_of_early_data_at_handshake_level_unexpected_message", kClientFinished, insert_before(HandshakeType::finished, {Level::handshake, kEndOfEarlyData}), Alert::unexpected_message},
        {"server_end_of_early_data_at_early_data_level_unexpected_message", kClientFinished, insert_before(HandshakeType::finished, {Level::early_data, kEndOfEarlyData}), Alert::unexpected_message},
        {"client_end_of_early_data_in_server_flight_unexpected_message", kServerFlight, insert_before(HandshakeType::finished, {Level::handshake, kEndOfEarlyData}), Alert::unexpected_message},
        // RFC 9001 §8.2: quic_transport_parameters is mandatory, once.
        {"server_client_hello_without_transport_parameters_missing_extension", kClientInitial, edit_ch([](auto& m) { drop(m.extensions, ExtensionType::quic_transport_parameters); }), Alert::missing_extension},
        {"client_encrypted_extensions_without_transport_parameters_missing_extension", kServerFlight, edit_ee([](auto& m) { drop(m.extensions, ExtensionType::quic_transport_parameters); }), Alert::missing_extension},
        {"server_duplicate_transport_parameters_illegal_parameter", kClientInitial, edit_ch([](auto& m) { m.extensions.push_back(*ext(m.extensions, ExtensionType::quic_transport_parameters)); }), Alert::illegal_parameter},
        {"client_duplicate_transport_parameters_in_encrypted_extensions_illegal_parameter", kServerFlight, edit_ee([](auto& m) { m.extensions.push_back(*ext(m.extensions, ExtensionType::quic_transport_parameters)); }), Alert::illegal_parameter},
        {"client_transport_parameters_in_server_hello_illegal_parameter", kServerFlight, edit_sh([](auto& m) { m.extensions.push_back({static_cast<std::uint16_t>(ExtensionType::quic_transport_parameters), kServerTp}); }), Alert::illegal_parameter},
        // RFC 9001 §8.1: ALPN is mandatory; a mismatch is no_application_protocol (0x178).
        {"server_alpn_mismatch_no_application_protocol", kClientInitial, [](Flight&) {}, Alert::no_application_protocol,
         {[](ClientConfig&, ServerConfig& sc) { sc.alpn = {"hq-interop"}; }}},
        {"server_client_hello_without_alpn_no_application_protocol", kClientInitial, edit_ch([](auto& m) { drop(m.extensions, ExtensionType::alpn); }), Alert::no_application_protocol},
        {"client_encrypted_extensions_without_alpn_no_application_protocol", kServerFlight, edit_ee([](auto& m) { drop(m.extensions, ExtensionType::alpn); }), Alert::no_application_protocol},
        {"client_alpn_not_offered_illegal_parameter", kServerFlight, edit_ee([](auto& m) { ext(m.extensions, ExtensionType::alpn)->body = msg::encode_alpn({"h2"}); }), Alert::illegal_parameter},
        // RFC 9001 §8.4: no middlebox compatibility mode in QUIC.
        {"server_client_hello_with_compat_session_id_illegal_parameter", kClientInitial, edit_ch([](auto& m) { m.legacy_session_id.assign(32, 0x5a); }), Alert::illegal_parameter},
        {"client_server_hello_echoes_a_session_id_never_sent_illegal_parameter", kServerFlight, edit_sh([](auto& m) { m.legacy_session_id_echo.assign(32, 0x5a); }), Alert::illegal_parameter},
        // Authentication failures arrive as CRYPTO_ERROR too (RFC 8446 §4.4.3, §4.4.4).
        {"client_bad_server_finished_decrypt_error", kServerFlight, flip_last_byte(HandshakeType::finished), Alert::decrypt_error},
        {"client_bad_certificate_verify_decrypt_error", kServerFlight, flip_last_byte(HandshakeType::certificate_verify), Alert::decrypt_error},
        {"server_bad_client_finished_decrypt_error", kClientFinished, flip_last_byte(HandshakeType::finished), Alert::decrypt_error},
        {"client_missing_certificate_verify_unexpected_message", kServerFlight, [](Flight& f) {
             std::erase_if(f, [](const Message& m) { return m.type() == HandshakeType::certificate_verify; });
         }, Alert::unexpected_message},
        // Post-handshake messages QUIC does not allow, or not at that level.
        {"client_new_session_ticket_inside_the_server_flight_unexpected_message", kServerFlight, insert_before(HandshakeType::finished, {Level::handshake, new_session_ticket(0)}), Alert::unexpected_message},
        {"client_new_session_ticket_with_max_early_data_not_0xffffffff_illegal_parameter", kAfterHandshake, append({Level::application, new_session_ticket(16384)}), Alert::illegal_parameter,
         {[](ClientConfig& cc, ServerConfig&) { cc.session_store = memory_session_store(); }}},
        {"client_post_handshake_certificate_request_unexpected_message", kAfterHandshake, append({Level::application, {13, 0, 0, 11, 1, 7, 0, 6, 0, 13, 0, 2, 0, 2, 4}}), Alert::unexpected_message},
        {"server_finished_again_after_the_handshake_unexpected_message", kAfterHandshakeS, [](Flight& f) {
             Bytes fin = {20, 0, 0, 32};
             fin.resize(36, 0);
             f.push_back({Level::application, fin});
         }, Alert::unexpected_message},
        {"client_handshake_level_data_after_the_handshake_unexpected_message", kAfterHandshake, append({Level::handshake, {20, 0, 0, 32}}), Alert::unexpected_message},
    };
    return table;
}

class QuicMalformed : public ::testing::TestWithParam<std::size_t> {};

TEST_P(QuicMalformed, EndsWithCryptoErrorOfTheRequiredAlert) {
    const Case& c = cases()[GetParam()];
    const Outcome o = play(c.flight, c.mutate, c.setup);
    ASSERT_TRUE(o.alert.has_value()) << "the session accepted the input";
    EXPECT_EQ(to_string(*o.alert), to_string(c.expected));
    EXPECT_EQ(o.crypto_error, crypto_error_code(c.expected));
    EXPECT_TRUE(o.sticky) << "every later call fails the same way";
    // Before the handshake completes, no 1-RTT read key may come out of it.
    if (c.flight < kAfterHandshake) {
        EXPECT_FALSE(o.complete);
        EXPECT_FALSE(o.application_read_secret) << "a 1-RTT read key from a rejected handshake";
    }
}

INSTANTIATE_TEST_SUITE_P(Table, QuicMalformed, ::testing::Range<std::size_t>(0, cases().size()),
                         [](const auto& info) { return std::string(cases()[info.param].name); });

// Every prefix of the server's flight leaves the client waiting: no error,
// no completion, no 1-RTT read key (the CRYPTO stream has no end of stream;
// QUIC's idle timeout ends such a connection).
TEST(QuicMalformed, EveryPrefixOfTheServerFlightLeavesTheClientWaiting) {
    auto cc = std::make_shared<ClientConfig>();
    auto sc = std::make_shared<ServerConfig>();
    cc->verifier = test_pki().verifier();
    cc->alpn = {"h3"};
    sc->cert_resolver = single_cert_resolver(test_pki().leaf(KeyType::ecdsa_p256));
    sc->alpn = {"h3"};
    auto c = Session::client(cc, {"localhost", kClientTp});
    auto s = Session::server(sc, {kServerTp, {}});
    ASSERT_TRUE(c.ok() && s.ok());
    ASSERT_TRUE((*c)->start().ok());
    for (const auto& m : take(**c)) ASSERT_TRUE((*s)->provide_crypto_data(m.level, m.bytes).ok());
    const Flight server = take(**s);
    // One level at a time: Initial (ServerHello), then Handshake.
    Bytes initial, handshake;
    for (const auto& m : server) (m.level == Level::initial ? initial : handshake).insert((m.level == Level::initial ? initial : handshake).end(), m.bytes.begin(), m.bytes.end());
    ASSERT_TRUE((*c)->provide_crypto_data(Level::initial, initial).ok());
    auto& client = **c;
    // Feed the Handshake bytes one at a time and check the state after each.
    for (std::size_t n = 0; n + 1 < handshake.size(); ++n) {
        ASSERT_TRUE(client.provide_crypto_data(Level::handshake, ByteView(&handshake[n], 1)).ok()) << n;
        ASSERT_FALSE(client.handshake_complete()) << n;
        ASSERT_FALSE(client.has_secret(Level::application, Direction::read)) << n;
        ASSERT_FALSE(client.alert().has_value()) << n;
    }
    ASSERT_TRUE(client.provide_crypto_data(Level::handshake, ByteView(&handshake.back(), 1)).ok());
    EXPECT_TRUE(client.handshake_complete());
}

// RFC 9000 §7.5, §20.1: CRYPTO data too far ahead is CRYPTO_BUFFER_EXCEEDED.
TEST(QuicMalformed, CryptoFrameBeyondTheBufferBoundIsCryptoBufferExceeded) {
    auto sc = std::make_shared<ServerConfig>();
    sc->cert_resolver = single_cert_resolver(test_pki().leaf(KeyType::ecdsa_p256));
    sc->alpn = {"h3"};
    auto s = Session::server(sc, {kServerTp, {}});
    ASSERT_TRUE(s.ok());
    const Bytes one = {1};
    EXPECT_TRUE((*s)->provide_crypto_frame(Level::initial, kMaxBufferedCryptoData - 1, one).ok());
    EXPECT_FALSE((*s)->provide_crypto_frame(Level::initial, kMaxBufferedCryptoData, one).ok());
}

}  // namespace
}  // namespace qtls::quic
