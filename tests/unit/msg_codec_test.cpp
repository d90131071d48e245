// Round trips for every handshake message and extension codec in src/msg/,
// and byte-exact decode/re-encode of the RFC 8448 traces.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string>
#include <vector>

#include "msg/msg.h"
#include "support/vectors.h"

namespace qtls::msg {
namespace {

using test::from_hex;
using test::hex_field;
using test::load_vector;
using test::to_hex;

ByteView body_of(const Bytes& full) { return ByteView(full).subspan(kHandshakeHeaderSize); }

// Decodes `full` (with header) according to its type and re-encodes it.
Bytes reencode(const Bytes& full) {
    EXPECT_GE(full.size(), kHandshakeHeaderSize);
    ByteView body = body_of(full);
    switch (static_cast<HandshakeType>(full[0])) {
        case HandshakeType::client_hello: {
            auto m = ClientHello::decode(body);
            EXPECT_TRUE(m.ok()) << m.error().what;
            return m.ok() ? m->encode() : Bytes{};
        }
        case HandshakeType::server_hello: {
            auto m = ServerHello::decode(body);
            EXPECT_TRUE(m.ok()) << m.error().what;
            return m.ok() ? m->encode() : Bytes{};
        }
        case HandshakeType::encrypted_extensions: {
            auto m = EncryptedExtensions::decode(body);
            EXPECT_TRUE(m.ok()) << m.error().what;
            return m.ok() ? m->encode() : Bytes{};
        }
        case HandshakeType::certificate_request: {
            auto m = CertificateRequest::decode(body);
            EXPECT_TRUE(m.ok()) << m.error().what;
            return m.ok() ? m->encode() : Bytes{};
        }
        case HandshakeType::certificate: {
            auto m = Certificate::decode(body);
            EXPECT_TRUE(m.ok()) << m.error().what;
            return m.ok() ? m->encode() : Bytes{};
        }
        case HandshakeType::certificate_verify: {
            auto m = CertificateVerify::decode(body);
            EXPECT_TRUE(m.ok()) << m.error().what;
            return m.ok() ? m->encode() : Bytes{};
        }
        case HandshakeType::finished: {
            auto m = Finished::decode(body, 32);  // every RFC 8448 trace uses SHA-256
            EXPECT_TRUE(m.ok()) << m.error().what;
            return m.ok() ? m->encode() : Bytes{};
        }
        case HandshakeType::new_session_ticket: {
            auto m = NewSessionTicket::decode(body);
            EXPECT_TRUE(m.ok()) << m.error().what;
            return m.ok() ? m->encode() : Bytes{};
        }
        case HandshakeType::end_of_early_data: {
            auto m = EndOfEarlyData::decode(body);
            EXPECT_TRUE(m.ok()) << m.error().what;
            return m.ok() ? m->encode() : Bytes{};
        }
        case HandshakeType::key_update: {
            auto m = KeyUpdate::decode(body);
            EXPECT_TRUE(m.ok()) << m.error().what;
            return m.ok() ? m->encode() : Bytes{};
        }
        default:
            ADD_FAILURE() << "unexpected type " << int(full[0]);
            return {};
    }
}

const char* const kTraces[] = {
    "rfc8448-simple-1rtt", "rfc8448-resumed-0rtt", "rfc8448-hello-retry-request",
    "rfc8448-client-auth", "rfc8448-compatibility-mode",
};

TEST(msg_vectors, EveryTraceMessageReencodesByteExact) {
    int count = 0;
    for (const char* name : kTraces) {
        auto v = load_vector(name);
        for (const auto& m : v["handshake_messages"]) {
            Bytes full = hex_field(m["hex"]);
            ASSERT_EQ(full[0], m["msg_type"].get<int>());
            EXPECT_EQ(to_hex(reencode(full)), to_hex(full)) << name << " " << m["name"].get<std::string>();
            ++count;
        }
    }
    auto v = load_vector("rfc8448-simple-1rtt");
    Bytes nst = hex_field(v["new_session_ticket"]["message"]);
    EXPECT_EQ(to_hex(reencode(nst)), to_hex(nst));
    EXPECT_GE(count, 40);
}

Bytes trace_message(const nlohmann::json& v, const std::string& name, int nth = 0) {
    for (const auto& m : v["handshake_messages"])
        if (m["name"].get<std::string>() == name && nth-- == 0) return hex_field(m["hex"]);
    ADD_FAILURE() << "no message " << name;
    return {};
}

TEST(msg_vectors, SimpleClientHelloFields) {
    auto v = load_vector("rfc8448-simple-1rtt");
    Bytes full = trace_message(v, "ClientHello");
    auto ch = ClientHello::decode(body_of(full));
    ASSERT_TRUE(ch.ok()) << ch.error().what;
    EXPECT_EQ(ch->legacy_version, 0x0303);
    EXPECT_EQ(ch->cipher_suites, (std::vector<std::uint16_t>{0x1301, 0x1303, 0x1302}));
    EXPECT_EQ(ch->legacy_compression_methods, Bytes{0});
    EXPECT_TRUE(ch->legacy_session_id.empty());

    const Extension* sni = find_extension(ch->extensions, ExtensionType::server_name);
    ASSERT_NE(sni, nullptr);
    auto host = decode_server_name(sni->body);
    ASSERT_TRUE(host.ok());
    EXPECT_EQ(*host, "server");

    const Extension* ks = find_extension(ch->extensions, ExtensionType::key_share);
    ASSERT_NE(ks, nullptr);
    auto shares = decode_key_share_client(ks->body);
    ASSERT_TRUE(shares.ok());
    ASSERT_EQ(shares->size(), 1u);
    EXPECT_EQ((*shares)[0].group, 0x001d);
    EXPECT_EQ(to_hex((*shares)[0].key_exchange), v["ephemeral_keys"][0]["public_key"].get<std::string>());

    auto sv = decode_supported_versions_client(find_extension(ch->extensions, ExtensionType::supported_versions)->body);
    ASSERT_TRUE(sv.ok());
    EXPECT_EQ(*sv, std::vector<std::uint16_t>{0x0304});

    auto groups = decode_supported_groups(find_extension(ch->extensions, ExtensionType::supported_groups)->body);
    ASSERT_TRUE(groups.ok());
    EXPECT_EQ(groups->front(), 0x001d);
    EXPECT_EQ(groups->size(), 9u);

    auto sigs = decode_signature_algorithms(find_extension(ch->extensions, ExtensionType::signature_algorithms)->body);
    ASSERT_TRUE(sigs.ok());
    EXPECT_EQ(sigs->size(), 15u);

    auto modes = decode_psk_key_exchange_modes(find_extension(ch->extensions, ExtensionType::psk_key_exchange_modes)->body);
    ASSERT_TRUE(modes.ok());
    EXPECT_EQ(*modes, std::vector<std::uint8_t>{1});

    auto rsl = decode_record_size_limit(find_extension(ch->extensions, ExtensionType::record_size_limit)->body);
    ASSERT_TRUE(rsl.ok());
    EXPECT_EQ(*rsl, 0x4001);

    // Unknown extensions (renegotiation_info 0xff01, session_ticket 35) are kept.
    bool saw_reneg = false;
    for (const Extension& e : ch->extensions) saw_reneg |= e.type == 0xff01;
    EXPECT_TRUE(saw_reneg);
}

TEST(msg_vectors, SimpleServerFlight) {
    auto v = load_vector("rfc8448-simple-1rtt");
    auto sh = ServerHello::decode(body_of(trace_message(v, "ServerHello")));
    ASSERT_TRUE(sh.ok());
    EXPECT_FALSE(sh->is_hello_retry_request());
    EXPECT_EQ(sh->cipher_suite, 0x1301);
    auto ks = decode_key_share_server(find_extension(sh->extensions, ExtensionType::key_share)->body);
    ASSERT_TRUE(ks.ok());
    EXPECT_EQ(ks->group, 0x001d);
    EXPECT_EQ(to_hex(ks->key_exchange), v["ephemeral_keys"][1]["public_key"].get<std::string>());
    auto ver = decode_supported_versions_server(find_extension(sh->extensions, ExtensionType::supported_versions)->body);
    ASSERT_TRUE(ver.ok());
    EXPECT_EQ(*ver, kVersionTls13);

    auto ee = EncryptedExtensions::decode(body_of(trace_message(v, "EncryptedExtensions")));
    ASSERT_TRUE(ee.ok());
    const Extension* sni = find_extension(ee->extensions, ExtensionType::server_name);
    ASSERT_NE(sni, nullptr);
    EXPECT_TRUE(decode_server_name_ack(sni->body).ok());

    auto cert = Certificate::decode(body_of(trace_message(v, "Certificate")));
    ASSERT_TRUE(cert.ok());
    EXPECT_TRUE(cert->context.empty());
    ASSERT_EQ(cert->entries.size(), 1u);
    EXPECT_EQ(to_hex(cert->entries[0].data), v["server_certificate_chain_der"][0].get<std::string>());

    auto cv = CertificateVerify::decode(body_of(trace_message(v, "CertificateVerify")));
    ASSERT_TRUE(cv.ok());
    EXPECT_EQ(cv->scheme, 0x0804);
    EXPECT_EQ(cv->signature.size(), 128u);

    auto nst = NewSessionTicket::decode(body_of(hex_field(v["new_session_ticket"]["message"])));
    ASSERT_TRUE(nst.ok());
    EXPECT_EQ(nst->lifetime, v["new_session_ticket"]["ticket_lifetime"].get<std::uint32_t>());
    EXPECT_EQ(nst->age_add, v["new_session_ticket"]["ticket_age_add"].get<std::uint32_t>());
    EXPECT_EQ(to_hex(nst->nonce), v["new_session_ticket"]["ticket_nonce"].get<std::string>());
    EXPECT_EQ(to_hex(nst->ticket), v["new_session_ticket"]["ticket"].get<std::string>());
    auto max_ed = decode_early_data_ticket(find_extension(nst->extensions, ExtensionType::early_data)->body);
    ASSERT_TRUE(max_ed.ok());
    EXPECT_EQ(*max_ed, 0x400u);
}

TEST(msg_vectors, ResumedClientHelloBinders) {
    auto v = load_vector("rfc8448-resumed-0rtt");
    Bytes full = trace_message(v, "ClientHello");
    auto ch = ClientHello::decode(body_of(full));
    ASSERT_TRUE(ch.ok()) << ch.error().what;
    ASSERT_FALSE(ch->extensions.empty());
    EXPECT_EQ(ch->extensions.back().type, static_cast<std::uint16_t>(ExtensionType::pre_shared_key));
    EXPECT_NE(find_extension(ch->extensions, ExtensionType::early_data), nullptr);
    EXPECT_TRUE(decode_early_data(find_extension(ch->extensions, ExtensionType::early_data)->body).ok());

    auto psks = decode_pre_shared_key_client(ch->extensions.back().body);
    ASSERT_TRUE(psks.ok());
    ASSERT_EQ(psks->identities.size(), 1u);
    ASSERT_EQ(psks->binders.size(), 1u);
    EXPECT_EQ(to_hex(psks->binders[0]), v["psk_binder"]["binder"].get<std::string>());
    // §4.2.11.2: the truncated ClientHello is the message minus the binders list.
    std::size_t n = binders_encoded_length(*psks);
    EXPECT_EQ(n, 2u + 1u + 32u);
    Bytes truncated(full.begin(), full.end() - static_cast<std::ptrdiff_t>(n));
    EXPECT_EQ(to_hex(truncated), v["psk_binder"]["truncated_client_hello"].get<std::string>());
    EXPECT_EQ(to_hex(encode_pre_shared_key_client(*psks)), to_hex(ch->extensions.back().body));

    auto sh = ServerHello::decode(body_of(trace_message(v, "ServerHello")));
    ASSERT_TRUE(sh.ok());
    auto sel = decode_pre_shared_key_server(find_extension(sh->extensions, ExtensionType::pre_shared_key)->body);
    ASSERT_TRUE(sel.ok());
    EXPECT_EQ(*sel, 0);

    auto ee = EncryptedExtensions::decode(body_of(trace_message(v, "EncryptedExtensions")));
    ASSERT_TRUE(ee.ok());
    EXPECT_NE(find_extension(ee->extensions, ExtensionType::early_data), nullptr);
}

TEST(msg_vectors, HelloRetryRequest) {
    auto v = load_vector("rfc8448-hello-retry-request");
    auto hrr = ServerHello::decode(body_of(trace_message(v, "HelloRetryRequest")));
    ASSERT_TRUE(hrr.ok()) << hrr.error().what;
    EXPECT_TRUE(hrr->is_hello_retry_request());
    auto group = decode_key_share_hrr(find_extension(hrr->extensions, ExtensionType::key_share)->body);
    ASSERT_TRUE(group.ok());
    EXPECT_EQ(*group, 0x0017);
    const Extension* cookie = find_extension(hrr->extensions, ExtensionType::cookie);
    ASSERT_NE(cookie, nullptr);
    auto c = decode_cookie(cookie->body);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(encode_cookie(*c), cookie->body);

    // The second ClientHello echoes the cookie and offers a P-256 share.
    auto ch2 = ClientHello::decode(body_of(trace_message(v, "ClientHello", 1)));
    ASSERT_TRUE(ch2.ok()) << ch2.error().what;
    EXPECT_EQ(find_extension(ch2->extensions, ExtensionType::cookie)->body, cookie->body);
    auto shares = decode_key_share_client(find_extension(ch2->extensions, ExtensionType::key_share)->body);
    ASSERT_TRUE(shares.ok());
    ASSERT_EQ(shares->size(), 1u);
    EXPECT_EQ((*shares)[0].group, 0x0017);
    EXPECT_EQ((*shares)[0].key_exchange.size(), 65u);
}

TEST(msg_vectors, ClientAuthCertificateRequest) {
    auto v = load_vector("rfc8448-client-auth");
    auto cr = CertificateRequest::decode(body_of(trace_message(v, "CertificateRequest")));
    ASSERT_TRUE(cr.ok()) << cr.error().what;
    EXPECT_TRUE(cr->context.empty());
    auto sigs = decode_signature_algorithms(find_extension(cr->extensions, ExtensionType::signature_algorithms)->body);
    ASSERT_TRUE(sigs.ok());
    EXPECT_FALSE(sigs->empty());
}

TEST(msg_vectors, CompatibilityModeSessionIdEcho) {
    auto v = load_vector("rfc8448-compatibility-mode");
    auto ch = ClientHello::decode(body_of(trace_message(v, "ClientHello")));
    auto sh = ServerHello::decode(body_of(trace_message(v, "ServerHello")));
    ASSERT_TRUE(ch.ok());
    ASSERT_TRUE(sh.ok());
    EXPECT_EQ(ch->legacy_session_id.size(), 32u);
    EXPECT_EQ(sh->legacy_session_id_echo, ch->legacy_session_id);
}

// ---- constants ----

TEST(msg_constants, HelloRetryRequestRandomIsSha256OfName) {
    unsigned char digest[32];
    unsigned int len = 0;
    const char name[] = "HelloRetryRequest";
    ASSERT_EQ(EVP_Digest(name, sizeof(name) - 1, digest, &len, EVP_sha256(), nullptr), 1);
    EXPECT_EQ(to_hex(ByteView(digest, len)), to_hex(kHelloRetryRequestRandom));
}

TEST(msg_constants, DowngradeSentinels) {
    EXPECT_EQ(to_hex(kDowngradeTls12), "444f574e47524401");
    EXPECT_EQ(to_hex(kDowngradeTls11), "444f574e47524400");
}

TEST(msg_constants, MessageHash) {
    Bytes h(32, 0xab);
    Bytes m = message_hash(h);
    ASSERT_EQ(m.size(), 36u);
    EXPECT_EQ(to_hex(ByteView(m).first(4)), "fe000020");
    EXPECT_EQ(Bytes(m.begin() + 4, m.end()), h);
    Bytes h48(48, 1);
    EXPECT_EQ(to_hex(ByteView(message_hash(h48)).first(4)), "fe000030");
}

// ---- message round trips ----

TEST(msg_roundtrip, ClientHello) {
    ClientHello ch;
    for (std::size_t i = 0; i < ch.random.size(); ++i) ch.random[i] = static_cast<std::uint8_t>(i);
    ch.legacy_session_id = Bytes(32, 7);
    ch.cipher_suites = {0x1301, 0x1302, 0x0a0a};
    ch.extensions = {
        {static_cast<std::uint16_t>(ExtensionType::server_name), encode_server_name("example.com")},
        {0x1a1a, {}},  // GREASE is kept
        {static_cast<std::uint16_t>(ExtensionType::supported_versions), encode_supported_versions_client({0x0304})},
        {static_cast<std::uint16_t>(ExtensionType::quic_transport_parameters), {1, 2, 3}},
        {static_cast<std::uint16_t>(ExtensionType::pre_shared_key),
         encode_pre_shared_key_client({{{{1, 2, 3}, 99}}, {Bytes(32, 5)}})},
    };
    Bytes enc = ch.encode();
    EXPECT_EQ(enc[0], 1);
    EXPECT_EQ(enc.size() - 4, (std::size_t{enc[1]} << 16) | (std::size_t{enc[2]} << 8) | enc[3]);
    auto back = ClientHello::decode(body_of(enc));
    ASSERT_TRUE(back.ok()) << back.error().what;
    EXPECT_EQ(back->random, ch.random);
    EXPECT_EQ(back->legacy_session_id, ch.legacy_session_id);
    EXPECT_EQ(back->cipher_suites, ch.cipher_suites);
    EXPECT_EQ(back->legacy_compression_methods, Bytes{0});
    ASSERT_EQ(back->extensions.size(), ch.extensions.size());
    for (std::size_t i = 0; i < ch.extensions.size(); ++i) {
        EXPECT_EQ(back->extensions[i].type, ch.extensions[i].type);
        EXPECT_EQ(back->extensions[i].body, ch.extensions[i].body);
    }
    EXPECT_EQ(back->encode(), enc);
}

TEST(msg_roundtrip, ClientHelloWithoutExtensionBlock) {
    // A pre-TLS-1.3 hello may end after the compression methods.
    Bytes body = from_hex("0303" + std::string(64, '1') + "00" + "0002c02f" + "0100");
    auto ch = ClientHello::decode(body);
    ASSERT_TRUE(ch.ok());
    EXPECT_TRUE(ch->extensions.empty());
    EXPECT_EQ(ch->cipher_suites, std::vector<std::uint16_t>{0xc02f});
}

TEST(msg_roundtrip, ServerHelloAndHrr) {
    ServerHello sh;
    sh.random.fill(0x42);
    sh.legacy_session_id_echo = Bytes(32, 1);
    sh.cipher_suite = 0x1302;
    sh.extensions = {
        {static_cast<std::uint16_t>(ExtensionType::supported_versions), encode_supported_versions_server(0x0304)},
        {static_cast<std::uint16_t>(ExtensionType::key_share), encode_key_share_server({0x001d, Bytes(32, 9)})},
        {static_cast<std::uint16_t>(ExtensionType::pre_shared_key), encode_pre_shared_key_server(0)},
    };
    Bytes enc = sh.encode();
    auto back = ServerHello::decode(body_of(enc));
    ASSERT_TRUE(back.ok()) << back.error().what;
    EXPECT_FALSE(back->is_hello_retry_request());
    EXPECT_EQ(back->cipher_suite, 0x1302);
    EXPECT_EQ(back->encode(), enc);

    ServerHello hrr;
    hrr.random = kHelloRetryRequestRandom;
    hrr.cipher_suite = 0x1301;
    hrr.extensions = {
        {static_cast<std::uint16_t>(ExtensionType::supported_versions), encode_supported_versions_server(0x0304)},
        {static_cast<std::uint16_t>(ExtensionType::key_share), encode_key_share_hrr(0x0017)},
        {static_cast<std::uint16_t>(ExtensionType::cookie), encode_cookie(Bytes{1, 2, 3})},
    };
    Bytes henc = hrr.encode();
    auto hback = ServerHello::decode(body_of(henc));
    ASSERT_TRUE(hback.ok()) << hback.error().what;
    EXPECT_TRUE(hback->is_hello_retry_request());
    EXPECT_EQ(hback->encode(), henc);
}

TEST(msg_roundtrip, EncryptedExtensions) {
    EncryptedExtensions ee;
    ee.extensions = {
        {static_cast<std::uint16_t>(ExtensionType::alpn), encode_alpn_server("h3")},
        {static_cast<std::uint16_t>(ExtensionType::server_name), encode_server_name_ack()},
        {static_cast<std::uint16_t>(ExtensionType::early_data), encode_early_data()},
        {static_cast<std::uint16_t>(ExtensionType::record_size_limit), encode_record_size_limit(16385)},
        {static_cast<std::uint16_t>(ExtensionType::quic_transport_parameters), Bytes{0x01, 0x02}},
    };
    Bytes enc = ee.encode();
    auto back = EncryptedExtensions::decode(body_of(enc));
    ASSERT_TRUE(back.ok()) << back.error().what;
    EXPECT_EQ(back->encode(), enc);
    auto alpn = decode_alpn_server(find_extension(back->extensions, ExtensionType::alpn)->body);
    ASSERT_TRUE(alpn.ok());
    EXPECT_EQ(*alpn, "h3");

    EncryptedExtensions empty;
    Bytes eenc = empty.encode();
    EXPECT_EQ(to_hex(eenc), "080000020000");
    EXPECT_TRUE(EncryptedExtensions::decode(body_of(eenc)).ok());
}

TEST(msg_roundtrip, CertificateRequest) {
    CertificateRequest cr;
    cr.context = {9, 8, 7};
    cr.extensions = {
        {static_cast<std::uint16_t>(ExtensionType::signature_algorithms), encode_signature_algorithms({0x0403, 0x0804})},
        {static_cast<std::uint16_t>(ExtensionType::certificate_authorities),
         encode_certificate_authorities({Bytes{0x30, 0x00}, Bytes{0x30, 0x01, 0x00}})},
        {static_cast<std::uint16_t>(ExtensionType::status_request), Bytes{}},
        {static_cast<std::uint16_t>(ExtensionType::oid_filters), Bytes{0, 0}},
    };
    Bytes enc = cr.encode();
    auto back = CertificateRequest::decode(body_of(enc));
    ASSERT_TRUE(back.ok()) << back.error().what;
    EXPECT_EQ(back->context, cr.context);
    EXPECT_EQ(back->encode(), enc);
}

TEST(msg_roundtrip, Certificate) {
    Certificate c;
    c.context = {1};
    c.entries.push_back({Bytes(300, 0x30), {{static_cast<std::uint16_t>(ExtensionType::status_request),
                                             encode_certificate_status(Bytes{0xaa, 0xbb})}}});
    c.entries.push_back({Bytes(5, 0x31), {}});
    Bytes enc = c.encode();
    auto back = Certificate::decode(body_of(enc));
    ASSERT_TRUE(back.ok()) << back.error().what;
    ASSERT_EQ(back->entries.size(), 2u);
    EXPECT_EQ(back->entries[0].data, c.entries[0].data);
    EXPECT_EQ(back->entries[1].data, c.entries[1].data);
    auto status = decode_certificate_status(back->entries[0].extensions[0].body);
    ASSERT_TRUE(status.ok());
    EXPECT_EQ(*status, (Bytes{0xaa, 0xbb}));
    EXPECT_EQ(back->encode(), enc);

    Certificate empty;  // an empty list decodes; the engine decides
    auto eback = Certificate::decode(body_of(empty.encode()));
    ASSERT_TRUE(eback.ok());
    EXPECT_TRUE(eback->entries.empty());
}

TEST(msg_roundtrip, CertificateVerifyFinishedKeyUpdateEndOfEarlyData) {
    CertificateVerify cv{0x0807, Bytes(64, 3)};
    auto cvb = CertificateVerify::decode(body_of(cv.encode()));
    ASSERT_TRUE(cvb.ok());
    EXPECT_EQ(cvb->scheme, 0x0807);
    EXPECT_EQ(cvb->signature, cv.signature);

    Finished fin{Bytes(48, 0x5a)};
    Bytes fenc = fin.encode();
    EXPECT_EQ(to_hex(ByteView(fenc).first(4)), "14000030");
    auto fb = Finished::decode(body_of(fenc), 48);
    ASSERT_TRUE(fb.ok());
    EXPECT_EQ(fb->verify_data, fin.verify_data);

    for (auto req : {KeyUpdate::Request::not_requested, KeyUpdate::Request::requested}) {
        KeyUpdate ku{req};
        Bytes kenc = ku.encode();
        EXPECT_EQ(kenc.size(), 5u);
        auto kb = KeyUpdate::decode(body_of(kenc));
        ASSERT_TRUE(kb.ok());
        EXPECT_EQ(kb->request, req);
    }

    Bytes eoed = EndOfEarlyData{}.encode();
    EXPECT_EQ(to_hex(eoed), "05000000");
    EXPECT_TRUE(EndOfEarlyData::decode(body_of(eoed)).ok());
}

TEST(msg_roundtrip, NewSessionTicket) {
    NewSessionTicket t;
    t.lifetime = kMaxTicketLifetime;
    t.age_add = 0xdeadbeef;
    t.nonce = {0, 1};
    t.ticket = Bytes(100, 0x77);
    t.extensions = {{static_cast<std::uint16_t>(ExtensionType::early_data), encode_early_data_ticket(0xffffffff)}};
    Bytes enc = t.encode();
    auto back = NewSessionTicket::decode(body_of(enc));
    ASSERT_TRUE(back.ok()) << back.error().what;
    EXPECT_EQ(back->lifetime, t.lifetime);
    EXPECT_EQ(back->age_add, t.age_add);
    EXPECT_EQ(back->nonce, t.nonce);
    EXPECT_EQ(back->ticket, t.ticket);
    EXPECT_EQ(back->encode(), enc);
    auto ed = decode_early_data_ticket(back->extensions[0].body);
    ASSERT_TRUE(ed.ok());
    EXPECT_EQ(*ed, 0xffffffffu);
}

// ---- extension body round trips ----

TEST(msg_ext_roundtrip, ServerName) {
    Bytes b = encode_server_name("server");
    EXPECT_EQ(to_hex(b), "0009000006736572766572");  // as in RFC 8448 §3
    auto d = decode_server_name(b);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(*d, "server");
    EXPECT_TRUE(decode_server_name_ack(encode_server_name_ack()).ok());
}

TEST(msg_ext_roundtrip, CodePointLists) {
    std::vector<std::uint16_t> groups{0x001d, 0x0017, 0x0018};
    auto g = decode_supported_groups(encode_supported_groups(groups));
    ASSERT_TRUE(g.ok());
    EXPECT_EQ(*g, groups);

    std::vector<std::uint16_t> sigs{0x0403, 0x0804, 0x0807};
    auto s = decode_signature_algorithms(encode_signature_algorithms(sigs));
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(*s, sigs);
    auto sc = decode_signature_algorithms_cert(encode_signature_algorithms_cert(sigs));
    ASSERT_TRUE(sc.ok());
    EXPECT_EQ(*sc, sigs);

    std::vector<std::uint16_t> versions{0x0304, 0x0303};
    Bytes vb = encode_supported_versions_client(versions);
    EXPECT_EQ(to_hex(vb), "0403040303");
    auto v = decode_supported_versions_client(vb);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(*v, versions);
    auto vs = decode_supported_versions_server(encode_supported_versions_server(0x0304));
    ASSERT_TRUE(vs.ok());
    EXPECT_EQ(*vs, 0x0304);

    std::vector<std::uint8_t> modes{1, 0};
    auto m = decode_psk_key_exchange_modes(encode_psk_key_exchange_modes(modes));
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(*m, modes);
}

TEST(msg_ext_roundtrip, KeyShare) {
    std::vector<KeyShareEntry> shares{{0x001d, Bytes(32, 1)}, {0x0017, Bytes(65, 4)}};
    auto c = decode_key_share_client(encode_key_share_client(shares));
    ASSERT_TRUE(c.ok());
    ASSERT_EQ(c->size(), 2u);
    EXPECT_EQ((*c)[1].group, 0x0017);
    EXPECT_EQ((*c)[1].key_exchange, shares[1].key_exchange);

    auto empty = decode_key_share_client(encode_key_share_client({}));  // asks for HRR
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty->empty());

