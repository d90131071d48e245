// A table of malformed handshake messages, extension blocks and extension
// bodies, each with the alert RFC 8446 §6.2 (and RFC 6066 / 7301 / 8449)
// calls for, plus the message assembler under hostile framing.
#include <gtest/gtest.h>

#include <cstdio>
#include <ostream>
#include <optional>
#include <string>
#include <vector>

#include "msg/msg.h"
#include "support/vectors.h"

namespace qtls::msg {
namespace {

using test::from_hex;

// ---- hex building helpers ----

std::string hex_len(std::size_t n, int bytes) {
    std::string out;
    char buf[3];
    for (int i = bytes - 1; i >= 0; --i) {
        std::snprintf(buf, sizeof(buf), "%02x", static_cast<unsigned>((n >> (8 * i)) & 0xff));
        out += buf;
    }
    return out;
}
std::string v8(const std::string& h) { return hex_len(h.size() / 2, 1) + h; }
std::string v16(const std::string& h) { return hex_len(h.size() / 2, 2) + h; }
std::string v24(const std::string& h) { return hex_len(h.size() / 2, 3) + h; }
std::string rep(const std::string& h, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += h;
    return out;
}
// One extension: type (4 hex digits) + 2-byte length + body.
std::string ext(const std::string& type, const std::string& body) { return type + v16(body); }

const std::string kRandom = rep("11", 32);
const std::string kSupportedVersions = ext("002b", v8("0304"));
const std::string kSigAlgs = ext("000d", v16("0403"));

// A ClientHello body with a raw extension block (already length-prefixed).
std::string ch_raw(const std::string& block) { return "0303" + kRandom + "00" + v16("1301") + v8("00") + block; }
std::string ch(const std::string& exts) { return ch_raw(v16(exts)); }
// ServerHello / HelloRetryRequest bodies with the given extensions.
std::string sh(const std::string& exts) { return "0303" + kRandom + "00" + "1301" + "00" + v16(exts); }
std::string hrr(const std::string& exts) {
    return "0303cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c" "00" "1301" "00" + v16(exts);
}
std::string nst(const std::string& lifetime, const std::string& ticket, const std::string& exts) {
    return lifetime + "01020304" + v8("00") + v16(ticket) + v16(exts);
}

// ---- the decoders under test ----

enum class Kind {
    client_hello, server_hello, encrypted_extensions, certificate_request, certificate, certificate_verify,
    finished32, new_session_ticket, key_update, end_of_early_data,
    server_name, server_name_ack, supported_groups, signature_algorithms, signature_algorithms_cert,
    supported_versions_client, supported_versions_server, psk_key_exchange_modes, key_share_client,
    key_share_server, key_share_hrr, pre_shared_key_client, pre_shared_key_server, early_data,
    early_data_ticket, cookie, post_handshake_auth, alpn, alpn_server, status_request, certificate_status,
    certificate_authorities, record_size_limit, sct_request, sct_list,
    assembler,  // feeds the bytes to a MessageAssembler and drains it
};

template <class R>
std::optional<Error> err(const R& r) {
    if (r.ok()) return std::nullopt;
    return r.error();
}

std::optional<Error> run_assembler(ByteView bytes) {
    MessageAssembler a;
    if (auto s = a.append(bytes); !s.ok()) return s.error();
    RawMessage raw;
    for (;;) {
        auto r = a.next(raw);
        if (!r.ok()) return r.error();
        if (!*r) return std::nullopt;
    }
}

std::optional<Error> run(Kind k, ByteView b) {
    switch (k) {
        case Kind::client_hello: return err(ClientHello::decode(b));
        case Kind::server_hello: return err(ServerHello::decode(b));
        case Kind::encrypted_extensions: return err(EncryptedExtensions::decode(b));
        case Kind::certificate_request: return err(CertificateRequest::decode(b));
        case Kind::certificate: return err(Certificate::decode(b));
        case Kind::certificate_verify: return err(CertificateVerify::decode(b));
        case Kind::finished32: return err(Finished::decode(b, 32));
        case Kind::new_session_ticket: return err(NewSessionTicket::decode(b));
        case Kind::key_update: return err(KeyUpdate::decode(b));
        case Kind::end_of_early_data: return err(EndOfEarlyData::decode(b));
        case Kind::server_name: return err(decode_server_name(b));
        case Kind::server_name_ack: return err(decode_server_name_ack(b));
        case Kind::supported_groups: return err(decode_supported_groups(b));
        case Kind::signature_algorithms: return err(decode_signature_algorithms(b));
        case Kind::signature_algorithms_cert: return err(decode_signature_algorithms_cert(b));
        case Kind::supported_versions_client: return err(decode_supported_versions_client(b));
        case Kind::supported_versions_server: return err(decode_supported_versions_server(b));
        case Kind::psk_key_exchange_modes: return err(decode_psk_key_exchange_modes(b));
        case Kind::key_share_client: return err(decode_key_share_client(b));
        case Kind::key_share_server: return err(decode_key_share_server(b));
        case Kind::key_share_hrr: return err(decode_key_share_hrr(b));
        case Kind::pre_shared_key_client: return err(decode_pre_shared_key_client(b));
        case Kind::pre_shared_key_server: return err(decode_pre_shared_key_server(b));
        case Kind::early_data: return err(decode_early_data(b));
        case Kind::early_data_ticket: return err(decode_early_data_ticket(b));
        case Kind::cookie: return err(decode_cookie(b));
        case Kind::post_handshake_auth: return err(decode_post_handshake_auth(b));
        case Kind::alpn: return err(decode_alpn(b));
        case Kind::alpn_server: return err(decode_alpn_server(b));
        case Kind::status_request: return err(decode_status_request(b));
        case Kind::certificate_status: return err(decode_certificate_status(b));
        case Kind::certificate_authorities: return err(decode_certificate_authorities(b));
        case Kind::record_size_limit: return err(decode_record_size_limit(b));
        case Kind::sct_request: return err(decode_sct_request(b));
        case Kind::sct_list: return err(decode_sct_list(b));
        case Kind::assembler: return run_assembler(b);
    }
    return std::nullopt;
}

struct Case {
    const char* name;
    Kind kind;
    std::string hex;
    Alert expected;
};

constexpr Alert DE = Alert::decode_error;
constexpr Alert IP = Alert::illegal_parameter;

std::vector<Case> cases() {
    const std::string share = "001d" + v16(rep("aa", 32));
    const std::string binder = v8(rep("bb", 32));
    const std::string identity = v16("0102") + "00000000";
    const std::string psk_client = v16(identity) + v16(binder);
    return {
        // ClientHello framing (§4.1.2)
        {"ch_empty", Kind::client_hello, "", DE},
        {"ch_truncated_random", Kind::client_hello, "0303" + rep("11", 20), DE},
        {"ch_session_id_33", Kind::client_hello, "0303" + kRandom + v8(rep("00", 33)) + v16("1301") + v8("00") + v16(""), DE},
        {"ch_session_id_overruns", Kind::client_hello, "0303" + kRandom + "20" + "0000", DE},
        {"ch_cipher_suites_empty", Kind::client_hello, "0303" + kRandom + "00" + v16("") + v8("00") + v16(""), DE},
        {"ch_cipher_suites_odd", Kind::client_hello, "0303" + kRandom + "00" + v16("130113") + v8("00") + v16(""), DE},
        {"ch_compression_empty", Kind::client_hello, "0303" + kRandom + "00" + v16("1301") + v8("") + v16(""), DE},
        {"ch_ext_block_overlong", Kind::client_hello, ch_raw("0010" + kSupportedVersions), DE},
        {"ch_ext_block_one_byte", Kind::client_hello, ch_raw("00"), DE},
        {"ch_trailing_byte", Kind::client_hello, ch(kSupportedVersions) + "00", DE},
        {"ch_ext_body_overruns_block", Kind::client_hello, ch("002b0005" "020304"), DE},
        {"ch_ext_header_truncated", Kind::client_hello, ch("002b00"), DE},
        // Extension block rules (§4.2)
        {"ch_duplicate_extension", Kind::client_hello, ch(kSupportedVersions + kSupportedVersions), IP},
        {"ch_duplicate_unknown_extension", Kind::client_hello, ch(ext("1a1a", "") + ext("1a1a", "")), IP},
        {"ch_pre_shared_key_not_last", Kind::client_hello, ch(ext("0029", psk_client) + kSupportedVersions), IP},
        {"ch_oid_filters", Kind::client_hello, ch(ext("0030", v16(""))), IP},
        {"sh_cookie", Kind::server_hello, sh(ext("002c", v16("01"))), IP},
        {"sh_server_name", Kind::server_hello, sh(ext("0000", "")), IP},
        {"sh_psk_modes", Kind::server_hello, sh(ext("002d", v8("01"))), IP},
        {"hrr_pre_shared_key", Kind::server_hello, hrr(ext("0029", "0000")), IP},
        {"hrr_early_data", Kind::server_hello, hrr(ext("002a", "")), IP},
        {"ee_key_share", Kind::encrypted_extensions, v16(ext("0033", share)), IP},
        {"ee_supported_versions", Kind::encrypted_extensions, v16(ext("002b", "0304")), IP},
        {"ee_psk_key_exchange_modes", Kind::encrypted_extensions, v16(ext("002d", v8("01"))), IP},
        {"cr_key_share", Kind::certificate_request, v8("") + v16(kSigAlgs + ext("0033", share)), IP},
        {"cert_entry_server_name", Kind::certificate, v8("") + v24(v24("30") + v16(ext("0000", ""))), IP},
        {"nst_key_share", Kind::new_session_ticket, nst("00000e10", "ab", ext("0033", share)), IP},
        // ServerHello (§4.1.3)
        {"sh_truncated", Kind::server_hello, "0303" + kRandom + "00" + "13", DE},
        {"sh_trailing_byte", Kind::server_hello, sh(ext("002b", "0304")) + "ff", DE},
        {"sh_session_id_33", Kind::server_hello, "0303" + kRandom + v8(rep("00", 33)) + "1301" "00" + v16(""), DE},
        {"sh_compression_method_1", Kind::server_hello, "0303" + kRandom + "00" + "1301" "01" + v16(""), IP},
        // EncryptedExtensions (§4.3.1)
        {"ee_empty_body", Kind::encrypted_extensions, "", DE},
        {"ee_trailing_byte", Kind::encrypted_extensions, "000000", DE},
        // CertificateRequest (§4.3.2)
        {"cr_missing_signature_algorithms", Kind::certificate_request, v8("") + v16(""), Alert::missing_extension},
        {"cr_context_overruns", Kind::certificate_request, "05" "0102", DE},
        {"cr_trailing_byte", Kind::certificate_request, v8("") + v16(kSigAlgs) + "00", DE},
        // Certificate (§4.4.2)
        {"cert_empty_cert_data", Kind::certificate, v8("") + v24(v24("") + v16("")), DE},
        {"cert_list_overlong", Kind::certificate, v8("") + "000010" + v24("30") + v16(""), DE},
        {"cert_entry_missing_extensions", Kind::certificate, v8("") + v24(v24("30")), DE},
        {"cert_trailing_byte", Kind::certificate, v8("") + v24("") + "00", DE},
        // CertificateVerify (§4.4.3)
        {"cv_truncated_signature", Kind::certificate_verify, "0804" "0010" "0102", DE},
        {"cv_trailing_byte", Kind::certificate_verify, "0804" + v16("0102") + "00", DE},
        {"cv_no_scheme", Kind::certificate_verify, "08", DE},
        // Finished (§4.4.4)
        {"finished_31_bytes", Kind::finished32, rep("00", 31), DE},
        {"finished_33_bytes", Kind::finished32, rep("00", 33), DE},
        {"finished_empty", Kind::finished32, "", DE},
        // NewSessionTicket (§4.6.1)
        {"nst_lifetime_604801", Kind::new_session_ticket, nst("00093a81", "ab", ""), IP},
        {"nst_empty_ticket", Kind::new_session_ticket, nst("00000e10", "", ""), DE},
        {"nst_truncated", Kind::new_session_ticket, "00000e10" "0102", DE},
        {"nst_trailing_byte", Kind::new_session_ticket, nst("00000e10", "ab", "") + "00", DE},
        // KeyUpdate (§4.6.3) and EndOfEarlyData (§4.5)
        {"key_update_value_2", Kind::key_update, "02", IP},
        {"key_update_value_255", Kind::key_update, "ff", IP},
        {"key_update_empty", Kind::key_update, "", DE},
        {"key_update_two_bytes", Kind::key_update, "0000", DE},
        {"end_of_early_data_non_empty", Kind::end_of_early_data, "00", DE},
        // server_name (RFC 6066 §3)
        {"sni_empty_list", Kind::server_name, v16(""), DE},
        {"sni_empty_host", Kind::server_name, v16("00" + v16("")), DE},
        {"sni_two_host_names", Kind::server_name, v16("00" + v16("61") + "00" + v16("62")), IP},
        {"sni_unknown_name_type", Kind::server_name, v16("01" + v16("61")), DE},
        {"sni_trailing_byte", Kind::server_name, v16("00" + v16("61")) + "00", DE},
        {"sni_host_overruns", Kind::server_name, v16("00" "0005" "61"), DE},
        {"sni_nul_in_host", Kind::server_name, v16("00" + v16("610062")), IP},
        {"sni_ack_non_empty", Kind::server_name_ack, "00", DE},
        // code point lists (§4.2.1, §4.2.3, §4.2.7, §4.2.9)
        {"groups_empty", Kind::supported_groups, v16(""), DE},
        {"groups_odd", Kind::supported_groups, v16("001d00"), DE},
        {"groups_trailing_byte", Kind::supported_groups, v16("001d") + "00", DE},
        {"groups_no_prefix", Kind::supported_groups, "", DE},
        {"sigalgs_empty", Kind::signature_algorithms, v16(""), DE},
        {"sigalgs_odd", Kind::signature_algorithms, v16("040305"), DE},
        {"sigalgs_cert_empty", Kind::signature_algorithms_cert, v16(""), DE},
        {"versions_client_empty", Kind::supported_versions_client, v8(""), DE},
        {"versions_client_odd", Kind::supported_versions_client, v8("030403"), DE},
        {"versions_server_three_bytes", Kind::supported_versions_server, "030400", DE},
        {"versions_server_one_byte", Kind::supported_versions_server, "03", DE},
        {"psk_modes_empty", Kind::psk_key_exchange_modes, v8(""), DE},
        {"psk_modes_overruns", Kind::psk_key_exchange_modes, "0301", DE},
        // key_share (§4.2.8)
        {"key_share_empty_key_exchange", Kind::key_share_client, v16("001d" + v16("")), DE},
        {"key_share_duplicate_group", Kind::key_share_client, v16(share + share), IP},
        {"key_share_truncated_entry", Kind::key_share_client, v16("001d00"), DE},
        {"key_share_list_overlong", Kind::key_share_client, "0100" + share, DE},
        {"key_share_server_trailing", Kind::key_share_server, share + "00", DE},
        {"key_share_server_empty_key", Kind::key_share_server, "001d" + v16(""), DE},
        {"key_share_hrr_one_byte", Kind::key_share_hrr, "00", DE},
        {"key_share_hrr_trailing", Kind::key_share_hrr, "001700", DE},
        // pre_shared_key (§4.2.11)
        {"psk_count_mismatch", Kind::pre_shared_key_client, v16(identity + identity) + v16(binder), IP},
        {"psk_binder_31_bytes", Kind::pre_shared_key_client, v16(identity) + v16(v8(rep("bb", 31))), DE},
        {"psk_empty_identities", Kind::pre_shared_key_client, v16("") + v16(binder), DE},
        {"psk_empty_binders", Kind::pre_shared_key_client, v16(identity) + v16(""), DE},
        {"psk_empty_identity", Kind::pre_shared_key_client, v16(v16("") + "00000000") + v16(binder), DE},
        {"psk_identity_missing_age", Kind::pre_shared_key_client, v16(v16("01")) + v16(binder), DE},
        {"psk_trailing_byte", Kind::pre_shared_key_client, psk_client + "00", DE},
        {"psk_server_three_bytes", Kind::pre_shared_key_server, "000000", DE},
        // small bodies
        {"early_data_non_empty", Kind::early_data, "00", DE},
        {"early_data_ticket_three_bytes", Kind::early_data_ticket, "000400", DE},
        {"early_data_ticket_five_bytes", Kind::early_data_ticket, "0000040000", DE},
        {"cookie_empty", Kind::cookie, v16(""), DE},
        {"cookie_trailing_byte", Kind::cookie, v16("01") + "02", DE},
        {"post_handshake_auth_non_empty", Kind::post_handshake_auth, "00", DE},
        {"record_size_limit_63", Kind::record_size_limit, "003f", IP},
        {"record_size_limit_0", Kind::record_size_limit, "0000", IP},
        {"record_size_limit_one_byte", Kind::record_size_limit, "40", DE},
        {"record_size_limit_three_bytes", Kind::record_size_limit, "400100", DE},
        // ALPN (RFC 7301 §3.1)
        {"alpn_empty_list", Kind::alpn, v16(""), DE},
        {"alpn_empty_name", Kind::alpn, v16(v8("") + v8("6832")), DE},
        {"alpn_name_overruns", Kind::alpn, v16("05" "6832"), DE},
        {"alpn_server_two_names", Kind::alpn_server, v16(v8("6832") + v8("6833")), DE},
        {"alpn_server_empty_list", Kind::alpn_server, v16(""), DE},
        // status_request (RFC 6066 §8) and CertificateStatus (RFC 8446 §4.4.2.1)
        {"status_request_truncated", Kind::status_request, "01" "0000", DE},
        {"status_request_empty_responder_id", Kind::status_request, "01" + v16(v16("")) + v16(""), DE},
        {"status_request_trailing_byte", Kind::status_request, "01" "0000" "0000" "00", DE},
        {"certificate_status_empty_response", Kind::certificate_status, "01" + v24(""), DE},
        {"certificate_status_wrong_type", Kind::certificate_status, "02" + v24("30"), IP},
        // certificate_authorities (§4.2.4)
        {"authorities_empty_list", Kind::certificate_authorities, v16(""), DE},
        {"authorities_empty_name", Kind::certificate_authorities, v16(v16("")), DE},
        {"authorities_name_overruns", Kind::certificate_authorities, v16("0005" "30"), DE},
        {"authorities_trailing_byte", Kind::certificate_authorities, v16(v16("30")) + "00", DE},
        // signed_certificate_timestamp (RFC 6962 §3.3)
        {"sct_request_non_empty", Kind::sct_request, "00", DE},
        {"sct_list_empty", Kind::sct_list, "", DE},
        {"sct_list_empty_list", Kind::sct_list, v16(""), DE},
        {"sct_list_empty_sct", Kind::sct_list, v16(v16("")), DE},
        {"sct_list_sct_overruns", Kind::sct_list, v16("0009" "00"), DE},
        {"sct_list_trailing_byte", Kind::sct_list, v16(v16("00")) + "00", DE},
        {"sct_list_truncated_prefix", Kind::sct_list, "00", DE},
        // the assembler
        {"assembler_oversize", Kind::assembler, "0b010001", DE},
        {"assembler_max_u24", Kind::assembler, "14ffffff", DE},
        {"assembler_unknown_type_3", Kind::assembler, "03000000", Alert::unexpected_message},
        {"assembler_type_0", Kind::assembler, "00000000", Alert::unexpected_message},
        {"assembler_message_hash_type", Kind::assembler, "fe000020", Alert::unexpected_message},
        {"assembler_unknown_after_valid", Kind::assembler, "05000000" "63000000", Alert::unexpected_message},
    };
}

// Short parameter names in test output instead of a byte dump.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class MalformedTest : public ::testing::TestWithParam<Case> {};

TEST_P(MalformedTest, RejectedWithExpectedAlert) {
    const Case& c = GetParam();
    Bytes input = from_hex(c.hex);
    std::optional<Error> e = run(c.kind, input);
    ASSERT_TRUE(e.has_value()) << c.name << " was accepted";
    EXPECT_EQ(static_cast<int>(e->alert), static_cast<int>(c.expected))
        << c.name << ": got " << to_string(e->alert) << " (" << e->what << ")";
    EXPECT_FALSE(e->what.empty());
}

INSTANTIATE_TEST_SUITE_P(msg_malformed, MalformedTest, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& i) { return std::string(i.param.name); });

TEST(msg_malformed_table, HasAtLeastFortyCases) { EXPECT_GE(cases().size(), 40u); }

// The valid inputs the table's builders start from are accepted, so every
// rejection above is due to the one defect each case introduces.
TEST(msg_malformed_table, BaselinesAreAccepted) {
    const std::string share = "001d" + v16(rep("aa", 32));
    EXPECT_FALSE(run(Kind::client_hello, from_hex(ch(kSupportedVersions + ext("0029", v16(v16("0102") + "00000000") +
                                                                                      v16(v8(rep("bb", 32))))))));
    EXPECT_FALSE(run(Kind::server_hello, from_hex(sh(ext("002b", "0304") + ext("0033", share)))));
    EXPECT_FALSE(run(Kind::server_hello, from_hex(hrr(ext("002c", v16("01")) + ext("0033", "0017")))));
    EXPECT_FALSE(run(Kind::certificate_request, from_hex(v8("") + v16(kSigAlgs))));
    EXPECT_FALSE(run(Kind::certificate, from_hex(v8("") + v24(v24("30") + v16(ext("0005", "01" + v24("30")))))));
    EXPECT_FALSE(run(Kind::new_session_ticket, from_hex(nst("00093a80", "ab", ext("002a", "00000400")))));
    EXPECT_FALSE(run(Kind::record_size_limit, from_hex("0040")));
    EXPECT_FALSE(run(Kind::key_update, from_hex("01")));
    EXPECT_FALSE(run(Kind::server_name, from_hex(v16("00" + v16("61")))));
    EXPECT_FALSE(run(Kind::assembler, from_hex("0b010000" + rep("00", 65536))));
}

// ---- the assembler under hostile framing ----

TEST(msg_malformed_assembler, ByteAtATimeReportsErrorsAndMessagesInOrder) {
    // KeyUpdate, then EndOfEarlyData, then a message of unknown type 7.
    Bytes stream = from_hex("1800000101" "05000000" "07000001ff");
    MessageAssembler a;
    std::vector<HandshakeType> got;
    std::optional<Error> failure;
    for (std::uint8_t byte : stream) {
        auto s = a.append(ByteView(&byte, 1));
        ASSERT_TRUE(s.ok());
        RawMessage raw;
        for (;;) {
            auto r = a.next(raw);
            if (!r.ok()) {
                failure = r.error();
                break;
            }
            if (!*r) break;
            got.push_back(raw.type);
        }
        if (failure) break;
    }
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0], HandshakeType::key_update);
    EXPECT_EQ(got[1], HandshakeType::end_of_early_data);
    ASSERT_TRUE(failure.has_value());
    EXPECT_EQ(failure->alert, Alert::unexpected_message);
}

