// RFC 7250 certificate type extensions and raw public keys: the codec
// (valid and malformed bodies, where the extensions may appear), the
// negotiation helpers both state machines use, and the key loaders.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "handshake/certificate_type.h"
#include "msg/msg.h"
#include "qtls/raw_public_key.h"
#include "support/test_pki.h"
#include "support/vectors.h"

namespace qtls {
namespace {

using test::from_hex;
using msg::ExtensionType;

constexpr auto kServerType = static_cast<std::uint16_t>(ExtensionType::server_certificate_type);
constexpr auto kClientType = static_cast<std::uint16_t>(ExtensionType::client_certificate_type);

TEST(certificate_type_codec, ListRoundTrip) {
    Bytes body = msg::encode_certificate_types({2, 0});
    EXPECT_EQ(body, from_hex("020200"));
    auto back = msg::decode_certificate_types(body);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, (std::vector<std::uint8_t>{2, 0}));
}

TEST(certificate_type_codec, SelectedRoundTrip) {
    auto back = msg::decode_certificate_type_selected(msg::encode_certificate_type_selected(2));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, 2);
}

// Unknown types (OpenPGP, future ones) are kept: the engine skips them.
TEST(certificate_type_codec, UnknownTypesAreKept) {
    auto back = msg::decode_certificate_types(from_hex("03010207"));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->size(), 3u);
}

struct Malformed {
    const char* name;
    bool list;  // ClientHello list, else the EncryptedExtensions selection
    const char* hex;
};

class CertificateTypeMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(CertificateTypeMalformed, DecodeError) {
    const Malformed& c = GetParam();
    Bytes body = from_hex(c.hex);
    Alert alert = Alert::close_notify;
    if (c.list) {
        auto r = msg::decode_certificate_types(body);
        ASSERT_FALSE(r.ok()) << c.name;
        alert = r.error().alert;
    } else {
        auto r = msg::decode_certificate_type_selected(body);
        ASSERT_FALSE(r.ok()) << c.name;
        alert = r.error().alert;
    }
    EXPECT_EQ(alert, Alert::decode_error) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    rfc7250, CertificateTypeMalformed,
    ::testing::Values(Malformed{"list_empty_body", true, ""}, Malformed{"list_zero_length", true, "00"},
                      Malformed{"list_length_overruns", true, "0302"}, Malformed{"list_trailing_byte", true, "010200"},
                      Malformed{"selected_empty", false, ""}, Malformed{"selected_two_bytes", false, "0200"},
                      Malformed{"selected_as_list", false, "0102"}),
    [](const ::testing::TestParamInfo<Malformed>& i) { return std::string(i.param.name); });

// RFC 7250 §4 with RFC 8446 §4.2 / §4.3.1: ClientHello and
// EncryptedExtensions only.
TEST(certificate_type_codec, AllowedOnlyInClientHelloAndEncryptedExtensions) {
    using msg::HandshakeType;
    for (std::uint16_t t : {kServerType, kClientType}) {
        EXPECT_TRUE(msg::extension_allowed(t, HandshakeType::client_hello));
        EXPECT_TRUE(msg::extension_allowed(t, HandshakeType::encrypted_extensions));
        EXPECT_FALSE(msg::extension_allowed(t, HandshakeType::server_hello));
        EXPECT_FALSE(msg::extension_allowed(t, HandshakeType::server_hello, true));
        EXPECT_FALSE(msg::extension_allowed(t, HandshakeType::certificate));
        EXPECT_FALSE(msg::extension_allowed(t, HandshakeType::certificate_request));
        EXPECT_FALSE(msg::extension_allowed(t, HandshakeType::new_session_ticket));
    }
}

// ---- negotiation helpers ----

msg::Extensions with_server_types(const char* hex) { return {msg::Extension{kServerType, from_hex(hex)}}; }

CertifiedKey key_with(bool chain, bool raw) {
    CertifiedKey k;
    if (chain) k.chain = {Bytes{0x30}};
    if (raw) k.raw_public_key = Bytes{0x30};
    return k;
}