    auto s = decode_key_share_server(encode_key_share_server(shares[0]));
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->group, 0x001d);
    EXPECT_EQ(s->key_exchange, shares[0].key_exchange);

    auto h = decode_key_share_hrr(encode_key_share_hrr(0x0018));
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(*h, 0x0018);
}

TEST(msg_ext_roundtrip, PreSharedKey) {
    OfferedPsks psks;
    psks.identities = {{Bytes{1, 2, 3}, 1000}, {Bytes(200, 9), 0xffffffff}};
    psks.binders = {Bytes(32, 0xa1), Bytes(48, 0xb2)};
    Bytes b = encode_pre_shared_key_client(psks);
    auto d = decode_pre_shared_key_client(b);
    ASSERT_TRUE(d.ok()) << d.error().what;
    ASSERT_EQ(d->identities.size(), 2u);
    EXPECT_EQ(d->identities[0].identity, psks.identities[0].identity);
    EXPECT_EQ(d->identities[1].obfuscated_ticket_age, 0xffffffffu);
    EXPECT_EQ(d->binders, psks.binders);
    std::size_t n = binders_encoded_length(psks);
    EXPECT_EQ(n, 2u + 33u + 49u);
    // The binders list is the tail of the body.
    EXPECT_EQ(b[b.size() - n], 0);
    EXPECT_EQ(b[b.size() - n + 1], 33 + 49);

    auto s = decode_pre_shared_key_server(encode_pre_shared_key_server(1));
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(*s, 1);
}

