// Malformed input at the TLS record layer over TCP (RFC 8446 §5, §6): a real
// qtls client and server talk through a man in the middle (support/record_tap)
// that opens their records with their own traffic secrets, alters one flight
// and seals it again. Each case names the receiving role, what is wrong and
// the alert RFC 8446 requires; every case also checks that the receiver
// answered with exactly that alert (or with nothing, after a peer's alert)
// and that no application data was delivered that was not authentic.
#include <gtest/gtest.h>

#include <functional>

#include "qtls/record.h"
#include "support/record_tap.h"
#include "support/test_pki.h"

namespace qtls::test {
namespace {

using record::CloseState;
using record::Connection;
using record::ContentType;
using record::kMaxCiphertextFragment;
using record::kMaxInnerPlaintext;
using record::kMaxPlaintextFragment;

// The flights of a compatibility-mode handshake (RFC 8446 §D.4), then one
// application data record each way.
enum FlightIndex : int {
    kClientHello = 0,     // client -> server: ClientHello
    kServerFlight = 1,    // server -> client: ServerHello, CCS, {EE, Certificate, CertificateVerify, Finished}
    kClientFinished = 2,  // client -> server: CCS, {Finished}
    kServerData = 3,      // server -> client: [application data]
    kClientData = 4,      // client -> server: [application data]
};
constexpr int kFlightCount = 5;

const Bytes kServerPayload = {'s', 'e', 'r', 'v', 'e', 'r', ' ', 'd', 'a', 't', 'a'};
const Bytes kClientPayload = {'c', 'l', 'i', 'e', 'n', 't', ' ', 'd', 'a', 't', 'a'};

using Records = std::vector<TapRecord>;
using Wire = std::vector<Bytes>;  // one sealed record per element

struct Mutation {
    std::function<void(Records&)> records;  // on opened records
    std::function<void(Wire&)> wire;        // then on the sealed bytes
};

struct Outcome {
    bool failed = false;
    std::optional<Error> error;
    std::optional<Alert> peer_alert;
    CloseState state = CloseState::open;
    bool handshake_complete = false;
    Bytes delivered;
    Records answer;  // what the receiver sent after the altered flight, opened
    bool write_refused = false;
};

// Hands `bytes` to `to` and processes them; stops at the first error.
Status feed(Connection& to, ByteView bytes) {
    std::size_t off = 0;
    while (off < bytes.size()) {
        auto took = to.read_tls(bytes.subspan(off));
        if (!took) return took.error();
        off += *took;
        QTLS_TRY(to.process());
        if (*took == 0) break;
    }
    return {};
}

Bytes read_everything(Connection& c) {
    Bytes out;
    std::uint8_t buf[4096];
    for (int i = 0; i < 64; ++i) {
        auto n = c.read(buf);
        if (!n.ok() || *n == 0) break;
        out.insert(out.end(), buf, buf + *n);
    }
    return out;
}

struct Pair {
    std::shared_ptr<MemoryKeyLog> client_keys = std::make_shared<MemoryKeyLog>();
    std::shared_ptr<MemoryKeyLog> server_keys = std::make_shared<MemoryKeyLog>();
    std::optional<Connection> client, server;
    std::unique_ptr<RecordTap> from_client, from_server;

    Pair() {
        auto cc = std::make_shared<ClientConfig>();
        auto sc = std::make_shared<ServerConfig>();
        cc->verifier = test_pki().verifier();
        cc->keylog = client_keys;
        sc->cert_resolver = single_cert_resolver(test_pki().leaf(KeyType::ecdsa_p256));
        sc->keylog = server_keys;
        auto c = Connection::client(cc, ClientOptions{"localhost", Transport::tcp, {}});
        auto s = Connection::server(sc);
        if (!c.ok() || !s.ok()) {
            ADD_FAILURE() << "cannot create the connections";
            return;
        }
        client.emplace(std::move(c).value());
        server.emplace(std::move(s).value());
        from_client = std::make_unique<RecordTap>(Side::client, client_keys, default_provider());
        from_server = std::make_unique<RecordTap>(Side::server, server_keys, default_provider());
    }

    // The flight's sender, receiver and the taps of both directions.
    Connection& sender(int flight) { return flight % 2 == 0 ? *client : *server; }
    Connection& receiver(int flight) { return flight % 2 == 0 ? *server : *client; }
    RecordTap& tap(int flight) { return flight % 2 == 0 ? *from_client : *from_server; }
    RecordTap& back_tap(int flight) { return flight % 2 == 0 ? *from_server : *from_client; }

