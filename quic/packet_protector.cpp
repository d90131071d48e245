// Payload protection and the header protection mask of one key set
// (RFC 9001 §5.3, §5.4).
#include "qtls/quic_crypto.h"

namespace qtls::quic {

Nonce packet_nonce(const Nonce& iv, std::uint64_t packet_number) {
    // RFC 9001 §5.3: the 62-bit packet number, big-endian and left-padded
    // with zeros to the IV length, XORed with the IV.
    Nonce nonce = iv;
    for (std::size_t i = 0; i < 8; ++i)
        nonce[nonce.size() - 1 - i] ^= static_cast<std::uint8_t>(packet_number >> (8 * i));
    return nonce;
}

Result<PacketProtector> PacketProtector::create(const CryptoProvider& p, CipherSuite suite, const PacketKeys& keys) {
    const SuiteInfo* si = suite_info(suite);
    if (si == nullptr) return make_error(Alert::internal_error, "quic: unsupported cipher suite");
    if (keys.key.size() != si->key_len || keys.hp.size() != si->key_len)
        return make_error(Alert::internal_error, "quic: packet key length does not match the suite");

    auto aead = p.aead(si->aead, keys.key.view());
    if (!aead) return make_error(Alert::internal_error, "quic: provider lacks the suite's AEAD");
    // RFC 9001 §5.4.3/§5.4.4: header protection follows the suite's AEAD.
    auto hp = p.header_protection(si->aead, keys.hp.view());
    if (!hp) return make_error(Alert::internal_error, "quic: provider lacks the suite's header protection");
    return PacketProtector(std::move(aead), std::move(hp), keys.iv);
}

bool PacketProtector::seal(std::uint64_t packet_number, ByteView header, ByteView payload, MutableByteView out) {
    if (packet_number > kMaxPacketNumber || out.size() != payload.size() + kAeadTagLength) return false;
    const Nonce nonce = packet_nonce(iv_, packet_number);
    return aead_->seal(nonce, header, payload, out);
}

bool PacketProtector::open(std::uint64_t packet_number, ByteView header, ByteView ciphertext, MutableByteView out) {
    if (packet_number > kMaxPacketNumber || ciphertext.size() < kAeadTagLength ||
        out.size() != ciphertext.size() - kAeadTagLength)
        return false;
    const Nonce nonce = packet_nonce(iv_, packet_number);
    return aead_->open(nonce, header, ciphertext, out);
}

bool PacketProtector::header_mask(ByteView sample, HeaderMask& mask) {
    if (sample.size() != kHeaderProtectionSampleLength) return false;
    return hp_->mask(sample, mask);
}

}  // namespace qtls::quic
