// Applying and removing header protection (RFC 9001 §5.4.1, §5.4.2).
#include "qtls/quic_crypto.h"

namespace qtls::quic {

namespace {

// RFC 9000 §17.2: the Header Form bit (0x80) is set on long headers.
constexpr std::uint8_t kLongHeaderForm = 0x80;
// RFC 9001 §5.4.1: bits of the first byte that header protection covers.
constexpr std::uint8_t kLongHeaderProtectedBits = 0x0f;
constexpr std::uint8_t kShortHeaderProtectedBits = 0x1f;
// RFC 9000 §17.2/§17.3.1: the two low bits of the first byte hold the packet number length - 1.
constexpr std::uint8_t kPacketNumberLengthBits = 0x03;

std::uint8_t first_byte_bits(std::uint8_t first) {
    return (first & kLongHeaderForm) ? kLongHeaderProtectedBits : kShortHeaderProtectedBits;
}

std::size_t pn_length_of(std::uint8_t first) { return static_cast<std::size_t>(first & kPacketNumberLengthBits) + 1; }

// The first byte is part of the header, so the packet number starts after it.
bool pn_fits(ByteView packet, std::size_t pn_offset, std::size_t pn_length) {
    return pn_offset >= 1 && pn_offset <= packet.size() && pn_length <= packet.size() - pn_offset;
}

void mask_packet_number(MutableByteView packet, std::size_t pn_offset, std::size_t pn_length,
                        const HeaderMask& mask) {
    for (std::size_t i = 0; i < pn_length; ++i) packet[pn_offset + i] ^= mask[1 + i];
}

}  // namespace

Result<ByteView> header_sample(ByteView packet, std::size_t pn_offset) {
    const std::size_t needed = kSampleOffsetFromPacketNumber + kHeaderProtectionSampleLength;
    if (pn_offset > packet.size() || packet.size() - pn_offset < needed)
        return make_error(Alert::decode_error, "quic: packet too short for the header protection sample");
    return packet.subspan(pn_offset + kSampleOffsetFromPacketNumber, kHeaderProtectionSampleLength);
}

Status protect_header(MutableByteView packet, std::size_t pn_offset, const HeaderMask& mask) {
    if (packet.empty()) return make_error(Alert::decode_error, "quic: empty packet");
    const std::size_t pn_length = pn_length_of(packet[0]);
    if (!pn_fits(packet, pn_offset, pn_length))
        return make_error(Alert::decode_error, "quic: packet number field outside the packet");
    // The length is read before the first byte is masked.
    packet[0] ^= mask[0] & first_byte_bits(packet[0]);
    mask_packet_number(packet, pn_offset, pn_length, mask);
    return {};
}

Result<std::size_t> unprotect_header(MutableByteView packet, std::size_t pn_offset, const HeaderMask& mask) {
    if (packet.empty()) return make_error(Alert::decode_error, "quic: empty packet");
    // The Header Form bit is not protected, so it selects the bits to unmask.
    const std::uint8_t first = packet[0] ^ (mask[0] & first_byte_bits(packet[0]));
    const std::size_t pn_length = pn_length_of(first);
    if (!pn_fits(packet, pn_offset, pn_length))
        return make_error(Alert::decode_error, "quic: packet number field outside the packet");
    packet[0] = first;
    mask_packet_number(packet, pn_offset, pn_length, mask);
    return pn_length;
}

}  // namespace qtls::quic