    // The sender's next flight, opened.
    Records take(int flight) {
        Connection& from = sender(flight);
        if (flight == kServerData) { EXPECT_TRUE(server->write(kServerPayload).ok()); }
        if (flight == kClientData) { EXPECT_TRUE(client->write(kClientPayload).ok()); }
        Bytes wire(from.pending_tls().begin(), from.pending_tls().end());
        from.consume_tls(wire.size());
        return tap(flight).open(wire, from.negotiated().suite);
    }
    Wire seal(int flight, const Records& records) {
        Wire out;
        for (const auto& r : records) out.push_back(tap(flight).seal(r, sender(flight).negotiated().suite));
        return out;
    }
};

Bytes concat(const Wire& w) {
    Bytes out;
    for (const auto& b : w) out.insert(out.end(), b.begin(), b.end());
    return out;
}

// Plays the handshake and one data record each way; flight `target` is
// altered before delivery, and the receiver's state right after it is the
// outcome.
Outcome play(int target, const Mutation& m) {
    Pair p;
    Outcome o;
    if (!p.client) return o;
    EXPECT_TRUE(p.client->start().ok());
    for (int flight = 0; flight < kFlightCount; ++flight) {
        Records records = p.take(flight);
        if (flight == target && m.records) m.records(records);
        Wire wire = p.seal(flight, records);
        if (flight == target && m.wire) m.wire(wire);
        Connection& to = p.receiver(flight);
        Status st = feed(to, concat(wire));
        if (flight != target) {
            EXPECT_TRUE(st.ok()) << "flight " << flight << ": " << st.error().what;
            if (flight == kServerData) { EXPECT_EQ(read_everything(to), kServerPayload); }
            if (flight == kClientData) { EXPECT_EQ(read_everything(to), kClientPayload); }
            continue;
        }
        o.failed = !st.ok();
        o.error = to.error();
        o.peer_alert = to.peer_alert();
        o.state = to.close_state();
        o.handshake_complete = to.handshake_complete();
        o.delivered = read_everything(to);
        Bytes answer(to.pending_tls().begin(), to.pending_tls().end());
        o.answer = p.back_tap(flight).open(answer, to.negotiated().suite);
        const std::uint8_t probe[] = {'x'};
        o.write_refused = !to.write(probe).ok();
        break;
    }
    return o;
}

// ---- record builders and mutation helpers

TapRecord plain(ContentType type, Bytes content) {
    TapRecord r;
    r.type = type;
    r.content = std::move(content);
    return r;
}
TapRecord sealed(ContentType type, Bytes content, Epoch epoch) {
    TapRecord r = plain(type, std::move(content));
    r.is_protected = true;
    r.epoch = epoch;
    return r;
}
TapRecord raw_record(Bytes bytes) {
    TapRecord r;
    r.raw = std::move(bytes);
    return r;
}
Bytes header(std::uint8_t type, std::size_t length) {
    return {type, 3, 3, static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length)};
}
// A record whose header claims `length` bytes and carries that many.
Bytes oversized(std::uint8_t type, std::size_t length) {
    Bytes b = header(type, length);
    b.resize(b.size() + length, 0x41);
    return b;
}

// Index of the first record of `type` (protected or not as asked).
std::size_t index_of(const Records& r, ContentType type, bool is_protected) {
    for (std::size_t i = 0; i < r.size(); ++i)
        if (r[i].type == type && r[i].is_protected == is_protected && !r[i].raw) return i;
    ADD_FAILURE() << "flight has no such record";
    return 0;
}
// The flight's main record: its protected handshake or data record, or the
// plaintext hello.
std::size_t main_index(const Records& r, int flight) {
    switch (flight) {
        case kClientHello: return index_of(r, ContentType::handshake, false);
        case kServerData:
        case kClientData: return index_of(r, ContentType::application_data, true);
        default: return index_of(r, ContentType::handshake, true);
    }
}
Epoch epoch_of(int flight) { return flight >= kServerData ? Epoch::application : Epoch::handshake; }

Mutation before_main(std::function<TapRecord(int)> make, int flight) {
    return {[make, flight](Records& r) { r.insert(r.begin() + static_cast<std::ptrdiff_t>(main_index(r, flight)), make(flight)); }, {}};
}
Mutation insert_at(std::size_t index, TapRecord rec) {
    return {[index, rec](Records& r) { r.insert(r.begin() + static_cast<std::ptrdiff_t>(index), rec); }, {}};
}
Mutation edit_main(int flight, std::function<void(TapRecord&)> fn) {
    return {[flight, fn](Records& r) { fn(r[main_index(r, flight)]); }, {}};
}
// Splits the main record's content in two records with `between` inserted.
Mutation split_main(int flight, std::function<TapRecord(int)> between) {
    return {[flight, between](Records& r) {
                const std::size_t i = main_index(r, flight);
                TapRecord second = r[i];
                const std::size_t half = r[i].content.size() / 2;
                r[i].content.resize(half);
                second.content.erase(second.content.begin(), second.content.begin() + static_cast<std::ptrdiff_t>(half));
                r.insert(r.begin() + static_cast<std::ptrdiff_t>(i) + 1, second);
                r.insert(r.begin() + static_cast<std::ptrdiff_t>(i) + 1, between(flight));
            },
            {}};
}
// Byte surgery on the sealed main record.
Mutation wire_main(int flight, std::function<void(Bytes&)> fn) {
    auto index = std::make_shared<std::size_t>(0);
    return {[index, flight](Records& r) { *index = main_index(r, flight); }, [index, fn](Wire& w) { fn(w[*index]); }};
}

// The sealed main record sent twice (a replay, §5.3).
Mutation duplicate_main(int flight) {
    auto index = std::make_shared<std::size_t>(0);
    return {[index, flight](Records& r) { *index = main_index(r, flight); },
            [index](Wire& w) { w.insert(w.begin() + static_cast<std::ptrdiff_t>(*index) + 1, w[*index]); }};
}

// ---- the table

struct Case {
    std::string name;  // receiver_..._alert
    int flight;
    Mutation mutation;
    std::optional<Alert> expected;  // nullopt: the input is legal and must be accepted
    bool from_peer = false;         // the alert is the peer's: none is sent back
};

// The receiving role, for case names.
std::string who(int flight) { return flight % 2 == 0 ? "server" : "client"; }
std::string where(int flight) {
    static const char* names[] = {"client_hello", "server_flight", "client_finished", "server_data", "client_data"};
    return names[flight];
}

std::vector<Case> build_cases() {
    std::vector<Case> t;
    const int handshake_flights[] = {kServerFlight, kClientFinished};
    const int protected_flights[] = {kServerFlight, kClientFinished, kServerData, kClientData};
    const int data_flights[] = {kServerData, kClientData};
    const int plaintext_flights[] = {kClientHello, kServerFlight};  // where unprotected records are expected

    // RFC 8446 §5.1, §5.2, §5.4: oversized records are record_overflow.
    for (int f : plaintext_flights) {
        t.push_back({who(f) + "_plaintext_handshake_record_over_2pow14_in_" + where(f) + "_record_overflow", f,
                     before_main([](int) { return raw_record(oversized(22, kMaxPlaintextFragment + 1)); }, f), Alert::record_overflow});
        t.push_back({who(f) + "_alert_record_over_2pow14_in_" + where(f) + "_record_overflow", f,
                     before_main([](int) { return raw_record(oversized(21, kMaxPlaintextFragment + 1)); }, f), Alert::record_overflow});
        t.push_back({who(f) + "_change_cipher_spec_record_over_2pow14_in_" + where(f) + "_record_overflow", f,
                     before_main([](int) { return raw_record(oversized(20, kMaxPlaintextFragment + 1)); }, f), Alert::record_overflow});
    }
    for (int f : protected_flights) {
        t.push_back({who(f) + "_ciphertext_over_2pow14_plus_256_in_" + where(f) + "_record_overflow", f,
                     before_main([](int) { return raw_record(oversized(23, kMaxCiphertextFragment + 1)); }, f), Alert::record_overflow});
        t.push_back({who(f) + "_inner_plaintext_over_2pow14_plus_1_in_" + where(f) + "_record_overflow", f,
                     edit_main(f, [](TapRecord& r) { r.padding = kMaxInnerPlaintext + 1 - r.content.size() - 1; }), Alert::record_overflow});
        t.push_back({who(f) + "_inner_plaintext_of_exactly_2pow14_plus_1_in_" + where(f) + "_accepted", f,
                     edit_main(f, [](TapRecord& r) { r.padding = kMaxInnerPlaintext - r.content.size() - 1; }), std::nullopt});
    }
    // §5.1: zero-length handshake and alert fragments are forbidden; zero-length
    // application data is allowed.
    for (int f : plaintext_flights) {
        t.push_back({who(f) + "_empty_plaintext_handshake_record_in_" + where(f) + "_unexpected_message", f,
                     before_main([](int) { return plain(ContentType::handshake, {}); }, f), Alert::unexpected_message});
        t.push_back({who(f) + "_empty_plaintext_alert_record_in_" + where(f) + "_unexpected_message", f,
                     before_main([](int) { return plain(ContentType::alert, {}); }, f), Alert::unexpected_message});
        t.push_back({who(f) + "_one_byte_plaintext_alert_in_" + where(f) + "_decode_error", f,
                     before_main([](int) { return plain(ContentType::alert, {2}); }, f), Alert::decode_error});
        t.push_back({who(f) + "_three_byte_plaintext_alert_in_" + where(f) + "_decode_error", f,
                     before_main([](int) { return plain(ContentType::alert, {2, 40, 0}); }, f), Alert::decode_error});
        t.push_back({who(f) + "_unknown_outer_content_type_24_in_" + where(f) + "_unexpected_message", f,
                     before_main([](int) { return raw_record(Bytes{24, 3, 3, 0, 1, 1}); }, f), Alert::unexpected_message});
        t.push_back({who(f) + "_record_version_0x0302_in_" + where(f) + "_protocol_version", f,
                     edit_main(f, [](TapRecord& r) { r.version = 0x0302; }), Alert::protocol_version});
        t.push_back({who(f) + "_unprotected_application_data_before_keys_in_" + where(f) + "_unexpected_message", f,
                     {[](Records& r) {
                          const std::size_t hello = index_of(r, ContentType::handshake, false);
                          r.insert(r.begin() + static_cast<std::ptrdiff_t>(hello), raw_record(Bytes{23, 3, 3, 0, 2, 'h', 'i'}));
                      },
                      {}},
                     Alert::unexpected_message});
    }
    for (int f : protected_flights) {
        t.push_back({who(f) + "_empty_protected_handshake_fragment_in_" + where(f) + "_unexpected_message", f,
                     before_main([](int g) { return sealed(ContentType::handshake, {}, epoch_of(g)); }, f), Alert::unexpected_message});
        t.push_back({who(f) + "_empty_protected_alert_in_" + where(f) + "_unexpected_message", f,
                     before_main([](int g) { return sealed(ContentType::alert, {}, epoch_of(g)); }, f), Alert::unexpected_message});
        t.push_back({who(f) + "_one_byte_protected_alert_in_" + where(f) + "_decode_error", f,
                     before_main([](int g) { return sealed(ContentType::alert, {2}, epoch_of(g)); }, f), Alert::decode_error});
        t.push_back({who(f) + "_three_byte_protected_alert_in_" + where(f) + "_decode_error", f,
                     before_main([](int g) { return sealed(ContentType::alert, {2, 10, 0}, epoch_of(g)); }, f), Alert::decode_error});
        // §5.4: the type is the last non-zero byte; none at all is unexpected_message.
        t.push_back({who(f) + "_all_zero_inner_plaintext_without_type_in_" + where(f) + "_unexpected_message", f,
                     edit_main(f, [](TapRecord& r) { r.content.assign(r.content.size(), 0); r.omit_type = true; r.padding = 7; }),
                     Alert::unexpected_message});
        t.push_back({who(f) + "_unknown_inner_content_type_99_in_" + where(f) + "_unexpected_message", f,
                     edit_main(f, [](TapRecord& r) { r.type = static_cast<ContentType>(99); }), Alert::unexpected_message});
        // §5.2: any change to the ciphertext, tag or sequence is bad_record_mac.
        t.push_back({who(f) + "_flipped_tag_bit_in_" + where(f) + "_bad_record_mac", f,
                     wire_main(f, [](Bytes& b) { b.back() ^= 1; }), Alert::bad_record_mac});
        t.push_back({who(f) + "_flipped_ciphertext_bit_in_" + where(f) + "_bad_record_mac", f,
                     wire_main(f, [](Bytes& b) { b[5] ^= 0x80; }), Alert::bad_record_mac});
        t.push_back({who(f) + "_ciphertext_shorter_than_tag_in_" + where(f) + "_bad_record_mac", f,
                     before_main([](int) { return raw_record(Bytes{23, 3, 3, 0, 4, 1, 2, 3, 4}); }, f), Alert::bad_record_mac});
        t.push_back({who(f) + "_record_sealed_with_the_wrong_epoch_key_in_" + where(f) + "_bad_record_mac", f,
                     edit_main(f, [f](TapRecord& r) { r.epoch = epoch_of(f) == Epoch::handshake ? Epoch::application : Epoch::handshake; }),
                     Alert::bad_record_mac});
        t.push_back({who(f) + "_protected_record_version_0x0301_in_" + where(f) + "_protocol_version", f,
                     edit_main(f, [](TapRecord& r) { r.version = 0x0301; }), Alert::protocol_version});
        // §5: change_cipher_spec is never protected.
        t.push_back({who(f) + "_protected_change_cipher_spec_in_" + where(f) + "_unexpected_message", f,
                     before_main([](int g) { return sealed(ContentType::change_cipher_spec, {1}, epoch_of(g)); }, f), Alert::unexpected_message});
        // §6.2: a fatal alert from the peer ends the connection, unanswered.
        t.push_back({who(f) + "_reports_protected_fatal_alert_in_" + where(f) + "_handshake_failure", f,
                     before_main([](int g) { return sealed(ContentType::alert, {2, 40}, epoch_of(g)); }, f), Alert::handshake_failure, true});
        t.push_back({who(f) + "_reports_warning_level_error_alert_in_" + where(f) + "_as_fatal_bad_certificate", f,
                     before_main([](int g) { return sealed(ContentType::alert, {1, 42}, epoch_of(g)); }, f), Alert::bad_certificate, true});
    }
    // §5.1: a record that is not handshake inside a split handshake message.
    for (int f : handshake_flights) {
        t.push_back({who(f) + "_protected_alert_inside_a_split_handshake_message_in_" + where(f) + "_unexpected_message", f,
                     split_main(f, [](int) { return sealed(ContentType::alert, {1, 0}, Epoch::handshake); }), Alert::unexpected_message});
        t.push_back({who(f) + "_change_cipher_spec_inside_a_split_handshake_message_in_" + where(f) + "_unexpected_message", f,
                     split_main(f, [](int) { return plain(ContentType::change_cipher_spec, {1}); }), Alert::unexpected_message});
        t.push_back({who(f) + "_application_data_inside_a_split_handshake_message_in_" + where(f) + "_unexpected_message", f,
                     split_main(f, [](int) { return sealed(ContentType::application_data, {'x'}, Epoch::handshake); }), Alert::unexpected_message});
        // §2: application data never travels under handshake keys.
        t.push_back({who(f) + "_application_data_under_handshake_keys_in_" + where(f) + "_unexpected_message", f,
                     before_main([](int) { return sealed(ContentType::application_data, {'e', 'a', 'r', 'l', 'y'}, Epoch::handshake); }, f),
                     Alert::unexpected_message});
        t.push_back({who(f) + "_application_data_under_application_keys_before_finished_in_" + where(f) + "_bad_record_mac", f,
                     before_main([](int) { return sealed(ContentType::application_data, {'e', 'a', 'r', 'l', 'y'}, Epoch::application); }, f),
                     Alert::bad_record_mac});
        // §5.1: once keys are in use every handshake record is protected.
        t.push_back({who(f) + "_unprotected_handshake_after_keys_in_" + where(f) + "_unexpected_message", f,
                     edit_main(f, [](TapRecord& r) { r.is_protected = false; }), Alert::unexpected_message});
        // §D.4: change_cipher_spec is the single byte 0x01.
        t.push_back({who(f) + "_change_cipher_spec_value_2_in_" + where(f) + "_unexpected_message", f,
                     before_main([](int) { return plain(ContentType::change_cipher_spec, {2}); }, f), Alert::unexpected_message});
        t.push_back({who(f) + "_two_byte_change_cipher_spec_in_" + where(f) + "_unexpected_message", f,
                     before_main([](int) { return plain(ContentType::change_cipher_spec, {1, 1}); }, f), Alert::unexpected_message});
        t.push_back({who(f) + "_empty_change_cipher_spec_in_" + where(f) + "_unexpected_message", f,
                     before_main([](int) { return plain(ContentType::change_cipher_spec, {}); }, f), Alert::unexpected_message});
        t.push_back({who(f) + "_extra_change_cipher_spec_in_" + where(f) + "_accepted", f,
                     before_main([](int) { return plain(ContentType::change_cipher_spec, {1}); }, f), std::nullopt});
        t.push_back({who(f) + "_padded_handshake_record_in_" + where(f) + "_accepted", f,
                     edit_main(f, [](TapRecord& r) { r.padding = 300; }), std::nullopt});
        t.push_back({who(f) + "_handshake_split_into_one_byte_records_in_" + where(f) + "_accepted", f,
                     {[f](Records& r) {
                          const std::size_t i = main_index(r, f);
                          const TapRecord whole = r[i];
                          r.erase(r.begin() + static_cast<std::ptrdiff_t>(i));
                          for (std::size_t k = whole.content.size(); k-- > 0;) {
                              TapRecord one = whole;
                              one.content = {whole.content[k]};
                              r.insert(r.begin() + static_cast<std::ptrdiff_t>(i), one);
                          }
                      },
                      {}},
                     std::nullopt});
        t.push_back({who(f) + "_reports_plaintext_fatal_alert_in_" + where(f) + "_handshake_failure", f,
                     before_main([](int) { return plain(ContentType::alert, {2, 40}); }, f), Alert::handshake_failure, true});
    }
    // The hello itself split by another record type (§5.1).
    for (int f : plaintext_flights) {
        t.push_back({who(f) + "_alert_inside_a_split_hello_in_" + where(f) + "_unexpected_message", f,
                     {[f](Records& r) {
                          const std::size_t i = index_of(r, ContentType::handshake, false);
                          TapRecord second = r[i];
                          r[i].content.resize(10);
                          second.content.erase(second.content.begin(), second.content.begin() + 10);
                          r.insert(r.begin() + static_cast<std::ptrdiff_t>(i) + 1, second);
                          r.insert(r.begin() + static_cast<std::ptrdiff_t>(i) + 1, plain(ContentType::alert, {1, 0}));
                          (void)f;
                      },
                      {}},
                     Alert::unexpected_message});
        t.push_back({who(f) + "_change_cipher_spec_inside_a_split_hello_in_" + where(f) + "_unexpected_message", f,
                     {[](Records& r) {
                          const std::size_t i = index_of(r, ContentType::handshake, false);
                          TapRecord second = r[i];
                          r[i].content.resize(10);
                          second.content.erase(second.content.begin(), second.content.begin() + 10);
                          r.insert(r.begin() + static_cast<std::ptrdiff_t>(i) + 1, second);
                          r.insert(r.begin() + static_cast<std::ptrdiff_t>(i) + 1, plain(ContentType::change_cipher_spec, {1}));
                      },
                      {}},
                     Alert::unexpected_message});
        t.push_back({who(f) + "_hello_split_into_one_byte_records_in_" + where(f) + "_accepted", f,
                     {[](Records& r) {
                          const std::size_t i = index_of(r, ContentType::handshake, false);
                          const TapRecord whole = r[i];
                          r.erase(r.begin() + static_cast<std::ptrdiff_t>(i));
                          for (std::size_t k = whole.content.size(); k-- > 0;) {
                              TapRecord one = whole;
                              one.content = {whole.content[k]};
                              r.insert(r.begin() + static_cast<std::ptrdiff_t>(i), one);
                          }
                      },
                      {}},
                     std::nullopt});
    }
    t.push_back({"server_change_cipher_spec_before_client_hello_unexpected_message", kClientHello,
                 insert_at(0, plain(ContentType::change_cipher_spec, {1})), Alert::unexpected_message});
    t.push_back({"server_client_hello_record_version_0x0301_accepted", kClientHello,
                 edit_main(kClientHello, [](TapRecord& r) { r.version = 0x0301; }), std::nullopt});
    t.push_back({"server_reports_unknown_alert_description_before_client_hello_as_fatal", kClientHello,
                 insert_at(0, plain(ContentType::alert, {1, 200})), static_cast<Alert>(200), true});
    // After the handshake (§5, §4.6).
    for (int f : data_flights) {
        t.push_back({who(f) + "_change_cipher_spec_after_the_handshake_unexpected_message", f,
                     before_main([](int) { return plain(ContentType::change_cipher_spec, {1}); }, f), Alert::unexpected_message});
        t.push_back({who(f) + "_unprotected_alert_after_the_handshake_unexpected_message", f,
                     before_main([](int) { return plain(ContentType::alert, {2, 40}); }, f), Alert::unexpected_message});
        t.push_back({who(f) + "_unprotected_handshake_after_the_handshake_unexpected_message", f,
                     before_main([](int) { return plain(ContentType::handshake, {24, 0, 0, 1, 0}); }, f), Alert::unexpected_message});
        t.push_back({who(f) + "_replayed_data_record_bad_record_mac_after_delivering_the_original", f,
                     duplicate_main(f), Alert::bad_record_mac});
        t.push_back({who(f) + "_reordered_data_records_bad_record_mac", f,
                     {[f](Records& r) {
                          const std::size_t i = main_index(r, f);
                          TapRecord second = r[i];
                          second.content = {'!'};
                          r.insert(r.begin() + static_cast<std::ptrdiff_t>(i) + 1, second);
                      },
                      [](Wire& w) { std::swap(w[w.size() - 1], w[w.size() - 2]); }},
                     Alert::bad_record_mac});
        t.push_back({who(f) + "_key_update_with_request_value_2_illegal_parameter", f,
                     before_main([](int) { return sealed(ContentType::handshake, {24, 0, 0, 1, 2}, Epoch::application); }, f),
                     Alert::illegal_parameter});
        t.push_back({who(f) + "_key_update_with_two_byte_body_decode_error", f,
                     before_main([](int) { return sealed(ContentType::handshake, {24, 0, 0, 2, 0, 0}, Epoch::application); }, f),
                     Alert::decode_error});
        t.push_back({who(f) + "_client_hello_after_the_handshake_unexpected_message", f,
                     before_main([](int) { return sealed(ContentType::handshake, {1, 0, 0, 0}, Epoch::application); }, f),
                     Alert::unexpected_message});
        t.push_back({who(f) + "_finished_after_the_handshake_unexpected_message", f,
                     before_main([](int) {
                         Bytes finished = {20, 0, 0, 32};
                         finished.resize(36, 0);
                         return sealed(ContentType::handshake, finished, Epoch::application);
                     }, f),
                     Alert::unexpected_message});
        t.push_back({who(f) + "_empty_application_data_record_accepted", f,
                     before_main([](int) { return sealed(ContentType::application_data, {}, Epoch::application); }, f), std::nullopt});
        t.push_back({who(f) + "_padded_application_data_accepted", f,
                     edit_main(f, [](TapRecord& r) { r.padding = 1000; }), std::nullopt});
    }
    return t;
}

const std::vector<Case>& cases() {
    static const std::vector<Case> table = build_cases();
    return table;
}

class RecordMalformed : public ::testing::TestWithParam<std::size_t> {};

TEST_P(RecordMalformed, RequiredAlertAndNoUnauthenticatedData) {
    const Case& c = cases()[GetParam()];
    const Outcome o = play(c.flight, c.mutation);
    const bool data_flight = c.flight >= kServerData;
    const Bytes& payload = c.flight == kServerData ? kServerPayload : kClientPayload;
    if (!c.expected) {
        EXPECT_FALSE(o.failed) << (o.error ? o.error->what : "");
        EXPECT_EQ(o.state, CloseState::open);
        if (c.flight != kClientHello) { EXPECT_TRUE(o.handshake_complete || c.flight == kServerFlight); }
        if (data_flight) { EXPECT_EQ(o.delivered, payload); }
        return;
    }
    ASSERT_TRUE(o.failed) << "the receiver accepted the input";
    ASSERT_TRUE(o.error.has_value());
    EXPECT_EQ(to_string(o.error->alert), to_string(*c.expected)) << o.error->what;
    EXPECT_EQ(o.state, CloseState::failed);
    EXPECT_TRUE(o.write_refused) << "a failed connection must not send application data";
    if (!data_flight) { EXPECT_FALSE(o.handshake_complete); }
    // Only authentic data is delivered: a replayed record follows the
    // original, which was genuine; everything else is delivered not at all.
    const bool original_first = c.name.find("replayed") != std::string::npos;
    EXPECT_EQ(o.delivered, original_first ? payload : Bytes{});
    if (c.from_peer) {
        EXPECT_EQ(o.peer_alert, c.expected);
        EXPECT_TRUE(o.answer.empty()) << "no alert answers an alert (RFC 8446 §6.2)";
    } else {
        ASSERT_EQ(o.answer.size(), 1u) << "exactly one alert record is sent";
        EXPECT_EQ(o.answer[0].type, ContentType::alert);
        EXPECT_EQ(o.answer[0].content, (Bytes{2, static_cast<std::uint8_t>(*c.expected)}));
    }
}

INSTANTIATE_TEST_SUITE_P(Table, RecordMalformed, ::testing::Range<std::size_t>(0, cases().size()),
                         [](const auto& info) { return cases()[info.param].name; });

// The tap itself changes nothing: an untouched conversation completes.
TEST(RecordMalformed, UntouchedConversationCompletes) {
    const Outcome o = play(kClientData, {});
    EXPECT_FALSE(o.failed);
    EXPECT_EQ(o.delivered, kClientPayload);
}

// RFC 8446 §6.1: close_notify before the handshake is over is no success:
// the handshake never completes, later records are ignored, nothing can be
// written or read, and no alert answers it.
class CloseNotifyDuringHandshake : public ::testing::TestWithParam<int> {};

TEST_P(CloseNotifyDuringHandshake, IsNeverASuccess) {
    const int f = GetParam();
    const Outcome o = play(f, before_main([](int) { return sealed(ContentType::alert, {1, 0}, Epoch::handshake); }, f));
    EXPECT_EQ(o.state, CloseState::close_notify_received);
    EXPECT_FALSE(o.handshake_complete) << "the Finished after close_notify must be ignored";
    EXPECT_TRUE(o.write_refused);
    EXPECT_TRUE(o.delivered.empty());
    EXPECT_TRUE(o.answer.empty());
}

INSTANTIATE_TEST_SUITE_P(Roles, CloseNotifyDuringHandshake, ::testing::Values(kServerFlight, kClientFinished),
                         [](const auto& info) { return who(info.param) + "_" + where(info.param); });

// Truncation at every length of a real flight (§6.1): the transport ends
// after n bytes. The receiver reports a truncation (never a clean close or
// a completed handshake) and delivers nothing.
class TruncatedFlight : public ::testing::TestWithParam<int> {};

TEST_P(TruncatedFlight, AtEveryLengthIsTruncationAndDeliversNothing) {
    const int target = GetParam();
    // The flight's length, from one untouched run (every run has the same
    // record sizes: same suite, group, certificate and messages).
    std::size_t length = 0;
    {
        Pair p;
        ASSERT_TRUE(p.client.has_value());
        ASSERT_TRUE(p.client->start().ok());
        for (int f = 0; f <= target; ++f) {
            const Wire w = p.seal(f, p.take(f));
            length = concat(w).size();
            if (f < target) { ASSERT_TRUE(feed(p.receiver(f), concat(w)).ok()); }
        }
    }
    ASSERT_GT(length, 0u);
    for (std::size_t n = 0; n < length; ++n) {
        SCOPED_TRACE("truncated after " + std::to_string(n) + " of " + std::to_string(length) + " bytes");
        Pair p;
        ASSERT_TRUE(p.client.has_value());
        ASSERT_TRUE(p.client->start().ok());
        for (int f = 0; f <= target; ++f) {
            Bytes wire = concat(p.seal(f, p.take(f)));
            // ECDSA signatures vary in length by a byte or two between runs.
            if (f == target) wire.resize(std::min(n, wire.size() - 1));
            Connection& to = p.receiver(f);
            const Status st = feed(to, wire);
            ASSERT_TRUE(st.ok()) << st.error().what;
            if (f < target) continue;
            to.transport_eof();
            EXPECT_EQ(to.close_state(), CloseState::truncated);
            ASSERT_TRUE(to.error().has_value());
            EXPECT_TRUE(record::is_unexpected_eof(*to.error()));
            if (target < kServerData) { EXPECT_FALSE(to.handshake_complete()); }
            EXPECT_TRUE(read_everything(to).empty());
            const std::uint8_t probe[] = {'x'};
            EXPECT_FALSE(to.write(probe).ok());
        }
        if (HasFatalFailure()) return;
    }
}

INSTANTIATE_TEST_SUITE_P(Flights, TruncatedFlight, ::testing::Values(kClientHello, kServerFlight, kClientFinished, kServerData),
                         [](const auto& info) { return who(info.param) + "_receives_" + where(info.param); });

}  // namespace
}  // namespace qtls::test
