// Header protection bit handling and packet number reconstruction, without a
// crypto provider (RFC 9001 §5.4.1, RFC 9000 §A.3).
#include <gtest/gtest.h>

#include "qtls/quic_crypto.h"

namespace qtls::quic {
namespace {

constexpr HeaderMask kMask = {0xff, 0x11, 0x22, 0x33, 0x44};

TEST(QuicPacketNumber, Rfc9000AppendixA3Example) {
    // Largest received 0xa82f30ea, 16-bit encoding 0x9b32 -> 0xa82f9b32.
    EXPECT_EQ(decode_packet_number(0xa82f30eb, 0x9b32, 2), 0xa82f9b32u);
}

TEST(QuicPacketNumber, WindowEdges) {
    EXPECT_EQ(decode_packet_number(0, 0, 1), 0u);
    EXPECT_EQ(decode_packet_number(0, 0xff, 1), 0xffu);         // cannot go below zero
    EXPECT_EQ(decode_packet_number(0x1fe, 0x01, 1), 0x201u);     // wraps forward
    EXPECT_EQ(decode_packet_number(0x201, 0xff, 1), 0x1ffu);     // wraps backward
    EXPECT_EQ(decode_packet_number(0x180, 0x00, 1), 0x200u);     // candidate + hwin == expected: forward
    EXPECT_EQ(decode_packet_number(0x181, 0x00, 1), 0x200u);
    EXPECT_EQ(decode_packet_number(0x17f, 0x00, 1), 0x100u);
    EXPECT_EQ(decode_packet_number(0x12345678, 0x12345678, 4), 0x12345678u);
    // Never past 2^62 - 1.
    EXPECT_EQ(decode_packet_number(kMaxPacketNumber, 0x00, 1), kMaxPacketNumber - 0xff);
    EXPECT_EQ(decode_packet_number(kMaxPacketNumber + 1, 0xffffffff, 4), kMaxPacketNumber);
}

TEST(QuicHeaderProtection, LongHeaderMasksFourBits) {
    // Long header, 2-byte packet number at offset 3.
    Bytes pkt = {0xc1, 0xaa, 0xbb, 0x01, 0x02, 0x99};
    ASSERT_TRUE(protect_header(pkt, 3, kMask).ok());
    EXPECT_EQ(pkt, (Bytes{0xce, 0xaa, 0xbb, 0x10, 0x20, 0x99}));
    auto n = unprotect_header(pkt, 3, kMask);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 2u);
    EXPECT_EQ(pkt, (Bytes{0xc1, 0xaa, 0xbb, 0x01, 0x02, 0x99}));
}

TEST(QuicHeaderProtection, ShortHeaderMasksFiveBits) {
    // Short header, 4-byte packet number at offset 1.
    Bytes pkt = {0x43, 0x01, 0x02, 0x03, 0x04, 0x99};
    ASSERT_TRUE(protect_header(pkt, 1, kMask).ok());
    EXPECT_EQ(pkt, (Bytes{0x5c, 0x10, 0x20, 0x30, 0x40, 0x99}));
    auto n = unprotect_header(pkt, 1, kMask);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 4u);
    EXPECT_EQ(pkt, (Bytes{0x43, 0x01, 0x02, 0x03, 0x04, 0x99}));
}

TEST(QuicHeaderProtection, RejectsPacketNumberOutsidePacket) {
    Bytes pkt = {0x43, 0x01, 0x02};  // announces 4 bytes, holds 2
    EXPECT_FALSE(protect_header(pkt, 1, kMask).ok());
    EXPECT_FALSE(protect_header(pkt, 0, kMask).ok());
    Bytes empty;
    EXPECT_FALSE(protect_header(empty, 1, kMask).ok());
    Bytes masked = {0x40, 0x01, 0x02};  // unmasks to 0x43: 4 bytes again
    HeaderMask m = {0x03, 0, 0, 0, 0};
    EXPECT_FALSE(unprotect_header(masked, 1, m).ok());
    EXPECT_FALSE(unprotect_header(masked, 9, kMask).ok());
}

TEST(QuicHeaderProtection, Sample) {
    Bytes pkt(30);
    for (std::size_t i = 0; i < pkt.size(); ++i) pkt[i] = static_cast<std::uint8_t>(i);
    auto s = header_sample(pkt, 10);  // needs bytes 14..29
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->data(), pkt.data() + 14);
    EXPECT_EQ(s->size(), kHeaderProtectionSampleLength);
    EXPECT_FALSE(header_sample(pkt, 11).ok());
    EXPECT_FALSE(header_sample(pkt, 31).ok());
}

TEST(QuicPacketNonce, XorsLowBytes) {
    const Nonce iv = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff};
    const Nonce n = packet_nonce(iv, 0x0102030405060708);
    EXPECT_EQ(n, (Nonce{0, 0, 0, 0, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0xf7}));
}

}  // namespace
}  // namespace qtls::quic