TEST(msg_malformed_assembler, OversizeRejectedByteAtATimeBeforeBodyArrives) {
    MessageAssembler a(1000);
    Bytes header = from_hex("0b0003e9");  // 1001 > 1000
    for (std::size_t i = 0; i + 1 < header.size(); ++i) ASSERT_TRUE(a.append(ByteView(header).subspan(i, 1)).ok());
    auto s = a.append(ByteView(header).subspan(3, 1));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().alert, Alert::decode_error);
    EXPECT_EQ(s.error().what, "handshake message too large");
    EXPECT_LE(a.buffered(), 4u);  // the body was never buffered
    // Sticky until clear().
    EXPECT_FALSE(a.append(from_hex("00")).ok());
    RawMessage raw;
    EXPECT_FALSE(a.next(raw).ok());
    a.clear();
    ASSERT_TRUE(a.append(from_hex("0b0003e8")).ok());  // exactly 1000 is fine
    auto r = a.next(raw);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(*r);
    EXPECT_TRUE(a.has_partial());
}

TEST(msg_malformed_assembler, OversizeSecondMessageInOneAppend) {
    MessageAssembler a(16);
    auto s = a.append(from_hex("1400000400000000" "0b000011"));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().alert, Alert::decode_error);
}

TEST(msg_malformed_assembler, SplitHeaderAcrossAppends) {
    MessageAssembler a;
    Bytes fin = Finished{Bytes(32, 7)}.encode();
    RawMessage raw;
    ASSERT_TRUE(a.append(ByteView(fin).first(2)).ok());
    auto r = a.next(raw);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(*r);
    ASSERT_TRUE(a.append(ByteView(fin).subspan(2, 20)).ok());
    r = a.next(raw);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(*r);
    ASSERT_TRUE(a.append(ByteView(fin).subspan(22)).ok());
    r = a.next(raw);
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(*r);
    EXPECT_EQ(Bytes(raw.full.begin(), raw.full.end()), fin);
    EXPECT_FALSE(a.has_partial());
}

