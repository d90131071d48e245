#include "handshake/certificate_compression.h"

#include <algorithm>

#include "compress/codec.h"
#include "compress/compressed_certificate_cache.h"
#include "msg/compressed_certificate.h"
#include "msg/ext_compress_certificate.h"

namespace qtls::handshake {

Status validate_certificate_compression(const std::vector<CertificateCompression>& list) {
    for (CertificateCompression c : list) {
        if (!compress::find_codec(static_cast<std::uint16_t>(c)))
            return Error{Alert::internal_error, "config: unknown certificate_compression algorithm"};
        if (std::count(list.begin(), list.end(), c) != 1)
            return Error{Alert::internal_error, "config: certificate_compression lists an algorithm twice"};
    }
    return {};
}

Bytes compress_certificate_offer(const std::vector<CertificateCompression>& own) {
    std::vector<std::uint16_t> codes;
    for (CertificateCompression c : own) codes.push_back(static_cast<std::uint16_t>(c));
    return msg::encode_compress_certificate(codes);
}

Result<std::optional<CertificateCompression>> choose_certificate_compression(
    const std::vector<CertificateCompression>& own, const msg::Extension* peer_offer) {
    if (!peer_offer) return std::optional<CertificateCompression>{};
    QTLS_ASSIGN_OR_RETURN(std::vector<std::uint16_t> peer, msg::decode_compress_certificate(peer_offer->body));
    for (CertificateCompression c : own)
        if (compress::find_codec(static_cast<std::uint16_t>(c)) &&
            std::find(peer.begin(), peer.end(), static_cast<std::uint16_t>(c)) != peer.end())
            return std::optional<CertificateCompression>{c};
    return std::optional<CertificateCompression>{};
}

Result<Bytes> compressed_certificate_message(CertificateCompression algorithm, ByteView certificate, bool cacheable) {
    const compress::Codec* codec = compress::find_codec(static_cast<std::uint16_t>(algorithm));
    if (!codec || certificate.size() < msg::kHandshakeHeaderSize)
        return Error{Alert::internal_error, "cannot compress this Certificate message"};
    ByteView body = certificate.subspan(msg::kHandshakeHeaderSize);
    if (cacheable) {
        if (auto hit = compress::cached_compressed_certificate(algorithm, body)) return std::move(*hit);
    }
    msg::CompressedCertificate cc;
    cc.algorithm = static_cast<std::uint16_t>(algorithm);
    cc.uncompressed_length = static_cast<std::uint32_t>(body.size());
    QTLS_ASSIGN_OR_RETURN(cc.compressed, codec->compress(body));
    if (cc.compressed.empty() || cc.compressed.size() > msg::kMaxU24)
        return Error{Alert::internal_error, "compressed Certificate does not fit the message"};
    Bytes message = cc.encode();
    if (cacheable) compress::cache_compressed_certificate(algorithm, body, message);
    return message;
}

Result<Bytes> certificate_message_to_send(const msg::Certificate& cert, const std::vector<CertificateCompression>& own,
                                          const msg::Extensions& peer_extensions,
                                          std::optional<CertificateCompression>& used) {
    Bytes encoded = cert.encode();
    if (own.empty()) return encoded;
    const msg::Extension* offer = msg::find_extension(peer_extensions, msg::ExtensionType::compress_certificate);
    QTLS_ASSIGN_OR_RETURN(auto algorithm, choose_certificate_compression(own, offer));
    if (!algorithm) return encoded;
    used = algorithm;
    return compressed_certificate_message(*algorithm, encoded, cert.context.empty());
}

Result<CertificateCompression> expand_compressed_certificate(const msg::RawMessage& m,
                                                             const std::vector<CertificateCompression>& offered,
                                                             std::size_t max_size, Bytes& storage,
                                                             msg::RawMessage& out) {
    // RFC 8879 §4 allows the message only after our compress_certificate.
    if (offered.empty()) return Error{Alert::unexpected_message, "CompressedCertificate without compress_certificate"};
    QTLS_ASSIGN_OR_RETURN(msg::CompressedCertificate cc, msg::CompressedCertificate::decode(m.body));
    const auto algorithm = static_cast<CertificateCompression>(cc.algorithm);
    const compress::Codec* codec = compress::find_codec(cc.algorithm);
    if (!codec || std::find(offered.begin(), offered.end(), algorithm) == offered.end())
        return Error{Alert::illegal_parameter, "CompressedCertificate uses an algorithm we did not offer"};
    // The declared length is checked before anything is allocated: it is
    // the only allocation the output gets (decompression bombs).
    if (cc.uncompressed_length == 0 || cc.uncompressed_length > max_size)
        return Error{Alert::bad_certificate, "CompressedCertificate uncompressed_length is 0 or above the limit"};
    storage.assign(cc.uncompressed_length, 0);
    QTLS_TRY(codec->decompress(cc.compressed, storage));
    out.type = msg::HandshakeType::certificate;
    out.body = storage;
    out.full = m.full;
    return algorithm;
}

}  // namespace qtls::handshake