TEST(msg_ext_roundtrip, SmallBodies) {
    EXPECT_TRUE(decode_early_data(encode_early_data()).ok());
    auto ed = decode_early_data_ticket(encode_early_data_ticket(16384));
    ASSERT_TRUE(ed.ok());
    EXPECT_EQ(*ed, 16384u);

    Bytes cookie(300, 0xcc);
    auto c = decode_cookie(encode_cookie(cookie));
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(*c, cookie);

    EXPECT_TRUE(decode_post_handshake_auth(encode_post_handshake_auth()).ok());

    auto r = decode_record_size_limit(encode_record_size_limit(64));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, 64);

    Bytes sr = encode_status_request_ocsp();
    EXPECT_EQ(to_hex(sr), "0100000000");
    EXPECT_TRUE(decode_status_request(sr).ok());
    EXPECT_TRUE(decode_status_request({}).ok());
    EXPECT_TRUE(decode_status_request(from_hex("01000400020a0b0000")).ok());  // one responder id
}

TEST(msg_ext_roundtrip, AlpnAndAuthorities) {
    std::vector<std::string> protos{"h2", "http/1.1"};
    Bytes b = encode_alpn(protos);
    EXPECT_EQ(to_hex(b), "000c02683208687474702f312e31");
    auto d = decode_alpn(b);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(*d, protos);
    auto one = decode_alpn_server(encode_alpn_server("h3"));
    ASSERT_TRUE(one.ok());
    EXPECT_EQ(*one, "h3");

    std::vector<Bytes> dns{Bytes{0x30, 0x03, 1, 2, 3}, Bytes{0x30}};
    auto ca = decode_certificate_authorities(encode_certificate_authorities(dns));
    ASSERT_TRUE(ca.ok());
    EXPECT_EQ(*ca, dns);
}