TEST(certificate_type_negotiation, OfferOmittedForX509Only) {
    EXPECT_FALSE(handshake::server_certificate_type_offer({CertificateType::x509}).has_value());
    auto offer = handshake::server_certificate_type_offer({CertificateType::raw_public_key, CertificateType::x509});
    ASSERT_TRUE(offer.has_value());
    EXPECT_EQ(*offer, from_hex("020200"));
}

TEST(certificate_type_negotiation, ServerFollowsClientOrder) {
    auto both = key_with(true, true);
    auto r = handshake::choose_server_certificate_type(with_server_types("020200"), both);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->type, CertificateType::raw_public_key);
    EXPECT_TRUE(r->answer);
    r = handshake::choose_server_certificate_type(with_server_types("020002"), both);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->type, CertificateType::x509);
    // OpenPGP (1) and unknown types are skipped, not selected.
    r = handshake::choose_server_certificate_type(with_server_types("03010702"), both);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->type, CertificateType::raw_public_key);
}

TEST(certificate_type_negotiation, ServerWithoutTheExtensionPresentsX509) {
    auto r = handshake::choose_server_certificate_type({}, key_with(true, true));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->type, CertificateType::x509);
    EXPECT_FALSE(r->answer);
    auto only_raw = handshake::choose_server_certificate_type({}, key_with(false, true));
    ASSERT_FALSE(only_raw.ok());
    EXPECT_EQ(only_raw.error().alert, Alert::handshake_failure);
}

TEST(certificate_type_negotiation, NoCommonTypeIsUnsupportedCertificate) {
    auto r = handshake::choose_server_certificate_type(with_server_types("0102"), key_with(true, false));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().alert, Alert::unsupported_certificate);
    auto bad = handshake::choose_server_certificate_type(with_server_types("00"), key_with(true, true));
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().alert, Alert::decode_error);
}

TEST(certificate_type_negotiation, ClientChecksTheSelection) {
    const std::vector<CertificateType> raw_only = {CertificateType::raw_public_key};
    const std::vector<CertificateType> both = {CertificateType::raw_public_key, CertificateType::x509};
    auto sel = handshake::server_certificate_type_selected(with_server_types("02"), raw_only);
    ASSERT_TRUE(sel.ok());
    EXPECT_EQ(*sel, CertificateType::raw_public_key);
    auto x509 = handshake::server_certificate_type_selected(with_server_types("00"), raw_only);
    ASSERT_FALSE(x509.ok());
    EXPECT_EQ(x509.error().alert, Alert::illegal_parameter);
    auto pgp = handshake::server_certificate_type_selected(with_server_types("01"), both);
    ASSERT_FALSE(pgp.ok());
    EXPECT_EQ(pgp.error().alert, Alert::illegal_parameter);
    auto absent_raw_only = handshake::server_certificate_type_selected({}, raw_only);
    ASSERT_FALSE(absent_raw_only.ok());
    EXPECT_EQ(absent_raw_only.error().alert, Alert::unsupported_certificate);
    auto absent_both = handshake::server_certificate_type_selected({}, both);
    ASSERT_TRUE(absent_both.ok());
    EXPECT_EQ(*absent_both, CertificateType::x509);
    auto two_bytes = handshake::server_certificate_type_selected(with_server_types("0200"), both);
    ASSERT_FALSE(two_bytes.ok());
    EXPECT_EQ(two_bytes.error().alert, Alert::decode_error);
}

TEST(certificate_type_negotiation, RawPublicKeyCertificateHoldsOneEntry) {
    msg::Certificate two;
    two.entries = {{Bytes{0x30}, {}}, {Bytes{0x30}, {}}};
    auto r = handshake::raw_public_key_from_certificate(two);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().alert, Alert::bad_certificate);
    msg::Certificate with_ext;
    with_ext.entries = {{Bytes{0x30}, {msg::Extension{5, {}}}}};
    r = handshake::raw_public_key_from_certificate(with_ext);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().alert, Alert::unsupported_extension);
    msg::Certificate one;
    one.entries = {{Bytes{0x30, 0x00}, {}}};
    r = handshake::raw_public_key_from_certificate(one);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, (Bytes{0x30, 0x00}));
}

