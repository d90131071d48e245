// Retry packet integrity (RFC 9001 §5.8; RFC 9369 §3.3.3 for the v2 key and nonce).
#include "qtls/quic_crypto.h"

namespace qtls::quic {

Result<RetryTag> retry_integrity_tag(const CryptoProvider& p, Version v, ByteView original_dcid,
                                     ByteView retry_packet_without_tag) {
    const VersionInfo* info = version_info(v);
    if (info == nullptr) return make_error(Alert::internal_error, "quic: unsupported version");
    if (original_dcid.size() > kMaxConnectionIdLength)
        return make_error(Alert::illegal_parameter, "quic: connection ID longer than 20 bytes");

    // Retry Pseudo-Packet { ODCID Length (8), Original Destination Connection
    // ID (0..160), Retry packet fields up to (not including) the tag }.
    // Retries are rare, so one allocation here is fine.
    Bytes pseudo;
    pseudo.reserve(1 + original_dcid.size() + retry_packet_without_tag.size());
    pseudo.push_back(static_cast<std::uint8_t>(original_dcid.size()));
    pseudo.insert(pseudo.end(), original_dcid.begin(), original_dcid.end());
    pseudo.insert(pseudo.end(), retry_packet_without_tag.begin(), retry_packet_without_tag.end());

    auto aead = p.aead(AeadAlg::aes_128_gcm, info->retry_key);
    if (!aead) return make_error(Alert::internal_error, "quic: provider lacks AES-128-GCM");
    // The tag is the whole output of sealing an empty plaintext.
    RetryTag tag{};
    if (!aead->seal(info->retry_nonce, pseudo, ByteView{}, tag))
        return make_error(Alert::internal_error, "quic: AEAD seal failed");
    return tag;
}

bool verify_retry_integrity(const CryptoProvider& p, Version v, ByteView original_dcid, ByteView retry_packet) {
    if (retry_packet.size() < kRetryIntegrityTagLength) return false;
    const std::size_t body = retry_packet.size() - kRetryIntegrityTagLength;
    auto expected = retry_integrity_tag(p, v, original_dcid, retry_packet.first(body));
    if (!expected.ok()) return false;
    return constant_time_equal(*expected, retry_packet.subspan(body));
}

}  // namespace qtls::quic
