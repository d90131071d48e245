// Writes the seed corpora of every fuzz target:
//   qtls_fuzz_seeds <out-dir>      -> <out-dir>/<target>/<seed files>
// Sources: the RFC 8448 traces, the RFC 9001 / RFC 9369 packets (through
// tests/support/vectors.h), certificates of the test PKI, and handshakes
// recorded in memory between real engines, record::Connections and
// quic::Sessions of every fuzz scenario (fixed randomness, so the recorded
// flights replay with valid Finished messages).
//
// Each seed is then replayed through its target's entry point; the program
// fails if the recorded engine, record and session seeds do not complete
// their handshakes (a sign that the recording is not deterministic).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "fuzz/fuzz_entries.h"
#include "fuzz/fuzz_support.h"
#include "msg/msg.h"
#include "record/record_header.h"
#include "support/test_pki.h"
#include "support/vectors.h"


namespace qtls::fuzz {
namespace {

namespace fs = std::filesystem;
using msg::ExtensionType;
using msg::HandshakeType;
using test::from_hex;
using test::hex_field;

const char* kTraces[] = {"rfc8448-simple-1rtt", "rfc8448-resumed-0rtt", "rfc8448-hello-retry-request",
                         "rfc8448-client-auth", "rfc8448-compatibility-mode"};

class Corpus {
public:
    explicit Corpus(fs::path root) : root_(std::move(root)) {}