TEST(certificate_type_config, RawPublicKeysNeedTheirVerifier) {
    ClientConfig c;
    c.server_certificate_types = {CertificateType::raw_public_key};
    EXPECT_FALSE(validate(c).ok());
    auto spki = certificate_public_key(test::test_pki().leaf(test::KeyType::ed25519)->chain.front());
    ASSERT_TRUE(spki.ok());
    c.server_raw_public_key_verifier = pinned_raw_public_keys({*spki}).value();
    EXPECT_TRUE(validate(c).ok()) << "raw keys only: no X.509 verifier needed";
    c.server_certificate_types = {CertificateType::raw_public_key, CertificateType::raw_public_key};
    EXPECT_FALSE(validate(c).ok());
    c.server_certificate_types = {};
    EXPECT_FALSE(validate(c).ok());
    c.server_certificate_types = {CertificateType::raw_public_key, CertificateType::x509};
    EXPECT_FALSE(validate(c).ok()) << "x509 listed: the X.509 verifier is still required";
}

// ---- loading and pinning ----

TEST(raw_public_key, DecodeRejectsGarbage) {
    for (const char* hex : {"", "00", "3000", "300a0102", "2d2d2d2d2d424547494e205055424c4943204b45592d2d2d2d2d0a"}) {
        auto r = decode_raw_public_key(from_hex(hex));
        ASSERT_FALSE(r.ok()) << hex;
        EXPECT_EQ(r.error().alert, Alert::bad_certificate);
    }
    // A valid SPKI followed by a stray byte is not one SubjectPublicKeyInfo.
    auto spki = certificate_public_key(test::test_pki().leaf(test::KeyType::ecdsa_p256)->chain.front()).value();
    spki.push_back(0);
    EXPECT_FALSE(decode_raw_public_key(spki).ok());
}

TEST(raw_public_key, PemDerAndPrivateKeyAgree) {
    const auto& issued = test::test_pki().issued(test::KeyType::ed25519);
    const Bytes spki = certificate_public_key(issued.certified->chain.front()).value();
    // The test PKI's private per-process directory (removed at exit).
    const std::string& ca = test::test_pki().ca_file();
    const std::string dir = ca.substr(0, ca.rfind('/'));
    std::string key_path = dir + "/rpk_unit_ed25519.key";
    {
        std::ofstream(key_path) << issued.key_pem;
    }
    auto from_key = raw_public_key_of_private_key_file(key_path);
    ASSERT_TRUE(from_key.ok()) << from_key.error().what;
    EXPECT_EQ(*from_key, spki);
    auto der = decode_raw_public_key(spki);
    ASSERT_TRUE(der.ok());
    EXPECT_EQ(*der, spki);
    auto certified = load_certified_raw_public_key(key_path);
    ASSERT_TRUE(certified.ok());
    EXPECT_EQ((*certified)->raw_public_key, spki);
    EXPECT_TRUE((*certified)->chain.empty());
    std::remove(key_path.c_str());
    EXPECT_FALSE(load_raw_public_key(dir + "/no-such-key.pub").ok());
}

TEST(raw_public_key, PinnedSetMatchesExactKeysOnly) {
    const Bytes a = certificate_public_key(test::test_pki().leaf(test::KeyType::ecdsa_p256)->chain.front()).value();
    const Bytes b = certificate_public_key(test::test_pki().leaf(test::KeyType::ed25519)->chain.front()).value();
    auto v = pinned_raw_public_keys({a});
    ASSERT_TRUE(v.ok());
    EXPECT_TRUE((*v)->verify(a, "localhost").ok());
    auto wrong = (*v)->verify(b, "localhost");
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().alert, Alert::bad_certificate);
    EXPECT_FALSE(pinned_raw_public_keys({}).ok());
    EXPECT_FALSE(pinned_raw_public_keys({Bytes{1, 2, 3}}).ok());
}

}  // namespace
}  // namespace qtls
