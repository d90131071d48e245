// QUIC packet protection with fixed keys: open_packet (header protection
// removal, packet number recovery, AEAD open), unprotect_header, header
// samples, packet number decoding and Retry integrity.
//
// Input: key byte, expected-packet-number byte (see below), [pn_offset
// byte], packet.
//   key % 6: 0/1 QUIC v1 client/server Initial keys, 2/3 the same for v2
//            (both from the RFC 9001 / RFC 9369 example DCID, so the RFC's
//            protected packets open), 4 the RFC 9001 §A.5 ChaCha20 1-RTT
//            keys, 5 Retry integrity (v1 and v2);
//   key & 0x80: pn_offset is given explicitly instead of parsed.
// A packet that opens must seal back to exactly the input bytes.
#include <optional>

#include "fuzz/fuzz_support.h"
#include "qtls/quic_crypto.h"

namespace qtls::fuzz {
namespace {

using namespace qtls::quic;

// RFC 9001 §A.1 (also RFC 9369 §A.1): the client's Destination Connection ID.
const Bytes kExampleDcid = {0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08};
// RFC 9001 §A.5: the ChaCha20-Poly1305 short header example's secret.
const Bytes kChachaSecret = {0x9a, 0xc3, 0x12, 0xa7, 0xf8, 0x77, 0x46, 0x8e, 0xbe, 0x69, 0x42,
                             0x27, 0x48, 0xad, 0x00, 0xa1, 0x54, 0x43, 0xf1, 0x82, 0x03, 0xa0,
                             0x7d, 0x60, 0x60, 0xf6, 0x88, 0xf3, 0x0f, 0x21, 0x63, 0x2b};

struct Keys {
    std::optional<PacketProtector> pp[5];
};

PacketProtector make(Version v, CipherSuite suite, ByteView secret) {
    const CryptoProvider& p = *default_provider();
    auto keys = derive_packet_keys(p, v, suite, secret);
    if (!keys.ok()) invariant_failed("cannot derive packet keys", __FILE__, __LINE__);
    auto pp = PacketProtector::create(p, suite, *keys);
    if (!pp.ok()) invariant_failed("cannot create a packet protector", __FILE__, __LINE__);
    return std::move(pp).value();
}

Keys& keys() {
    static Keys k = [] {
        Keys out;
        const CryptoProvider& p = *default_provider();
        int i = 0;
        for (Version v : {Version::v1, Version::v2}) {
            auto s = derive_initial_secrets(p, v, kExampleDcid);
            if (!s.ok()) invariant_failed("cannot derive initial secrets", __FILE__, __LINE__);
            out.pp[i++].emplace(make(v, kInitialSuite, s->client.view()));
            out.pp[i++].emplace(make(v, kInitialSuite, s->server.view()));
        }
        out.pp[4].emplace(make(Version::v1, CipherSuite::chacha20_poly1305_sha256, kChachaSecret));
        return out;
    }();
    return k;
}

bool varint(ByteView b, std::size_t& pos, std::uint64_t& out) {
    if (pos >= b.size()) return false;
    const std::size_t len = std::size_t{1} << (b[pos] >> 6);
    if (b.size() - pos < len) return false;
    out = b[pos] & 0x3f;
    for (std::size_t i = 1; i < len; ++i) out = (out << 8) | b[pos + i];
    pos += len;
    return true;
}

// RFC 9000 §17.2 / §17.3: where the Packet Number field starts, and where a
// long header packet ends (its Length field). Short headers: DCID length 0.
bool locate(ByteView b, std::size_t& pn_offset, std::size_t& end) {
    if (b.empty()) return false;
    end = b.size();
    if (!(b[0] & 0x80)) {
        pn_offset = 1;
        return true;
    }
    if (b.size() < 7) return false;
    const std::uint32_t version = (std::uint32_t{b[1]} << 24) | (std::uint32_t{b[2]} << 16) |
                                  (std::uint32_t{b[3]} << 8) | b[4];
    std::size_t pos = 5;
    const std::size_t dcid = b[pos++];
    if (dcid > kMaxConnectionIdLength || b.size() - pos < dcid + 1) return false;
    pos += dcid;
    const std::size_t scid = b[pos++];
    if (scid > kMaxConnectionIdLength || b.size() - pos < scid) return false;
    pos += scid;
    const unsigned type = (b[0] >> 4) & 3;
    const bool initial = version == static_cast<std::uint32_t>(Version::v2) ? type == 1 : type == 0;
    std::uint64_t n = 0;
    if (initial) {
        if (!varint(b, pos, n) || n > b.size() - pos) return false;
        pos += static_cast<std::size_t>(n);
    }
    if (!varint(b, pos, n) || n > b.size() - pos) return false;
    pn_offset = pos;
    end = pos + static_cast<std::size_t>(n);
    return true;
}

void retry(ByteView packet) {
    const CryptoProvider& p = *default_provider();
    for (Version v : {Version::v1, Version::v2}) {
        const bool ok = verify_retry_integrity(p, v, kExampleDcid, packet);
        if (packet.size() >= kRetryIntegrityTagLength) {
            auto tag = retry_integrity_tag(p, v, kExampleDcid, packet.first(packet.size() - kRetryIntegrityTagLength));
            if (tag.ok()) {
                const bool matches = std::equal(tag->begin(), tag->end(), packet.end() - kRetryIntegrityTagLength);
                QTLS_FUZZ_CHECK(ok == matches);
            }
        } else {
            QTLS_FUZZ_CHECK(!ok);
        }
    }
}

}  // namespace
}  // namespace qtls::fuzz