TEST(msg_ext_roundtrip, StaplingRequestsAndSctList) {
    // RFC 6066 §8: ocsp(1), empty responder_id_list and request_extensions.
    EXPECT_EQ(to_hex(encode_status_request_ocsp()), "0100000000");
    EXPECT_TRUE(is_ocsp_status_request(encode_status_request_ocsp()));
    EXPECT_FALSE(is_ocsp_status_request({}));
    EXPECT_FALSE(is_ocsp_status_request(from_hex("02")));
    EXPECT_TRUE(decode_sct_request(encode_sct_request()).ok());
    // RFC 6962 §3.3: two SCTs, kept byte for byte.
    Bytes list = from_hex("0007" "0002aabb" "0001cc");
    auto back = decode_sct_list(encode_sct_list(list));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, list);
}

TEST(msg_extensions, BlockRoundTripPreservesOrderAndUnknowns) {
    Extensions exts = {{0xfafa, {}}, {0x0010, encode_alpn({"x"})}, {0x7777, {1, 2, 3}}};
    Bytes buf;
    wire::Writer w(buf);
    encode_extensions(w, exts);
    wire::Reader r(buf);
    Extensions back;
    ASSERT_TRUE(decode_extensions(r, HandshakeType::encrypted_extensions, back).ok());
    EXPECT_TRUE(r.empty());
    ASSERT_EQ(back.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(back[i].type, exts[i].type);
        EXPECT_EQ(back[i].body, exts[i].body);
    }
    EXPECT_EQ(find_extension(back, ExtensionType::alpn), &back[1]);
    EXPECT_EQ(find_extension(back, ExtensionType::key_share), nullptr);
}

