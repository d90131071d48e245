// Packet number reconstruction (RFC 9000 §17.1, Appendix A.3).
#include "qtls/quic_crypto.h"

namespace qtls::quic {

std::uint64_t decode_packet_number(std::uint64_t expected_pn, std::uint64_t truncated_pn, std::size_t pn_length) {
    if (pn_length == 0 || pn_length > kMaxPacketNumberLength) return truncated_pn;
    const std::uint64_t win = std::uint64_t{1} << (8 * pn_length);
    const std::uint64_t hwin = win / 2;
    const std::uint64_t mask = win - 1;
    // The value closest to expected_pn whose low bits equal truncated_pn.
    const std::uint64_t candidate = (expected_pn & ~mask) | (truncated_pn & mask);
    // "candidate <= expected - hwin", written so it cannot wrap.
    if (candidate + hwin <= expected_pn && candidate < (std::uint64_t{1} << 62) - win) return candidate + win;
    if (candidate > expected_pn + hwin && candidate >= win) return candidate - win;
    return candidate;
}

}  // namespace qtls::quic
