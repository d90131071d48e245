// QUIC packet protection against the RFC 9001 (v1) and RFC 9369 (v2)
// Appendix A samples, byte for byte, for every provider that implements the
// primitives involved.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "qtls/provider.h"
#include "qtls/quic_crypto.h"
#include "support/vectors.h"

namespace qtls::quic {
namespace {

using test::from_hex;
using test::hex_field;
using test::load_vector;
using test::to_hex;

std::string hex(ByteView b) { return to_hex(b); }
std::string field(const nlohmann::json& j) { return j.get<std::string>(); }

// Delegates every primitive to a real provider and records what HKDF saw,
// so the tests can check the HkdfLabel encodings and the Initial PRK.
class RecordingProvider final : public CryptoProvider {
public:
    explicit RecordingProvider(ProviderPtr inner) : inner_(std::move(inner)) {}

    mutable std::vector<Bytes> expand_infos;
    mutable std::vector<Bytes> extract_outputs;

    std::string_view name() const override { return "recording"; }
    std::unique_ptr<HashContext> hash(HashAlg alg) const override { return inner_->hash(alg); }
    Digest hmac(HashAlg alg, ByteView key, ByteView data) const override { return inner_->hmac(alg, key, data); }
    Secret hkdf_extract(HashAlg alg, ByteView salt, ByteView ikm) const override {
        Secret s = inner_->hkdf_extract(alg, salt, ikm);
        extract_outputs.emplace_back(s.view().begin(), s.view().end());
        return s;
    }
    bool hkdf_expand(HashAlg alg, ByteView prk, ByteView info, MutableByteView out) const override {
        expand_infos.emplace_back(info.begin(), info.end());
        return inner_->hkdf_expand(alg, prk, info, out);
    }
    std::unique_ptr<AeadContext> aead(AeadAlg alg, ByteView key) const override { return inner_->aead(alg, key); }
    std::unique_ptr<HeaderProtection> header_protection(AeadAlg alg, ByteView key) const override {
        return inner_->header_protection(alg, key);
    }
    Result<std::unique_ptr<KeyShare>> generate_key_share(NamedGroup group) const override {
        return inner_->generate_key_share(group);
    }
    Result<std::unique_ptr<KeyShare>> key_share_from_private(NamedGroup group, ByteView private_key) const override {
        return inner_->key_share_from_private(group, private_key);
    }
    Status verify_signature(SignatureScheme scheme, ByteView spki_der, ByteView message,
                            ByteView signature) const override {
        return inner_->verify_signature(scheme, spki_der, message, signature);
    }
    void random(MutableByteView out) const override { inner_->random(out); }

private:
    ProviderPtr inner_;
};

struct Param {
    Version version;
    const char* vector;
    const char* provider_name;
    ProviderPtr (*make_provider)();
};

std::string param_label(const Param& p) {
    return std::string(p.version == Version::v1 ? "v1" : "v2") + "_" + p.provider_name;
}
std::string param_name(const testing::TestParamInfo<Param>& info) { return param_label(info.param); }
// Readable failure messages instead of gtest's byte dump of the struct.
[[maybe_unused]] void PrintTo(const Param& p, std::ostream* os) { *os << param_label(p); }

constexpr Param kV1Openssl{Version::v1, "rfc9001-quic-v1-initial", "openssl", &openssl_provider};
constexpr Param kV2Openssl{Version::v2, "rfc9369-quic-v2-initial", "openssl", &openssl_provider};
constexpr Param kV1Default{Version::v1, "rfc9001-quic-v1-initial", "default", &default_provider};
constexpr Param kV2Default{Version::v2, "rfc9369-quic-v2-initial", "default", &default_provider};
constexpr Param kV1Sodium{Version::v1, "rfc9001-quic-v1-initial", "sodium", &sodium_provider};
constexpr Param kV2Sodium{Version::v2, "rfc9369-quic-v2-initial", "sodium", &sodium_provider};

// header ‖ payload ‖ room for the AEAD tag: the input of seal_packet.
Bytes packet_buffer(ByteView header, ByteView payload) {
    Bytes b(header.begin(), header.end());
    b.insert(b.end(), payload.begin(), payload.end());
    b.resize(b.size() + kAeadTagLength, 0);
    return b;
}

class QuicVectorTest : public testing::TestWithParam<Param> {
protected:
    void SetUp() override {
        v_ = load_vector(GetParam().vector);
        ASSERT_FALSE(v_.empty());
        provider_ = GetParam().make_provider();
        ASSERT_NE(provider_, nullptr);
    }