using namespace qtls;
using namespace qtls::fuzz;

QTLS_FUZZ_TARGET(quic_packet) {
    ++reach().runs;
    if (size < 2) return 0;
    const std::uint8_t key = data[0];
    const std::uint8_t e = data[1];
    // Expected packet number: (e & 0x3f) << (8 * (e >> 6)), or the largest.
    const std::uint64_t expected_pn =
        e == 0xff ? quic::kMaxPacketNumber : std::uint64_t{e & 0x3fu} << (8 * (e >> 6));
    std::size_t pos = 2;
    std::optional<std::size_t> explicit_offset;
    if (key & 0x80) {
        if (pos >= size) return 0;
        explicit_offset = data[pos++];
    }
    ByteView packet(data + pos, size - pos);
    if (key % 6 == 5) {
        retry(packet);
        return 0;
    }

    std::size_t pn_offset = 0, end = packet.size();
    if (explicit_offset) {
        pn_offset = *explicit_offset;
    } else if (!locate(packet, pn_offset, end)) {
        return 0;
    }
    Bytes original(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(end));
    quic::PacketProtector& pp = *keys().pp[key % 6];

    // Header protection alone, with the real mask.
    {
        Bytes buf = original;
        auto sample = quic::header_sample(buf, pn_offset);
        if (sample.ok()) {
            QTLS_FUZZ_CHECK(sample->size() == quic::kHeaderProtectionSampleLength);
            QTLS_FUZZ_CHECK(pn_offset + quic::kSampleOffsetFromPacketNumber + sample->size() <= buf.size());
            quic::HeaderMask mask{};
            if (pp.header_mask(*sample, mask)) {
                auto n = quic::unprotect_header(buf, pn_offset, mask);
                if (n.ok()) {
                    QTLS_FUZZ_CHECK(*n >= 1 && *n <= quic::kMaxPacketNumberLength);
                    // Protecting again restores the input.
                    QTLS_FUZZ_CHECK(quic::protect_header(buf, pn_offset, mask).ok());
                    QTLS_FUZZ_CHECK(buf == original);
                }
            }
        }
    }

    // The whole packet.
    Bytes buf = original;
    auto opened = quic::open_packet(pp, buf, pn_offset, expected_pn);
    if (!opened.ok()) return 0;
    ++reach().packets_opened;
    const std::size_t pn_length = opened->header_length - pn_offset;
    QTLS_FUZZ_CHECK(pn_length >= 1 && pn_length <= 4);
    QTLS_FUZZ_CHECK(opened->header_length + opened->payload.size() + kAeadTagLength == buf.size());
    QTLS_FUZZ_CHECK(opened->payload.data() == buf.data() + opened->header_length);
    std::uint64_t truncated = 0;
    for (std::size_t i = 0; i < pn_length; ++i) truncated = (truncated << 8) | buf[pn_offset + i];
    const std::uint64_t low = pn_length == 8 ? ~0ull : (std::uint64_t{1} << (8 * pn_length)) - 1;
    QTLS_FUZZ_CHECK((opened->packet_number & low) == truncated);
    if (opened->packet_number <= quic::kMaxPacketNumber) {
        QTLS_FUZZ_CHECK(quic::seal_packet(pp, opened->packet_number, buf, pn_offset).ok());
        QTLS_FUZZ_CHECK(buf == original);
    }
    return 0;
}
