// RecordProtection against the RFC 8448 traces (every protected record must
// open to payload || type and seal back byte-exact) and the error cases of
// RFC 8446 §5.2–§5.4.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string>

#include "crypto/hkdf_label.h"
#include "qtls/provider.h"
#include "record/record_protection.h"
#include "support/vectors.h"

namespace qtls::record {
namespace {

using test::hex_field;
using test::load_vector;
using test::to_hex;

constexpr CipherSuite kTraceSuite = CipherSuite::aes_128_gcm_sha256;  // every RFC 8448 trace

const CryptoProvider& provider() { return *openssl_provider(); }

RecordProtection make_protection(ByteView secret, CipherSuite suite = kTraceSuite) {
    auto p = RecordProtection::create(provider(), suite, secret);
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().what);
    return std::move(p).value();
}

Bytes seal_record(RecordProtection& p, ContentType type, ByteView content, std::size_t padding = 0) {
    Bytes rec(sealed_record_length(content.size(), padding));
    if (!content.empty()) std::memcpy(rec.data() + kRecordHeaderLength, content.data(), content.size());
    Status st = p.seal(type, content.size(), padding, rec);
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().what);
    return rec;
}

class Rfc8448Records : public ::testing::TestWithParam<std::string> {};

TEST_P(Rfc8448Records, OpenAndSealEveryProtectedRecord) {
    const auto v = load_vector(GetParam());
    ASSERT_TRUE(v.contains("records"));
    // One sealing and one opening context per traffic key; sequence numbers
    // must advance from 0 exactly as the trace's `seq` says (RFC 8446 §5.3).
    std::map<std::string, RecordProtection> sealers;
    std::map<std::string, RecordProtection> openers;
    int checked = 0;
    for (const auto& r : v["records"]) {
        if (r["protection"].is_null()) continue;
        const std::string keys = r["protection"]["keys"].get<std::string>();
        const auto seq = r["protection"]["seq"].get<std::uint64_t>();
        const Bytes secret = hex_field(v["traffic_keys"][keys]["secret"]);
        if (!sealers.contains(keys)) {
            sealers.emplace(keys, make_protection(secret));
            openers.emplace(keys, make_protection(secret));
        }
        RecordProtection& sealer = sealers.at(keys);
        RecordProtection& opener = openers.at(keys);
        ASSERT_EQ(sealer.sequence(), seq) << keys;
        ASSERT_EQ(opener.sequence(), seq) << keys;

        const Bytes record = hex_field(r["record"]);
        const Bytes payload = hex_field(r["payload"]);
        const auto type = static_cast<ContentType>(r["content_type_id"].get<int>());

        Bytes buf = record;
        auto opened = opener.open(buf);
        ASSERT_TRUE(opened.ok()) << keys << " seq " << seq << ": " << opened.error().what;
        EXPECT_EQ(opened->type, type);
        EXPECT_EQ(to_hex(opened->content), to_hex(payload)) << keys << " seq " << seq;

        const Bytes sealed = seal_record(sealer, type, payload);
        EXPECT_EQ(to_hex(sealed), to_hex(record)) << keys << " seq " << seq;
        EXPECT_EQ(sealer.sequence(), seq + 1);
        EXPECT_EQ(opener.sequence(), seq + 1);
        ++checked;
    }
    EXPECT_GT(checked, 0);
}

INSTANTIATE_TEST_SUITE_P(Traces, Rfc8448Records,
                         ::testing::Values("rfc8448-simple-1rtt", "rfc8448-resumed-0rtt",
                                           "rfc8448-hello-retry-request", "rfc8448-client-auth",
                                           "rfc8448-compatibility-mode"),
                         [](const auto& info) {
                             std::string n = info.param;
                             for (char& c : n)
                                 if (c == '-') c = '_';
                             return n;
                         });

// Keys from the simple 1-RTT trace, plus a raw AEAD with the same key to
// forge records that seal() refuses to produce.
class Forge : public ::testing::Test {
protected:
    void SetUp() override {
        const auto v = load_vector("rfc8448-simple-1rtt");
        const auto& k = v["traffic_keys"]["server_application"];
        secret_ = hex_field(k["secret"]);
        key_ = hex_field(k["key"]);
        iv_ = hex_field(k["iv"]);
        ASSERT_EQ(iv_.size(), kAeadNonceLength);
    }