    Version version() const { return GetParam().version; }
    const CryptoProvider& p() const { return *provider_; }

    // A protector for the keys derived from keys_json["secret"].
    Result<PacketProtector> protector(const nlohmann::json& keys_json, CipherSuite suite) {
        QTLS_ASSIGN_OR_RETURN(const PacketKeys keys,
                              derive_packet_keys(p(), version(), suite, hex_field(keys_json["secret"])));
        return PacketProtector::create(p(), suite, keys);
    }

    // RFC 9001 §A.2/§A.3 (RFC 9369 §A.2/§A.3): protect step by step, check each
    // intermediate value, then whole-packet seal and open.
    void check_initial_packet(const char* keys_name, const char* packet_name, const char* nonce_name) {
        const auto& pkt = v_[packet_name];
        const Bytes header = hex_field(pkt["unprotected_header"]);
        const Bytes payload = hex_field(pkt["payload"]);
        const std::uint64_t pn = pkt["packet_number"].get<std::uint64_t>();
        const std::size_t pn_length = pkt["packet_number_length"].get<std::size_t>();
        ASSERT_GT(header.size(), pn_length);
        const std::size_t pn_offset = header.size() - pn_length;
        if (pkt.contains("payload_length")) {
            ASSERT_EQ(payload.size(), pkt["payload_length"].get<std::size_t>());
        }

        auto keys = derive_packet_keys(p(), version(), kInitialSuite, hex_field(v_[keys_name]["secret"]));
        ASSERT_TRUE(keys.ok());
        EXPECT_EQ(hex(packet_nonce(keys->iv, pn)), field(v_["computed"][nonce_name]));
        auto created = PacketProtector::create(p(), kInitialSuite, *keys);
        ASSERT_TRUE(created.ok()) << created.error().what;
        PacketProtector& pp = *created;

        // Payload protection (RFC 9001 §5.3).
        Bytes ciphertext(payload.size() + kAeadTagLength);
        ASSERT_TRUE(pp.seal(pn, header, payload, ciphertext));
        const Bytes expected_packet = hex_field(pkt["protected_packet"]);
        ASSERT_EQ(expected_packet.size(), header.size() + ciphertext.size());
        EXPECT_EQ(hex(ciphertext), hex(ByteView(expected_packet).subspan(header.size())));

        // Header protection (RFC 9001 §5.4): sample, mask, protected header.
        Bytes full = header;
        full.insert(full.end(), ciphertext.begin(), ciphertext.end());
        auto sample = header_sample(full, pn_offset);
        ASSERT_TRUE(sample.ok());
        EXPECT_EQ(hex(*sample), field(pkt["sample"]));
        HeaderMask mask{};
        ASSERT_TRUE(pp.header_mask(*sample, mask));
        EXPECT_EQ(hex(mask), field(pkt["mask"]));
        Bytes protected_header = header;
        ASSERT_TRUE(protect_header(protected_header, pn_offset, mask).ok());
        EXPECT_EQ(hex(protected_header), field(pkt["protected_header"]));
        if (pkt.contains("protected_first_byte")) {
            EXPECT_EQ(hex(ByteView(protected_header).first(1)), field(pkt["protected_first_byte"]));
            EXPECT_EQ(hex(ByteView(protected_header).subspan(pn_offset)),
                      field(pkt["protected_packet_number_bytes"]));
        }
        auto unmasked_length = unprotect_header(protected_header, pn_offset, mask);
        ASSERT_TRUE(unmasked_length.ok());
        EXPECT_EQ(*unmasked_length, pn_length);
        EXPECT_EQ(hex(protected_header), hex(header));

        // End to end, in place.
        Bytes buf = packet_buffer(header, payload);
        ASSERT_TRUE(seal_packet(pp, pn, buf, pn_offset).ok());
        EXPECT_EQ(hex(buf), hex(expected_packet));

        // And back, with a fresh protector for the receiving side.
        auto receiver = protector(v_[keys_name], kInitialSuite);
        ASSERT_TRUE(receiver.ok());
        auto opened = open_packet(*receiver, buf, pn_offset, 0);
        ASSERT_TRUE(opened.ok()) << opened.error().what;
        EXPECT_EQ(opened->packet_number, pn);
        EXPECT_EQ(opened->header_length, header.size());
        EXPECT_EQ(hex(ByteView(buf).first(header.size())), hex(header));
        EXPECT_EQ(hex(opened->payload), hex(payload));
        EXPECT_EQ(opened->payload.data(), buf.data() + header.size());
    }