TEST(msg_extensions, AllowedTable) {
    using T = ExtensionType;
    auto u = [](T t) { return static_cast<std::uint16_t>(t); };
    EXPECT_TRUE(extension_allowed(u(T::key_share), HandshakeType::server_hello, true));
    EXPECT_TRUE(extension_allowed(u(T::cookie), HandshakeType::server_hello, true));
    EXPECT_FALSE(extension_allowed(u(T::cookie), HandshakeType::server_hello, false));
    EXPECT_FALSE(extension_allowed(u(T::pre_shared_key), HandshakeType::server_hello, true));
    EXPECT_TRUE(extension_allowed(u(T::pre_shared_key), HandshakeType::server_hello, false));
    EXPECT_TRUE(extension_allowed(u(T::early_data), HandshakeType::new_session_ticket));
    EXPECT_TRUE(extension_allowed(u(T::status_request), HandshakeType::certificate));
    EXPECT_TRUE(extension_allowed(u(T::signed_certificate_timestamp), HandshakeType::certificate));
    EXPECT_FALSE(extension_allowed(u(T::server_name), HandshakeType::certificate));
    EXPECT_TRUE(extension_allowed(u(T::oid_filters), HandshakeType::certificate_request));
    EXPECT_FALSE(extension_allowed(u(T::oid_filters), HandshakeType::client_hello));
    EXPECT_TRUE(extension_allowed(u(T::quic_transport_parameters), HandshakeType::encrypted_extensions));
    EXPECT_TRUE(extension_allowed(u(T::record_size_limit), HandshakeType::encrypted_extensions));
    EXPECT_FALSE(extension_allowed(u(T::padding), HandshakeType::encrypted_extensions));
    EXPECT_TRUE(extension_allowed(0x1a1a, HandshakeType::certificate));  // unknown: caller decides
}