// Every strict truncation of every RFC 8448 message is rejected with
// decode_error, except ClientHello/ServerHello cut exactly before the
// extension block (the pre-TLS-1.3 shape, left to the engine). Single-byte
// corruptions must never crash (run under ASan/UBSan with QTLS_SANITIZE).
Kind kind_of(std::uint8_t type) {
    switch (static_cast<HandshakeType>(type)) {
        case HandshakeType::client_hello: return Kind::client_hello;
        case HandshakeType::server_hello: return Kind::server_hello;
        case HandshakeType::encrypted_extensions: return Kind::encrypted_extensions;
        case HandshakeType::certificate_request: return Kind::certificate_request;
        case HandshakeType::certificate: return Kind::certificate;
        case HandshakeType::certificate_verify: return Kind::certificate_verify;
        case HandshakeType::finished: return Kind::finished32;
        case HandshakeType::new_session_ticket: return Kind::new_session_ticket;
        case HandshakeType::end_of_early_data: return Kind::end_of_early_data;
        default: return Kind::key_update;
    }
}

TEST(msg_malformed_mutations, TruncationsAndCorruptionsOfTraceMessages) {
    const char* traces[] = {"rfc8448-simple-1rtt", "rfc8448-resumed-0rtt", "rfc8448-hello-retry-request",
                            "rfc8448-client-auth", "rfc8448-compatibility-mode"};
    int accepted_truncations = 0;
    for (const char* name : traces) {
        auto v = test::load_vector(name);
        for (const auto& m : v["handshake_messages"]) {
            Bytes full = test::hex_field(m["hex"]);
            ByteView body = ByteView(full).subspan(kHandshakeHeaderSize);
            Kind k = kind_of(full[0]);
            ASSERT_FALSE(run(k, body).has_value()) << name;
            for (std::size_t n = 0; n < body.size(); ++n) {
                auto e = run(k, body.first(n));
                if (!e) {
                    ++accepted_truncations;
                    EXPECT_TRUE(k == Kind::client_hello || k == Kind::server_hello) << name << " prefix " << n;
                    continue;
                }
                EXPECT_EQ(e->alert, Alert::decode_error) << name << " prefix " << n << ": " << e->what;
            }
            Bytes copy(body.begin(), body.end());
            for (std::size_t i = 0; i < copy.size(); ++i) {
                for (std::uint8_t flip : {std::uint8_t{0x01}, std::uint8_t{0x80}, std::uint8_t{0xff}}) {
                    copy[i] ^= flip;
                    (void)run(k, copy);
                    (void)run_assembler(copy);
                    copy[i] ^= flip;
                }
            }
        }
    }
    // One legacy-shaped prefix per ClientHello/ServerHello (12 in the traces).
    EXPECT_EQ(accepted_truncations, 12);
}

// A block of many empty unknown extensions stays linear (no quadratic
// duplicate scan) and decodes.
TEST(msg_malformed_extensions, ManyDistinctExtensionsDecode) {
    std::string exts;
    for (int t = 0x1000; t < 0x1000 + 8000; ++t) exts += hex_len(static_cast<std::size_t>(t), 2) + "0000";
    Bytes body = from_hex(v16(exts));
    wire::Reader r(body);
    Extensions out;
    ASSERT_TRUE(decode_extensions(r, HandshakeType::encrypted_extensions, out).ok());
    EXPECT_EQ(out.size(), 8000u);
}

}  // namespace
}  // namespace qtls::msg