    void check_keys(const char* keys_name) {
        const auto& k = v_[keys_name];
        auto keys = derive_packet_keys(p(), version(), kInitialSuite, hex_field(k["secret"]));
        ASSERT_TRUE(keys.ok()) << keys.error().what;
        EXPECT_EQ(hex(keys->key.view()), field(k["key"]));
        EXPECT_EQ(hex(keys->iv), field(k["iv"]));
        EXPECT_EQ(hex(keys->hp.view()), field(k["hp"]));
    }

    nlohmann::json v_;
    ProviderPtr provider_;
};

// ---------- AES-128-GCM: Initial packets and Retry (OpenSSL, default) ----------

using QuicInitialTest = QuicVectorTest;

TEST_P(QuicInitialTest, VersionConstants) {
    const VersionInfo* info = version_info(version());
    ASSERT_NE(info, nullptr);
    EXPECT_EQ(info->version, version());
    const std::uint32_t wire = static_cast<std::uint32_t>(version());
    const Bytes wire_bytes = {static_cast<std::uint8_t>(wire >> 24), static_cast<std::uint8_t>(wire >> 16),
                              static_cast<std::uint8_t>(wire >> 8), static_cast<std::uint8_t>(wire)};
    EXPECT_EQ(hex(wire_bytes), field(v_["version"]));
    EXPECT_EQ(version_info(wire), info);
    EXPECT_EQ(info->labels.key, field(v_["labels"]["key"]));
    EXPECT_EQ(info->labels.iv, field(v_["labels"]["iv"]));
    EXPECT_EQ(info->labels.hp, field(v_["labels"]["hp"]));
    EXPECT_EQ(info->labels.ku, field(v_["labels"]["ku"]));
    EXPECT_EQ(hex(info->initial_salt), field(v_["initial_salt"]));
    EXPECT_EQ(hex(info->retry_key), field(v_["retry"]["key"]));
    EXPECT_EQ(hex(info->retry_nonce), field(v_["retry"]["nonce"]));
}

TEST_P(QuicInitialTest, InitialSecrets) {
    RecordingProvider rec(provider_);
    auto secrets = derive_initial_secrets(rec, version(), hex_field(v_["client_dcid"]));
    ASSERT_TRUE(secrets.ok()) << secrets.error().what;
    ASSERT_EQ(rec.extract_outputs.size(), 1u);
    EXPECT_EQ(hex(rec.extract_outputs[0]), field(v_["initial_secret"]));
    EXPECT_EQ(hex(secrets->client.view()), field(v_["client_initial"]["secret"]));
    EXPECT_EQ(hex(secrets->server.view()), field(v_["server_initial"]["secret"]));
}

TEST_P(QuicInitialTest, HkdfLabelInfos) {
    RecordingProvider rec(provider_);
    auto secrets = derive_initial_secrets(rec, version(), hex_field(v_["client_dcid"]));
    ASSERT_TRUE(secrets.ok());
    auto keys = derive_packet_keys(rec, version(), kInitialSuite, secrets->client.view());
    ASSERT_TRUE(keys.ok());
    ASSERT_EQ(rec.expand_infos.size(), 5u);  // client in, server in, key, hp, iv
    std::vector<std::string> seen;
    for (const auto& info : rec.expand_infos) seen.push_back(hex(info));
    for (const auto& [label, info] : v_["hkdf_label_info"].items()) {
        SCOPED_TRACE(label);
        EXPECT_NE(std::find(seen.begin(), seen.end(), info.get<std::string>()), seen.end());
    }
    EXPECT_EQ(seen[0], field(v_["hkdf_label_info"]["client in"]));
    EXPECT_EQ(seen[1], field(v_["hkdf_label_info"]["server in"]));
}

TEST_P(QuicInitialTest, ClientKeys) { check_keys("client_initial"); }
TEST_P(QuicInitialTest, ServerKeys) { check_keys("server_initial"); }

TEST_P(QuicInitialTest, ClientInitialPacket) {
    check_initial_packet("client_initial", "client_initial_packet", "client_initial_nonce");
}

TEST_P(QuicInitialTest, ServerInitialPacket) {
    check_initial_packet("server_initial", "server_initial_packet", "server_initial_nonce");
}

TEST_P(QuicInitialTest, OpenRejectsTamperedPacket) {
    const auto& pkt = v_["server_initial_packet"];
    const Bytes good = hex_field(pkt["protected_packet"]);
    const std::size_t pn_offset =
        hex_field(pkt["unprotected_header"]).size() - pkt["packet_number_length"].get<std::size_t>();
    auto created = protector(v_["server_initial"], kInitialSuite);
    ASSERT_TRUE(created.ok());
    PacketProtector& pp = *created;
    {
        Bytes b = good;
        ASSERT_TRUE(open_packet(pp, b, pn_offset, 0).ok());
    }
    for (std::size_t pos : {std::size_t{1}, pn_offset, pn_offset + 30, good.size() - 1}) {
        SCOPED_TRACE(pos);
        Bytes b = good;
        b[pos] ^= 0x01;
        auto r = open_packet(pp, b, pn_offset, 0);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().alert, Alert::bad_record_mac);
    }
    // The client keys do not open a server packet.
    auto wrong = protector(v_["client_initial"], kInitialSuite);
    ASSERT_TRUE(wrong.ok());
    Bytes b = good;
    EXPECT_FALSE(open_packet(*wrong, b, pn_offset, 0).ok());
    // Too short for the header protection sample.
    Bytes shortp(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(pn_offset + 19));
    auto r = open_packet(pp, shortp, pn_offset, 0);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().alert, Alert::decode_error);
}