    // A record whose TLSInnerPlaintext is exactly `inner`, at `seq`.
    Bytes forge(ByteView inner, std::uint64_t seq) {
        Bytes rec(kRecordHeaderLength + inner.size() + kAeadTagLength);
        write_record_header(rec.data(), ContentType::application_data, kRecordVersion,
                            inner.size() + kAeadTagLength);
        Bytes nonce = iv_;
        for (int i = 0; i < 8; ++i) nonce[4 + i] ^= static_cast<std::uint8_t>(seq >> (8 * (7 - i)));
        auto aead = provider().aead(AeadAlg::aes_128_gcm, key_);
        EXPECT_TRUE(aead);
        std::memcpy(rec.data() + kRecordHeaderLength, inner.data(), inner.size());
        EXPECT_TRUE(aead->seal(nonce, ByteView(rec.data(), kRecordHeaderLength),
                               ByteView(rec.data() + kRecordHeaderLength, inner.size()),
                               MutableByteView(rec.data() + kRecordHeaderLength, inner.size() + kAeadTagLength)));
        return rec;
    }

    Bytes secret_, key_, iv_;
};

TEST_F(Forge, KeyAndIvFollowRfc8446Section7_3) {
    // The derivation matches the trace's printed key and iv.
    Bytes key(16), iv(12);
    ASSERT_TRUE(crypto::hkdf_expand_label(provider(), HashAlg::sha256, secret_, "key", {}, key));
    ASSERT_TRUE(crypto::hkdf_expand_label(provider(), HashAlg::sha256, secret_, "iv", {}, iv));
    EXPECT_EQ(to_hex(key), to_hex(key_));
    EXPECT_EQ(to_hex(iv), to_hex(iv_));
    // And a forged record with those raw values opens with our derivation.
    const std::uint8_t inner[] = {'h', 'i', 23};
    Bytes rec = forge(inner, 0);
    RecordProtection p = make_protection(secret_);
    auto opened = p.open(rec);
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(opened->type, ContentType::application_data);
    EXPECT_EQ(opened->content.size(), 2u);
}

TEST_F(Forge, PaddingIsStripped) {
    Bytes inner = {'a', 'b', 'c', 22};
    inner.resize(inner.size() + 200, 0);
    Bytes rec = forge(inner, 0);
    RecordProtection p = make_protection(secret_);
    auto opened = p.open(rec);
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(opened->type, ContentType::handshake);
    EXPECT_EQ(std::string(opened->content.begin(), opened->content.end()), "abc");
}

TEST_F(Forge, AllZeroInnerPlaintextIsUnexpectedMessage) {
    const Bytes inner(40, 0);
    Bytes rec = forge(inner, 0);
    RecordProtection p = make_protection(secret_);
    auto opened = p.open(rec);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().alert, Alert::unexpected_message);
}

TEST_F(Forge, InnerPlaintextOver2Pow14Plus1IsRecordOverflow) {
    Bytes inner(kMaxInnerPlaintext + 1, 'x');
    inner.back() = 23;
    Bytes rec = forge(inner, 0);
    RecordProtection p = make_protection(secret_);
    auto opened = p.open(rec);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().alert, Alert::record_overflow);
}

TEST_F(Forge, WrongSequenceNumberFailsAuthentication) {
    const std::uint8_t inner[] = {'x', 23};
    const Bytes rec = forge(inner, 5);
    RecordProtection p = make_protection(secret_);
    Bytes copy = rec;  // a failed open leaves the buffer's contents undefined
    auto opened = p.open(copy);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().alert, Alert::bad_record_mac);
    p.set_sequence_for_testing(5);
    copy = rec;
    EXPECT_TRUE(p.open(copy).ok());
    EXPECT_EQ(p.sequence(), 6u);
}

TEST_F(Forge, OversizedCiphertextIsRecordOverflow) {
    Bytes rec(kRecordHeaderLength + kMaxCiphertextFragment + 1, 0);
    write_record_header(rec.data(), ContentType::application_data, kRecordVersion, kMaxCiphertextFragment + 1);
    RecordProtection p = make_protection(secret_);
    auto opened = p.open(rec);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().alert, Alert::record_overflow);
}

TEST_F(Forge, TamperedRecordIsBadRecordMac) {
    RecordProtection sealer = make_protection(secret_);
    const Bytes good = seal_record(sealer, ContentType::application_data, as_bytes("attack at dawn"));
    for (std::size_t i : {std::size_t{4}, std::size_t{7}, good.size() - 1}) {
        Bytes bad = good;
        if (i == 4) {
            // Header bytes are the AAD: change the version instead of the
            // length so the length still matches.
            bad[2] = 0x01;
        } else {
            bad[i] ^= 0x40;
        }
        RecordProtection opener = make_protection(secret_);
        auto opened = opener.open(bad);
        ASSERT_FALSE(opened.ok()) << i;
        EXPECT_EQ(opened.error().alert, Alert::bad_record_mac) << i;
        EXPECT_EQ(opener.sequence(), 0u) << "a failed record does not consume a sequence number";
    }
}

