#include "crypto/hkdf_label.h"

#include <array>
#include <cstring>

namespace qtls::crypto {

namespace {
constexpr std::string_view kLabelPrefix = "tls13 ";
}

bool hkdf_expand_label(const CryptoProvider& p, HashAlg alg, ByteView secret, std::string_view label,
                       ByteView context, MutableByteView out) {
    const std::size_t full_label = kLabelPrefix.size() + label.size();
    if (full_label > 255 || context.size() > 255 || out.size() > 0xffff) return false;
    // struct { uint16 length; opaque label<7..255>; opaque context<0..255>; } HkdfLabel;
    std::array<std::uint8_t, kMaxHkdfLabelLength> info{};
    std::size_t n = 0;
    info[n++] = static_cast<std::uint8_t>(out.size() >> 8);
    info[n++] = static_cast<std::uint8_t>(out.size());
    info[n++] = static_cast<std::uint8_t>(full_label);
    std::memcpy(&info[n], kLabelPrefix.data(), kLabelPrefix.size());
    n += kLabelPrefix.size();
    std::memcpy(&info[n], label.data(), label.size());
    n += label.size();
    info[n++] = static_cast<std::uint8_t>(context.size());
    if (!context.empty()) std::memcpy(&info[n], context.data(), context.size());
    n += context.size();
    return p.hkdf_expand(alg, secret, ByteView(info.data(), n), out);
}

Secret expand_label_secret(const CryptoProvider& p, HashAlg alg, ByteView secret, std::string_view label,
                           ByteView context, std::size_t length) {
    Secret s;
    s.resize(length);
    if (!hkdf_expand_label(p, alg, secret, label, context, s.mutable_view())) s.wipe();
    return s;
}

}  // namespace qtls::crypto