TEST_P(QuicInitialTest, SealRejectsMismatchedPacketNumber) {
    const auto& pkt = v_["client_initial_packet"];
    const Bytes header = hex_field(pkt["unprotected_header"]);
    const std::size_t pn_offset = header.size() - pkt["packet_number_length"].get<std::size_t>();
    auto created = protector(v_["client_initial"], kInitialSuite);
    ASSERT_TRUE(created.ok());
    PacketProtector& pp = *created;
    Bytes buf = packet_buffer(header, hex_field(pkt["payload"]));
    EXPECT_FALSE(seal_packet(pp, pkt["packet_number"].get<std::uint64_t>() + 1, buf, pn_offset).ok());
    EXPECT_FALSE(seal_packet(pp, kMaxPacketNumber + 1, buf, pn_offset).ok());
    Bytes tiny = packet_buffer(header, Bytes{0x01});
    EXPECT_TRUE(seal_packet(pp, pkt["packet_number"].get<std::uint64_t>(), tiny, pn_offset).ok());  // 4-byte pn + 1
    Bytes too_small = packet_buffer(ByteView(header).first(pn_offset + 1), Bytes{0x01, 0x02});
    too_small[0] &= 0xfc;  // 1-byte packet number: 1 + 2 + 16 < 4 + 16
    too_small[pn_offset] = 0x02;
    EXPECT_FALSE(seal_packet(pp, 2, too_small, pn_offset).ok());
}

TEST_P(QuicInitialTest, RetryIntegrityTag) {
    const auto& retry = v_["retry"];
    const Bytes odcid = hex_field(retry["original_destination_connection_id"]);
    const Bytes packet = hex_field(retry["retry_packet"]);
    ASSERT_GT(packet.size(), kRetryIntegrityTagLength);
    const ByteView body = ByteView(packet).first(packet.size() - kRetryIntegrityTagLength);

    auto tag = retry_integrity_tag(p(), version(), odcid, body);
    ASSERT_TRUE(tag.ok()) << tag.error().what;
    EXPECT_EQ(hex(*tag), field(retry["integrity_tag"]));
    EXPECT_EQ(hex(ByteView(packet).last(kRetryIntegrityTagLength)), field(retry["integrity_tag"]));
    EXPECT_TRUE(verify_retry_integrity(p(), version(), odcid, packet));

    Bytes tampered = packet;
    tampered[tampered.size() / 2] ^= 0x80;
    EXPECT_FALSE(verify_retry_integrity(p(), version(), odcid, tampered));
    Bytes other_odcid = odcid;
    other_odcid[0] ^= 1;
    EXPECT_FALSE(verify_retry_integrity(p(), version(), other_odcid, packet));
    const Version other = version() == Version::v1 ? Version::v2 : Version::v1;
    EXPECT_FALSE(verify_retry_integrity(p(), other, odcid, packet));
    EXPECT_FALSE(verify_retry_integrity(p(), version(), odcid, ByteView(packet).first(15)));
    EXPECT_FALSE(retry_integrity_tag(p(), version(), Bytes(kMaxConnectionIdLength + 1, 0), body).ok());
}