// ---- assembler ----

Bytes trace_stream(const nlohmann::json& v, std::vector<Bytes>& messages) {
    Bytes all;
    for (const auto& m : v["handshake_messages"]) {
        messages.push_back(hex_field(m["hex"]));
        all.insert(all.end(), messages.back().begin(), messages.back().end());
    }
    return all;
}

void drain(MessageAssembler& a, std::vector<Bytes>& got) {
    RawMessage raw;
    for (;;) {
        auto r = a.next(raw);
        ASSERT_TRUE(r.ok()) << r.error().what;
        if (!*r) return;
        EXPECT_EQ(raw.full.subspan(kHandshakeHeaderSize).data(), raw.body.data());
        EXPECT_EQ(static_cast<std::uint8_t>(raw.type), raw.full[0]);
        got.emplace_back(raw.full.begin(), raw.full.end());
    }
}

TEST(msg_assembler, EveryChunkSizeReassemblesTheTrace) {
    auto v = load_vector("rfc8448-simple-1rtt");
    std::vector<Bytes> messages;
    Bytes all = trace_stream(v, messages);
    for (std::size_t chunk : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{4}, std::size_t{5},
                              std::size_t{7}, std::size_t{64}, std::size_t{500}, all.size()}) {
        MessageAssembler a;
        std::vector<Bytes> got;
        for (std::size_t off = 0; off < all.size(); off += chunk) {
            std::size_t n = std::min(chunk, all.size() - off);
            ASSERT_TRUE(a.append(ByteView(all).subspan(off, n)).ok());
            drain(a, got);
        }
        EXPECT_FALSE(a.has_partial());
        EXPECT_EQ(got, messages) << "chunk " << chunk;
    }
}