    void add(const std::string& target, const std::string& name, const Bytes& data) {
        fs::path dir = root_ / target;
        fs::create_directories(dir);
        std::ofstream(dir / name, std::ios::binary)
            .write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
        seeds_[target].push_back(data);
        names_[target].push_back(name);
    }
    const std::map<std::string, std::vector<Bytes>>& seeds() const { return seeds_; }

private:
    fs::path root_;
    std::map<std::string, std::vector<Bytes>> seeds_;
    std::map<std::string, std::vector<std::string>> names_;

public:
    const std::string& name(const std::string& target, std::size_t i) const { return names_.at(target)[i]; }
};

Bytes cat(std::initializer_list<ByteView> parts) {
    Bytes out;
    for (ByteView p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}
Bytes one(std::uint8_t b) { return Bytes{b}; }
Bytes u16(std::size_t v) { return Bytes{static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)}; }

// ---------------------------------------------------------------- messages and extensions

struct Message {
    HandshakeType type;
    Bytes full;
    bool hrr = false;
};

// Every message of the traces, and of the recorded engine handshakes.
std::vector<Message> all_messages() {
    std::vector<Message> out;
    for (const char* name : kTraces) {
        auto j = test::load_vector(name);
        for (const auto& m : j["handshake_messages"]) {
            Bytes full = hex_field(m["hex"]);
            if (full.size() < 4) continue;
            out.push_back({static_cast<HandshakeType>(full[0]), full, m["name"] == "HelloRetryRequest"});
        }
        if (j.contains("new_session_ticket")) {
            Bytes nst = hex_field(j["new_session_ticket"]["message"]);
            out.push_back({HandshakeType::new_session_ticket, nst});
        }
    }
    for (std::size_t s = 0; s < scenario_count(); ++s) {
        RecordedHandshake r = record_engine_handshake(s);
        for (const auto* flights : {&r.client_to_server, &r.server_to_client})
            for (const Flight& f : *flights)
                for (Bytes& m : split_messages(f.data)) {
                    if (m.size() < 4) continue;
                    bool hrr = false;
                    if (m[0] == 2) {
                        auto sh = msg::ServerHello::decode(ByteView(m).subspan(4));
                        hrr = sh.ok() && sh->is_hello_retry_request();
                    }
                    out.push_back({static_cast<HandshakeType>(m[0]), m, hrr});
                }
    }
    return out;
}

// The extension decoder selector of fuzz_reader_and_extensions for an
// extension of `type` found in `context`; -1 when there is none.
int extension_selector(std::uint16_t type, HandshakeType context, bool hrr) {
    const bool ch = context == HandshakeType::client_hello;
    const bool sh = context == HandshakeType::server_hello;
    switch (static_cast<ExtensionType>(type)) {
        case ExtensionType::server_name: return ch ? 14 : 15;
        case ExtensionType::supported_groups: return 1;
        case ExtensionType::signature_algorithms: return 2;
        case ExtensionType::signature_algorithms_cert: return 3;
        case ExtensionType::supported_versions: return ch ? 4 : 5;
        case ExtensionType::psk_key_exchange_modes: return 6;
        case ExtensionType::early_data: return context == HandshakeType::new_session_ticket ? 8 : 7;
        case ExtensionType::cookie: return 9;
        case ExtensionType::post_handshake_auth: return 10;
        case ExtensionType::record_size_limit: return 11;
        case ExtensionType::status_request: return context == HandshakeType::certificate ? 13 : 12;
        case ExtensionType::alpn: return ch ? 16 : 17;
        case ExtensionType::certificate_authorities: return 18;
        case ExtensionType::signed_certificate_timestamp: return context == HandshakeType::certificate ? 24 : 25;
        case ExtensionType::key_share: return ch ? 19 : (hrr ? 21 : (sh ? 20 : -1));
        case ExtensionType::pre_shared_key: return ch ? 22 : 23;
        default: return -1;
    }
}

// The extension blocks of a message (one for most, one per entry for Certificate).
std::vector<msg::Extensions> extension_blocks(const Message& m) {
    ByteView body = ByteView(m.full).subspan(4);
    switch (m.type) {
        case HandshakeType::client_hello: {
            auto r = msg::ClientHello::decode(body);
            if (r.ok()) return {r->extensions};
            break;
        }
        case HandshakeType::server_hello: {
            auto r = msg::ServerHello::decode(body);
            if (r.ok()) return {r->extensions};
            break;
        }
        case HandshakeType::encrypted_extensions: {
            auto r = msg::EncryptedExtensions::decode(body);
            if (r.ok()) return {r->extensions};
            break;
        }
        case HandshakeType::certificate_request: {
            auto r = msg::CertificateRequest::decode(body);
            if (r.ok()) return {r->extensions};
            break;
        }
        case HandshakeType::new_session_ticket: {
            auto r = msg::NewSessionTicket::decode(body);
            if (r.ok()) return {r->extensions};
            break;
        }
        case HandshakeType::certificate: {
            auto r = msg::Certificate::decode(body);
            std::vector<msg::Extensions> out;
            if (r.ok())
                for (const auto& e : r->entries) out.push_back(e.extensions);
            return out;
        }
        default: break;
    }
    return {};
}

int context_index(HandshakeType t) {
    switch (t) {
        case HandshakeType::client_hello: return 0;
        case HandshakeType::server_hello: return 1;
        case HandshakeType::encrypted_extensions: return 2;
        case HandshakeType::certificate: return 3;
        case HandshakeType::certificate_request: return 4;
        case HandshakeType::new_session_ticket: return 5;
        default: return -1;
    }
}

void message_seeds(Corpus& c) {
    const std::vector<Message> messages = all_messages();
    const HandshakeType kTypes[] = {HandshakeType::client_hello,        HandshakeType::server_hello,
                                    HandshakeType::new_session_ticket,  HandshakeType::end_of_early_data,
                                    HandshakeType::encrypted_extensions, HandshakeType::certificate,
                                    HandshakeType::certificate_request, HandshakeType::certificate_verify,
                                    HandshakeType::finished,            HandshakeType::key_update};
    std::map<std::string, int> seen;
    int n = 0;
    Bytes all;
    for (const Message& m : messages) {
        const std::string id = std::to_string(n++);
        ByteView body = ByteView(m.full).subspan(4);
        c.add("messages", "framed-" + id, cat({one(1), m.full}));
        for (std::size_t t = 0; t < std::size(kTypes); ++t)
            if (kTypes[t] == m.type) c.add("messages", "typed-" + id, cat({one(static_cast<std::uint8_t>(3 + 4 * t)), body}));
        c.add("messages", "assembled-" + id, cat({one(0), one(static_cast<std::uint8_t>(1 + n % 7)), one(1), m.full}));
        if (all.size() < 16384) all.insert(all.end(), m.full.begin(), m.full.end());

        const int ctx = context_index(m.type);
        for (const msg::Extensions& exts : extension_blocks(m)) {
            Bytes block;
            wire::Writer w(block);
            msg::encode_extensions(w, exts);
            if (ctx >= 0) {
                const int sel = 32 * ctx + 24 + (m.hrr ? 1 : 0);
                c.add("reader_and_extensions", "block-" + id, cat({one(static_cast<std::uint8_t>(sel)), block}));
            }
            for (const auto& e : exts) {
                const int sel = extension_selector(e.type, m.type, m.hrr);
                if (sel < 0) continue;
                // One seed per distinct (decoder, body).
                std::string key = std::to_string(sel) + ":" + test::to_hex(e.body);
                if (seen[key]++) continue;
                c.add("reader_and_extensions", "ext-" + std::to_string(sel) + "-" + id,
                      cat({one(static_cast<std::uint8_t>(sel)), e.body}));
            }
        }
    }
    c.add("messages", "assembled-all", cat({one(0), one(0), one(1), all}));
    c.add("messages", "assembled-bytewise", cat({one(0), one(1), one(1), all}));
    c.add("messages", "every-decoder", cat({one(2), ByteView(messages.front().full).subspan(4)}));
    // Reader programs: vec/sub/skip mixes over a short input.
    const Bytes programs[] = {
        {6, 0, 1, 2, 3, 4, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b},
        {8, 11, 7, 14, 13, 8, 15, 12, 0x00, 0x05, 0x02, 0xaa, 0xbb, 0x00, 0x00, 0x01, 0xcc},
        {6, 5, 3, 6, 2, 9, 10, 14, 0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x02, 0x01, 0x00},
    };
    for (std::size_t i = 0; i < std::size(programs); ++i)
        c.add("reader_and_extensions", "reader-" + std::to_string(i), cat({one(0), programs[i]}));
}

// ---------------------------------------------------------------- engines

FlightInput flights_input(std::size_t scenario_index, const std::vector<Flight>& flights, std::size_t fragment,
                          bool per_message) {
    FlightInput in;
    in.selector = static_cast<std::uint8_t>(scenario_index);
    for (const Flight& f : flights) {
        if (per_message) {
            for (Bytes& m : split_messages(f.data)) in.chunks.push_back({make_ctrl(f.epoch, fragment), m});
        } else {
            in.chunks.push_back({make_ctrl(f.epoch, fragment), f.data});
        }
    }
    return in;
}

Bytes key_update(bool requested) {
    msg::KeyUpdate ku;
    ku.request = requested ? msg::KeyUpdate::Request::requested : msg::KeyUpdate::Request::not_requested;
    return ku.encode();
}

Bytes session_ticket() {
    msg::NewSessionTicket nst;
    nst.lifetime = 7200;
    nst.age_add = 0x01020304;
    nst.nonce = {0, 1};
    nst.ticket = Bytes(48, 0x7e);
    nst.extensions.push_back({static_cast<std::uint16_t>(ExtensionType::early_data), msg::encode_early_data_ticket(16384)});
    return nst.encode();
}

void engine_seeds(Corpus& c) {
    for (std::size_t s = 0; s < scenario_count(); ++s) {
        RecordedHandshake r = record_engine_handshake(s);
        if (!r.ok) {
            std::cerr << "seed generator: the in-memory handshake of scenario " << scenario(s).name << " failed\n";
            std::exit(1);
        }
        const std::string name = scenario(s).name;
        for (int side = 0; side < 2; ++side) {
            const std::string target = side == 0 ? "client_engine" : "server_engine";
            const auto& flights = side == 0 ? r.server_to_client : r.client_to_server;
            c.add(target, name, serialize_flights(flights_input(s, flights, 0, false)));
            c.add(target, name + "-per-message", serialize_flights(flights_input(s, flights, 0, true)));
            c.add(target, name + "-bytewise", serialize_flights(flights_input(s, flights, 1, false)));
            c.add(target, name + "-frag7", serialize_flights(flights_input(s, flights, 7, false)));
            // Post-handshake messages at the application epoch.
            FlightInput post = flights_input(s, flights, 0, false);
            post.chunks.push_back({make_ctrl(Epoch::application), key_update(true)});
            post.chunks.push_back({make_ctrl(Epoch::application), key_update(false)});
            if (side == 0) post.chunks.push_back({make_ctrl(Epoch::application), session_ticket()});
            c.add(target, name + "-post-handshake", serialize_flights(post));
            // A handshake message after completion, and data at the wrong epoch.
            FlightInput late = flights_input(s, flights, 0, false);
            late.chunks.push_back({make_ctrl(Epoch::application), msg::Finished{Bytes(32, 0)}.encode()});
            late.chunks.push_back({make_ctrl(Epoch::handshake), key_update(false)});
            c.add(target, name + "-late", serialize_flights(late));
        }
    }
    // The RFC 8448 flights: server messages for the client, client messages
    // for the server (foreign randoms and keys: they fail at some point,
    // through real parsing paths).
    for (const char* trace : kTraces) {
        auto j = test::load_vector(trace);
        FlightInput to_client, to_server;
        bool after_sh = false, after_server_fin = false;
        for (const auto& m : j["handshake_messages"]) {
            Bytes full = hex_field(m["hex"]);
            const std::string sender = m["sender"];
            const std::string name = m["name"];
            if (sender == "server") {
                const Epoch e = after_sh ? Epoch::handshake : Epoch::initial;
                to_client.chunks.push_back({make_ctrl(e), full});
                if (name == "ServerHello") after_sh = true;
                if (name == "Finished") after_server_fin = true;
            } else {
                const Epoch e = after_server_fin ? Epoch::handshake : Epoch::initial;
                to_server.chunks.push_back({make_ctrl(e), full});
            }
        }
        if (j.contains("new_session_ticket"))
            to_client.chunks.push_back({make_ctrl(Epoch::application), hex_field(j["new_session_ticket"]["message"])});
        c.add("client_engine", std::string(trace), serialize_flights(to_client));
        c.add("server_engine", std::string(trace), serialize_flights(to_server));
    }
}

// ---------------------------------------------------------------- record layer

Bytes raw_op(ByteView bytes) { return cat({one(0), u16(bytes.size()), bytes}); }
Bytes record_op(record::ContentType type, std::uint8_t padding, ByteView content) {
    return cat({one(1), one(static_cast<std::uint8_t>(type)), one(padding), u16(content.size()), content});
}
Bytes action_op(std::uint8_t what, ByteView arg) { return cat({one(static_cast<std::uint8_t>(2 | (what << 2))), arg}); }

void record_seeds(Corpus& c) {
    const auto& tcp = tcp_scenarios();
    for (std::size_t i = 0; i < tcp.size(); ++i) {
        RecordedTls r = record_tls_handshake(tcp[i]);
        if (!r.ok) {
            std::cerr << "seed generator: the record-layer handshake of scenario " << scenario(tcp[i]).name
                      << " failed\n";
            std::exit(1);
        }
        const std::string name = scenario(tcp[i]).name;
        const auto mode = [&](bool server, bool after) {
            return one(static_cast<std::uint8_t>((server ? 1 : 0) | (after ? 2 : 0) | (i << 2)));
        };
        for (int side = 0; side < 2; ++side) {
            const bool server = side == 1;
            const auto& stream = server ? r.client_to_server : r.server_to_client;
            Bytes whole = mode(server, false), split = mode(server, false);
            for (const Bytes& flush : stream) {
                whole = cat({whole, raw_op(flush)});
                // One op per record.
                ByteView rest(flush);
                while (rest.size() >= record::kRecordHeaderLength) {
                    const std::size_t len = record::kRecordHeaderLength + ((std::size_t{rest[3]} << 8) | rest[4]);
                    ByteView rec = rest.subspan(0, std::min(len, rest.size()));
                    split = cat({split, raw_op(rec)});
                    rest = rest.subspan(rec.size());
                }
            }
            const std::string who = server ? "server" : "client";
            c.add("record", who + "-before-" + name, whole);
            c.add("record", who + "-before-" + name + "-per-record", split);
            // After the handshake: records sealed under the peer's keys, and
            // traffic the real peer produces.
            const Bytes hello = {'h', 'e', 'l', 'l', 'o'};
            Bytes after = cat({mode(server, true), record_op(record::ContentType::application_data, 0, hello),
                               record_op(record::ContentType::application_data, 32, hello),
                               record_op(record::ContentType::handshake, 0, key_update(true)),
                               action_op(7, {})});
            c.add("record", who + "-after-" + name + "-sealed", after);
            Bytes peer = cat({mode(server, true), action_op(0, cat({one(5), hello})), action_op(1, one(1)),
                              action_op(0, cat({one(5), hello})), action_op(3, cat({u16(5), hello})),
                              action_op(5, one(1)), action_op(2, {}), action_op(7, {})});
            c.add("record", who + "-after-" + name + "-peer", peer);
            const Bytes close_notify = {1, 0}, warning = {1, 90}, fatal = {2, 40};
            Bytes alerts = cat({mode(server, true), record_op(record::ContentType::alert, 0, warning),
                                record_op(record::ContentType::alert, 0, close_notify),
                                record_op(record::ContentType::application_data, 0, hello), one(3)});
            c.add("record", who + "-after-" + name + "-alerts", alerts);
            Bytes fatal_seed = cat({mode(server, true), record_op(record::ContentType::alert, 0, fatal)});
            c.add("record", who + "-after-" + name + "-fatal", fatal_seed);
            const Bytes ccs = {20, 3, 3, 0, 1, 1};
            Bytes misc = cat({mode(server, true), raw_op(ccs),
                              record_op(record::ContentType::handshake, 0, session_ticket()), action_op(8, {}),
                              action_op(9, {})});
            c.add("record", who + "-after-" + name + "-misc", misc);
        }
    }
    // The RFC 8448 records: server records for a client, client records for
    // a server (wrong keys: they exercise the header and AEAD failure paths).
    for (const char* trace : kTraces) {
        auto j = test::load_vector(trace);
        if (!j.contains("records")) continue;
        Bytes to_client = one(0), to_server = one(1);
        for (const auto& rec : j["records"]) {
            Bytes bytes = hex_field(rec["record"]);
            if (rec["sender"] == "server")
                to_client = cat({to_client, raw_op(bytes)});
            else
                to_server = cat({to_server, raw_op(bytes)});
        }
        c.add("record", std::string("rfc-client-") + trace, to_client);
        c.add("record", std::string("rfc-server-") + trace, to_server);
    }
}

// ---------------------------------------------------------------- QUIC

void quic_packet_seeds(Corpus& c) {
    int key = 0;
    for (const char* name : {"rfc9001-quic-v1-initial", "rfc9369-quic-v2-initial"}) {
        auto j = test::load_vector(name);
        c.add("quic_packet", std::string(name) + "-client-initial",
              cat({one(static_cast<std::uint8_t>(key)), one(0), hex_field(j["client_initial_packet"]["protected_packet"])}));
        c.add("quic_packet", std::string(name) + "-server-initial",
              cat({one(static_cast<std::uint8_t>(key + 1)), one(0),
                   hex_field(j["server_initial_packet"]["protected_packet"])}));
        if (j.contains("chacha20_short_header_packet"))
            c.add("quic_packet", std::string(name) + "-chacha20-short",
                  cat({one(4), one(0xc0 | 0x27), hex_field(j["chacha20_short_header_packet"]["protected_packet"])}));
        c.add("quic_packet", std::string(name) + "-retry", cat({one(5), one(0), hex_field(j["retry"]["retry_packet"])}));
        key += 2;
    }
    // A short header with an explicit packet number offset.
    c.add("quic_packet", "explicit-offset", cat({one(0x80 | 4), one(0x10), one(1), Bytes(40, 0x42)}));
    c.add("quic_packet", "largest-pn", cat({one(0x80 | 4), one(0xff), one(1), Bytes(40, 0x43)}));
}

void quic_session_seeds(Corpus& c) {
    RecordedQuic r = record_quic_handshake();
    if (!r.ok) {
        std::cerr << "seed generator: the QUIC session handshake failed\n";
        std::exit(1);
    }
    for (int side = 0; side < 2; ++side) {
        const auto& flights = side == 0 ? r.server_to_client : r.client_to_server;
        const std::string who = side == 0 ? "client" : "server";
        FlightInput whole, frames;
        whole.selector = frames.selector = static_cast<std::uint8_t>(side);
        for (const Flight& f : flights) {
            whole.chunks.push_back({make_ctrl(f.epoch), f.data});
            // Two CRYPTO frames, second half first (offsets relative to the
            // data delivered so far at the level).
            const std::size_t half = f.data.size() / 2;
            Bytes second = cat({u16(half), ByteView(f.data).subspan(half)});
            // After the second half, "delivered" is the end of the data; the
            // first half starts f.data.size() bytes before that.
            const std::size_t back = 0x10000 - f.data.size();
            Bytes first = cat({u16(back), ByteView(f.data).first(half)});
            frames.chunks.push_back({static_cast<std::uint8_t>(make_ctrl(f.epoch) | 4), second});
            frames.chunks.push_back({static_cast<std::uint8_t>(make_ctrl(f.epoch) | 4), first});
        }
        c.add("quic_session", who + "-whole", serialize_flights(whole));
        c.add("quic_session", who + "-reordered-frames", serialize_flights(frames));
        FlightInput bytewise = whole;
        for (auto& ch : bytewise.chunks) ch.ctrl = static_cast<std::uint8_t>(ch.ctrl | (1 << 3));
        c.add("quic_session", who + "-bytewise", serialize_flights(bytewise));
    }
}

// ---------------------------------------------------------------- x509

void x509_seeds(Corpus& c) {
    std::vector<std::pair<std::string, Bytes>> certs = {{"fixed", fixed_certificate_der()}};
    for (const char* trace : kTraces) {
        auto j = test::load_vector(trace);
        for (const char* key : {"server_certificate_chain_der", "client_certificate_chain_der"})
            if (j.contains(key)) {
                int i = 0;
                for (const auto& der : j[key]) certs.emplace_back(std::string(trace) + "-" + key + std::to_string(i++), from_hex(der.get<std::string>()));
            }
    }
    const auto& pki = test::test_pki();
    for (test::KeyType t : test::kAllKeyTypes) {
        if (t == test::KeyType::rsa_4096) continue;
        certs.emplace_back(std::string("pki-") + std::string(test::key_type_name(t)), pki.leaf(t)->chain.front());
    }
    certs.emplace_back("pki-client", pki.client()->chain.front());
    certs.emplace_back("pki-expired", pki.expired()->chain.front());
    certs.emplace_back("pki-wrong-host", pki.wrong_host()->chain.front());
    certs.emplace_back("pki-ca", pki.ca_der());
    for (const auto& [name, der] : certs) {
        c.add("x509", name + "-localhost", cat({one(0), der}));
        c.add("x509", name + "-ip", cat({one(1), der}));
        c.add("x509", name + "-chain", cat({one(4 | 8), u16(der.size()), der, u16(fixed_certificate_der().size()),
                                            fixed_certificate_der()}));
    }
    const std::string& pem = fixed_certificate_pem();
    c.add("x509", "fixed-pem", cat({one(16 | 2), as_bytes(pem)}));
    c.add("x509", "pki-key-pem", cat({one(16 | 2), as_bytes(pki.issued(test::KeyType::ecdsa_p256).key_pem)}));
    const std::string wildcard = "*.example.com";
    c.add("x509", "named", cat({one(3), one(static_cast<std::uint8_t>(wildcard.size())), as_bytes(wildcard),
                                fixed_certificate_der()}));
}

// Ticket decryption: the untouched genuine ticket, one flipped byte at each
// end, and presented garbage (see fuzz_ticket.cpp for the input layout).
void ticket_seeds(Corpus& c) {
    c.add("ticket", "genuine", Bytes{0});
    c.add("ticket", "flip-first", Bytes{0, 0, 0, 1});
    c.add("ticket", "flip-last", Bytes{0, 0xff, 0xff, 0x80});
    c.add("ticket", "raw-short", Bytes{1, 0, 1, 2, 3});
    c.add("ticket", "raw-long", Bytes(200, 1));
}

// ---------------------------------------------------------------- self-check

int replay(const Corpus& corpus) {
    const auto& entries = fuzz::entries();
    int failures = 0;
    for (const auto& [target, seeds] : corpus.seeds()) {
        const Reach before = reach();
        const bool verbose = std::getenv("QTLS_FUZZ_SEEDS_VERBOSE") != nullptr;
        for (std::size_t i = 0; i < seeds.size(); ++i) {
            const Reach r0 = reach();
            entries.at(target)(seeds[i].data(), seeds[i].size());
            if (verbose)
                std::printf("    %s %s: completed %zu, records %zu, packets %zu\n", target.c_str(), corpus.name(target, i).c_str(),
                            reach().handshakes_completed - r0.handshakes_completed,
                            reach().records_opened - r0.records_opened, reach().packets_opened - r0.packets_opened);
        }
        const Reach& after = reach();
        const std::size_t complete = after.handshakes_completed - before.handshakes_completed;
        std::printf("  %-22s %4zu seeds  handshakes completed %4zu  post-handshake ok %3zu  opened: records %3zu "
                    "packets %2zu  certificates parsed %3zu\n",
                    target.c_str(), seeds.size(), complete, after.post_handshake_ok - before.post_handshake_ok,
                    after.records_opened - before.records_opened, after.packets_opened - before.packets_opened,
                    after.certificates_parsed - before.certificates_parsed);
        const bool needs_handshakes = target == "client_engine" || target == "server_engine" ||
                                      target == "record" || target == "quic_session";
        if (needs_handshakes && complete == 0) {
            std::fprintf(stderr, "seed generator: no %s seed completes a handshake (recording not deterministic?)\n",
                         target.c_str());
            ++failures;
        }
        if (target == "quic_packet" && after.packets_opened == before.packets_opened) {
            std::fprintf(stderr, "seed generator: no RFC packet opens with the fixed keys\n");
            ++failures;
        }
    }
    return failures;
}

}  // namespace
}  // namespace qtls::fuzz

int main(int argc, char** argv) {
    using namespace qtls::fuzz;
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <output directory>\n", argv[0]);
        return 2;
    }
    std::filesystem::remove_all(argv[1]);
    Corpus corpus(argv[1]);
    message_seeds(corpus);
    engine_seeds(corpus);
    record_seeds(corpus);
    quic_packet_seeds(corpus);
    quic_session_seeds(corpus);
    x509_seeds(corpus);
    ticket_seeds(corpus);
    std::printf("seeds written to %s; replaying them through the targets:\n", argv[1]);
    return replay(corpus) == 0 ? 0 : 1;
}
