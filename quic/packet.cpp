// Whole-packet protection in place: payload first, then header (RFC 9001
// §5.3, §5.4; the order on receipt is reversed, §5.4.1).
#include "qtls/quic_crypto.h"

namespace qtls::quic {

namespace {

std::uint64_t read_truncated_pn(ByteView packet, std::size_t pn_offset, std::size_t pn_length) {
    std::uint64_t pn = 0;
    for (std::size_t i = 0; i < pn_length; ++i) pn = (pn << 8) | packet[pn_offset + i];
    return pn;
}

}  // namespace

Status seal_packet(PacketProtector& pp, std::uint64_t packet_number, MutableByteView packet, std::size_t pn_offset) {
    if (packet.empty()) return make_error(Alert::decode_error, "quic: empty packet");
    if (packet_number > kMaxPacketNumber) return make_error(Alert::internal_error, "quic: packet number too large");
    const std::size_t pn_length = static_cast<std::size_t>(packet[0] & 0x03) + 1;  // RFC 9000 §17.2
    // The sample must lie inside the ciphertext (RFC 9001 §5.4.2), which also
    // guarantees room for the header and the tag.
    QTLS_TRY(header_sample(packet, pn_offset));
    const std::size_t header_length = pn_offset + pn_length;
    if (pn_offset == 0 || packet.size() < header_length + kAeadTagLength)
        return make_error(Alert::decode_error, "quic: packet too short");

    const std::uint64_t low_bits_mask = (std::uint64_t{1} << (8 * pn_length)) - 1;
    if (read_truncated_pn(packet, pn_offset, pn_length) != (packet_number & low_bits_mask))
        return make_error(Alert::internal_error, "quic: header packet number does not match");

    const ByteView header = packet.first(header_length);
    const MutableByteView body = packet.subspan(header_length);
    if (!pp.seal(packet_number, header, body.first(body.size() - kAeadTagLength), body))
        return make_error(Alert::internal_error, "quic: AEAD seal failed");

    HeaderMask mask{};
    if (!pp.header_mask(packet.subspan(pn_offset + kSampleOffsetFromPacketNumber, kHeaderProtectionSampleLength),
                        mask))
        return make_error(Alert::internal_error, "quic: header protection failed");
    return protect_header(packet, pn_offset, mask);
}

Result<OpenedPacket> open_packet(PacketProtector& pp, MutableByteView packet, std::size_t pn_offset,
                                 std::uint64_t expected_pn) {
    QTLS_ASSIGN_OR_RETURN(const ByteView sample, header_sample(packet, pn_offset));
    HeaderMask mask{};
    if (!pp.header_mask(sample, mask)) return make_error(Alert::internal_error, "quic: header protection failed");
    QTLS_ASSIGN_OR_RETURN(const std::size_t pn_length, unprotect_header(packet, pn_offset, mask));

    const std::size_t header_length = pn_offset + pn_length;
    // header_sample guaranteed pn_offset + 20 bytes and pn_length <= 4, so at
    // least kAeadTagLength bytes follow the header.
    OpenedPacket out;
    out.packet_number = decode_packet_number(expected_pn, read_truncated_pn(packet, pn_offset, pn_length), pn_length);
    out.header_length = header_length;
    const MutableByteView body = packet.subspan(header_length);
    out.payload = body.first(body.size() - kAeadTagLength);
    if (!pp.open(out.packet_number, packet.first(header_length), body, out.payload))
        return make_error(Alert::bad_record_mac, "quic: packet failed authentication");
    return out;
}

}  // namespace qtls::quic