TEST(msg_assembler, PartialAndClear) {
    MessageAssembler a;
    Bytes fin = Finished{Bytes(32, 1)}.encode();
    ASSERT_TRUE(a.append(ByteView(fin).first(10)).ok());
    RawMessage raw;
    auto r = a.next(raw);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(*r);
    EXPECT_TRUE(a.has_partial());
    EXPECT_EQ(a.buffered(), 10u);
    a.clear();
    EXPECT_FALSE(a.has_partial());
    ASSERT_TRUE(a.append(fin).ok());
    r = a.next(raw);
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(*r);
    EXPECT_EQ(raw.type, HandshakeType::finished);
    EXPECT_EQ(raw.body.size(), 32u);
    EXPECT_FALSE(a.has_partial());
}

TEST(msg_assembler, LargerLimitAcceptsLargeCertificate) {
    Certificate c;
    c.entries.push_back({Bytes(100000, 0x30), {}});
    Bytes enc = c.encode();
    MessageAssembler small;
    EXPECT_FALSE(small.append(enc).ok());
    MessageAssembler big(1 << 20);
    ASSERT_TRUE(big.append(enc).ok());
    RawMessage raw;
    auto r = big.next(raw);
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(*r);
    auto back = Certificate::decode(raw.body);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->entries[0].data.size(), 100000u);
}

}  // namespace
}  // namespace qtls::msg
