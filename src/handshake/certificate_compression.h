// Certificate compression in the handshake (RFC 8879): what we offer, which
// algorithm compresses the Certificate we send, and turning a received
// CompressedCertificate back into the Certificate it stands for.
#pragma once

#include <optional>
#include <vector>

#include "msg/assembler.h"
#include "msg/certificate.h"
#include "msg/extensions.h"
#include "qtls/cert_compression.h"
#include "qtls/error.h"

namespace qtls::handshake {

// A config's list: algorithms qtls implements, each once (RFC 8879 §3
// lists are sets). Anything else -> internal_error naming the field.
Status validate_certificate_compression(const std::vector<CertificateCompression>& list);

// The compress_certificate extension body (RFC 8879 §3) for `own`, in our
// preference order.
Bytes compress_certificate_offer(const std::vector<CertificateCompression>& own);

// The first algorithm of `own` that the peer's compress_certificate
// extension lists (RFC 8879 §4: only those may be used); nullopt when the
// peer sent none or none is in common. A malformed extension -> decode_error.
Result<std::optional<CertificateCompression>> choose_certificate_compression(
    const std::vector<CertificateCompression>& own, const msg::Extension* peer_offer);

// The CompressedCertificate message replacing the framed Certificate
// message `certificate` (RFC 8879 §4: the body, without its header, is
// compressed). `cacheable`: look the result up in / add it to the
// process-wide cache (src/compress/compressed_certificate_cache.h), for
// messages that repeat (a server's chain), not for ones with a fresh
// request context.
Result<Bytes> compressed_certificate_message(CertificateCompression algorithm, ByteView certificate, bool cacheable);

// What to send for `cert`: its encoding, compressed as a
// CompressedCertificate when `peer_extensions` (the peer's ClientHello or
// CertificateRequest) offer an algorithm of `own`. `used` is set to that
// algorithm. Chains without a request context (the main handshake) are
// cached; post-handshake ones carry a fresh context and are not.
Result<Bytes> certificate_message_to_send(const msg::Certificate& cert, const std::vector<CertificateCompression>& own,
                                          const msg::Extensions& peer_extensions,
                                          std::optional<CertificateCompression>& used);

// RFC 8879 §4. `m` is a CompressedCertificate; `offered` what we listed in
// our compress_certificate extension. On success `out` is a certificate
// message whose body is the decompressed Certificate (kept in `storage`)
// and whose `full` is the CompressedCertificate as received, which is what
// the transcript takes. Errors: nothing offered -> unexpected_message; an
// algorithm not offered -> illegal_parameter; uncompressed_length of 0 or
// above `max_size`, a corrupt stream or a length mismatch -> bad_certificate.
Result<CertificateCompression> expand_compressed_certificate(const msg::RawMessage& m,
                                                             const std::vector<CertificateCompression>& offered,
                                                             std::size_t max_size, Bytes& storage,
                                                             msg::RawMessage& out);

// Hands the Certificate a CompressedCertificate `m` stands for to
// `on_certificate` (RFC 8879 §4), after recording the algorithm in `used`.
// The client, the server and post-handshake authentication all receive
// certificates this way.
template <class OnCertificate>
Status receive_compressed_certificate(const msg::RawMessage& m, const std::vector<CertificateCompression>& offered,
                                      std::size_t max_size, std::optional<CertificateCompression>& used,
                                      OnCertificate&& on_certificate) {
    Bytes storage;
    msg::RawMessage certificate;
    QTLS_ASSIGN_OR_RETURN(auto algorithm, expand_compressed_certificate(m, offered, max_size, storage, certificate));
    used = algorithm;
    return on_certificate(certificate);
}

}  // namespace qtls::handshake