TEST_P(QuicInitialTest, RejectsBadInputs) {
    const Version unknown = static_cast<Version>(0xff00001d);
    EXPECT_EQ(version_info(unknown), nullptr);
    EXPECT_EQ(version_info(std::uint32_t{0}), nullptr);
    const Bytes dcid = hex_field(v_["client_dcid"]);
    EXPECT_FALSE(derive_initial_secrets(p(), unknown, dcid).ok());
    EXPECT_FALSE(derive_initial_secrets(p(), version(), Bytes(kMaxConnectionIdLength + 1, 0)).ok());
    EXPECT_TRUE(derive_initial_secrets(p(), version(), Bytes(kMaxConnectionIdLength, 0)).ok());
    EXPECT_TRUE(derive_initial_secrets(p(), version(), Bytes{}).ok());

    const Bytes secret = hex_field(v_["client_initial"]["secret"]);
    EXPECT_FALSE(derive_packet_keys(p(), unknown, kInitialSuite, secret).ok());
    EXPECT_FALSE(derive_packet_keys(p(), version(), kInitialSuite, ByteView(secret).first(31)).ok());
    EXPECT_FALSE(derive_packet_keys(p(), version(), CipherSuite::aes_256_gcm_sha384, secret).ok());
    EXPECT_FALSE(derive_packet_keys(p(), version(), static_cast<CipherSuite>(0x1304), secret).ok());
    EXPECT_FALSE(next_traffic_secret(p(), version(), kInitialSuite, ByteView(secret).first(16)).ok());

    auto keys = derive_packet_keys(p(), version(), kInitialSuite, secret);
    ASSERT_TRUE(keys.ok());
    EXPECT_FALSE(PacketProtector::create(p(), CipherSuite::chacha20_poly1305_sha256, *keys).ok());
    auto created = PacketProtector::create(p(), kInitialSuite, *keys);
    ASSERT_TRUE(created.ok());
    Bytes out(10);
    EXPECT_FALSE(created->seal(0, {}, Bytes(3), out));
    EXPECT_FALSE(created->open(0, {}, Bytes(10), out));
    HeaderMask mask{};
    EXPECT_FALSE(created->header_mask(Bytes(15), mask));
}

INSTANTIATE_TEST_SUITE_P(Rfc, QuicInitialTest, testing::Values(kV1Openssl, kV2Openssl, kV1Default, kV2Default),
                         param_name);

// ---------- ChaCha20-Poly1305 short header and key update (all providers) ----------

class QuicChaChaTest : public QuicVectorTest {
protected:
    static constexpr CipherSuite kSuite = CipherSuite::chacha20_poly1305_sha256;

    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(QuicVectorTest::SetUp());
        const Bytes zero_key(32, 0);
        if (!provider_->aead(AeadAlg::chacha20_poly1305, zero_key) ||
            !provider_->header_protection(AeadAlg::chacha20_poly1305, zero_key))
            GTEST_SKIP() << GetParam().provider_name << " provider lacks ChaCha20-Poly1305 or ChaCha20 header protection";
    }
};

// RFC 9001 §A.5 / RFC 9369 §A.5.
TEST_P(QuicChaChaTest, Keys) {
    const auto& c = v_["chacha20_short_header_packet"];
    const Bytes secret = hex_field(c["secret"]);
    auto keys = derive_packet_keys(p(), version(), kSuite, secret);
    ASSERT_TRUE(keys.ok()) << keys.error().what;
    EXPECT_EQ(hex(keys->key.view()), field(c["key"]));
    EXPECT_EQ(hex(keys->iv), field(c["iv"]));
    EXPECT_EQ(hex(keys->hp.view()), field(c["hp"]));
    auto ku = next_traffic_secret(p(), version(), kSuite, secret);
    ASSERT_TRUE(ku.ok()) << ku.error().what;
    EXPECT_EQ(hex(ku->view()), field(c["ku"]));
    EXPECT_EQ(hex(packet_nonce(keys->iv, c["packet_number"].get<std::uint64_t>())), field(c["nonce"]));
}