TEST_F(Forge, TooShortOrWrongOuterType) {
    RecordProtection p = make_protection(secret_);
    Bytes tiny(kRecordHeaderLength + kAeadTagLength, 0);
    write_record_header(tiny.data(), ContentType::application_data, kRecordVersion, kAeadTagLength);
    auto r1 = p.open(tiny);
    ASSERT_FALSE(r1.ok());
    EXPECT_EQ(r1.error().alert, Alert::bad_record_mac);

    RecordProtection sealer = make_protection(secret_);
    Bytes rec = seal_record(sealer, ContentType::handshake, as_bytes("x"));
    rec[0] = static_cast<std::uint8_t>(ContentType::handshake);
    auto r2 = p.open(rec);
    ASSERT_FALSE(r2.ok());
    EXPECT_EQ(r2.error().alert, Alert::unexpected_message);
}

TEST_F(Forge, SealWithPaddingRoundTrips) {
    RecordProtection sealer = make_protection(secret_);
    RecordProtection opener = make_protection(secret_);
    const Bytes close_notify = {1, 0};
    const Bytes rec = seal_record(sealer, ContentType::alert, close_notify, 61);
    EXPECT_EQ(rec.size(), kRecordHeaderLength + 2 + 1 + 61 + kAeadTagLength);
    EXPECT_EQ(rec[0], 23);  // opaque_type (RFC 8446 §5.2)
    EXPECT_EQ(rec[1], 0x03);
    EXPECT_EQ(rec[2], 0x03);
    Bytes buf = rec;
    auto opened = opener.open(buf);
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(opened->type, ContentType::alert);
    EXPECT_EQ(opened->content.size(), 2u);
}

TEST_F(Forge, SealRefusesOversizedInnerPlaintext) {
    RecordProtection sealer = make_protection(secret_);
    Bytes content(kMaxPlaintextFragment, 'a');
    Bytes rec(sealed_record_length(content.size(), 1));
    Status st = sealer.seal(ContentType::application_data, content.size(), 1, rec);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().alert, Alert::record_overflow);
    // Exactly 2^14 content bytes and no padding is the largest legal record.
    Bytes max_rec(sealed_record_length(content.size(), 0));
    EXPECT_TRUE(sealer.seal(ContentType::application_data, content.size(), 0, max_rec).ok());
    EXPECT_EQ(max_rec.size(), kRecordHeaderLength + kMaxInnerPlaintext + kAeadTagLength);
}

TEST_F(Forge, SequenceNumberNeverWraps) {
    RecordProtection sealer = make_protection(secret_);
    RecordProtection opener = make_protection(secret_);
    sealer.set_sequence_for_testing(UINT64_MAX);
    opener.set_sequence_for_testing(UINT64_MAX);
    Bytes last = seal_record(sealer, ContentType::application_data, as_bytes("last"));
    EXPECT_TRUE(sealer.exhausted());
    ASSERT_TRUE(opener.open(last).ok());
    EXPECT_TRUE(opener.exhausted());

    Bytes rec(sealed_record_length(1, 0));
    rec[kRecordHeaderLength] = 'x';
    Status st = sealer.seal(ContentType::application_data, 1, 0, rec);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(sealer.sequence(), UINT64_MAX);
}

TEST(RecordProtectionCreate, RejectsWrongSecretLengthAndUnknownSuite) {
    const Bytes secret(32, 7);
    EXPECT_FALSE(RecordProtection::create(provider(), CipherSuite::aes_256_gcm_sha384, secret).ok());
    EXPECT_FALSE(RecordProtection::create(provider(), static_cast<CipherSuite>(0x1304), secret).ok());
}

TEST(RecordProtectionSuites, EverySuiteRoundTrips) {
    for (CipherSuite suite : {CipherSuite::aes_128_gcm_sha256, CipherSuite::aes_256_gcm_sha384,
                              CipherSuite::chacha20_poly1305_sha256}) {
        const SuiteInfo* info = suite_info(suite);
        ASSERT_NE(info, nullptr);
        const Bytes secret(info->hash_len, 0x5a);
        RecordProtection sealer = make_protection(secret, suite);
        RecordProtection opener = make_protection(secret, suite);
        for (int i = 0; i < 3; ++i) {
            Bytes rec = seal_record(sealer, ContentType::application_data, as_bytes("hello, record"), i * 7);
            auto opened = opener.open(rec);
            ASSERT_TRUE(opened.ok()) << info->name;
            EXPECT_EQ(std::string(opened->content.begin(), opened->content.end()), "hello, record");
        }
        EXPECT_EQ(opener.sequence(), 3u);
    }
}

}  // namespace
}  // namespace qtls::record
