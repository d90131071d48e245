// HKDF-Expand-Label and Derive-Secret (RFC 8446 §7.1), shared by the TLS key
// schedule and QUIC packet protection (RFC 9001 §5.1).
#pragma once

#include <string_view>

#include "qtls/provider.h"

namespace qtls::crypto {

// Largest HkdfLabel we build: 2 + 1 + (6 + 255) + 1 + 255 bytes.
inline constexpr std::size_t kMaxHkdfLabelLength = 520;

// HKDF-Expand(secret, HkdfLabel(length, "tls13 " + label, context), length) into out.
bool hkdf_expand_label(const CryptoProvider& p, HashAlg alg, ByteView secret, std::string_view label,
                       ByteView context, MutableByteView out);

// Convenience for secrets: out length = `length`.
Secret expand_label_secret(const CryptoProvider& p, HashAlg alg, ByteView secret, std::string_view label,
                           ByteView context, std::size_t length);

}  // namespace qtls::crypto