TEST_P(QuicChaChaTest, ShortHeaderPacket) {
    const auto& c = v_["chacha20_short_header_packet"];
    const Bytes header = hex_field(c["unprotected_header"]);
    const Bytes plaintext = hex_field(c["payload_plaintext"]);
    const std::uint64_t pn = c["packet_number"].get<std::uint64_t>();
    const std::size_t pn_length = c["packet_number_length"].get<std::size_t>();
    const std::size_t pn_offset = header.size() - pn_length;
    auto created = protector(c, kSuite);
    ASSERT_TRUE(created.ok()) << created.error().what;
    PacketProtector& pp = *created;

    Bytes ciphertext(plaintext.size() + kAeadTagLength);
    ASSERT_TRUE(pp.seal(pn, header, plaintext, ciphertext));
    EXPECT_EQ(hex(ciphertext), field(c["payload_ciphertext"]));

    Bytes full = header;
    full.insert(full.end(), ciphertext.begin(), ciphertext.end());
    auto sample = header_sample(full, pn_offset);
    ASSERT_TRUE(sample.ok());
    EXPECT_EQ(hex(*sample), field(c["sample"]));
    HeaderMask mask{};
    ASSERT_TRUE(pp.header_mask(*sample, mask));
    EXPECT_EQ(hex(mask), field(c["mask"]));
    Bytes protected_header = header;
    ASSERT_TRUE(protect_header(protected_header, pn_offset, mask).ok());
    EXPECT_EQ(hex(protected_header), field(c["protected_header"]));

    Bytes buf = packet_buffer(header, plaintext);
    ASSERT_TRUE(seal_packet(pp, pn, buf, pn_offset).ok());
    EXPECT_EQ(hex(buf), field(c["protected_packet"]));

    // Open with expected packet numbers on both sides of the true one: the
    // 3-byte encoding recovers it within half its window (RFC 9000 §A.3).
    for (std::uint64_t expected : {pn + 1, pn - 1000, pn + 0x7fff00}) {
        SCOPED_TRACE(expected);
        auto receiver = protector(c, kSuite);
        ASSERT_TRUE(receiver.ok());
        Bytes rx = hex_field(c["protected_packet"]);
        auto opened = open_packet(*receiver, rx, pn_offset, expected);
        ASSERT_TRUE(opened.ok()) << opened.error().what;
        EXPECT_EQ(opened->packet_number, pn);
        EXPECT_EQ(opened->header_length, header.size());
        EXPECT_EQ(hex(ByteView(rx).first(header.size())), hex(header));
        EXPECT_EQ(hex(opened->payload), hex(plaintext));
    }
    // Outside the window the wrong packet number is reconstructed and the AEAD rejects it.
    auto receiver = protector(c, kSuite);
    ASSERT_TRUE(receiver.ok());
    Bytes rx = hex_field(c["protected_packet"]);
    EXPECT_FALSE(open_packet(*receiver, rx, pn_offset, pn + 0x800001).ok());
}

// Computed key update generations (vectors README: key_update_computed).
TEST_P(QuicChaChaTest, KeyUpdate) {
    const auto& u = v_["key_update_computed"];
    EXPECT_EQ(field(u["secret_1"]), field(v_["chacha20_short_header_packet"]["ku"]));
    const Bytes secret_1 = hex_field(u["secret_1"]);
    auto secret_2 = next_traffic_secret(p(), version(), kSuite, secret_1);
    ASSERT_TRUE(secret_2.ok());
    EXPECT_EQ(hex(secret_2->view()), field(u["secret_2"]));

    auto keys_1 = derive_packet_keys(p(), version(), kSuite, secret_1);
    ASSERT_TRUE(keys_1.ok());
    EXPECT_EQ(hex(keys_1->key.view()), field(u["key_1"]));
    EXPECT_EQ(hex(keys_1->iv), field(u["iv_1"]));
    auto keys_2 = derive_packet_keys(p(), version(), kSuite, secret_2->view());
    ASSERT_TRUE(keys_2.ok());
    EXPECT_EQ(hex(keys_2->key.view()), field(u["key_2"]));
    EXPECT_EQ(hex(keys_2->iv), field(u["iv_2"]));
}

INSTANTIATE_TEST_SUITE_P(Rfc, QuicChaChaTest,
                         testing::Values(kV1Openssl, kV2Openssl, kV1Sodium, kV2Sodium, kV1Default, kV2Default),
                         param_name);

}  // namespace
}  // namespace qtls::quic
