#include "x509/pins.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <array>
#include <optional>
#include <string_view>

#include "qtls/certs.h"
#include "qtls/secret.h"
#include "x509/spki.h"

namespace qtls {

namespace {

// Base64 text of a 32-byte value: 43 characters and one '=' (RFC 4648 §4).
constexpr std::size_t kPinBase64Length = 44;

std::optional<Bytes> sha256(ByteView data) {
    std::array<std::uint8_t, EVP_MAX_MD_SIZE> out{};
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1 ||
        len != x509::kSpkiPinSize) {
        ERR_clear_error();
        return std::nullopt;
    }
    return Bytes(out.begin(), out.begin() + len);
}

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

}  // namespace

Result<Bytes> parse_spki_sha256_pin(std::string_view text) {
    if (text.size() != kPinBase64Length || text.back() != '=')
        return Error{Alert::internal_error, "a pin-sha256 is 44 base64 characters ending in '='"};
    // 43 data characters carry 258 bits: 32 bytes and 2 zero bits.
    Bytes out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : text.substr(0, kPinBase64Length - 1)) {
        const int v = base64_value(c);
        if (v < 0) return Error{Alert::internal_error, "a pin-sha256 holds a character that is not base64"};
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::uint8_t>(acc >> bits));
            acc &= (1u << bits) - 1;
        }
    }
    if (out.size() != x509::kSpkiPinSize || acc != 0)
        return Error{Alert::internal_error, "a pin-sha256 must encode exactly 32 bytes"};
    return out;
}

Result<Bytes> certificate_spki_sha256(ByteView cert_der) {
    auto spki = x509::find_subject_public_key_info(cert_der);
    if (!spki) return Error{Alert::bad_certificate, "malformed certificate"};
    auto digest = sha256(*spki);
    if (!digest) return Error{Alert::internal_error, "SHA-256 not available"};
    return *digest;
}

namespace x509 {

Status check_spki_pins(STACK_OF(X509) * verified_chain, const std::vector<Bytes>& pins) {
    if (pins.empty()) return {};
    const int n = verified_chain ? sk_X509_num(verified_chain) : 0;
    for (int i = 0; i < n; ++i) {
        X509_PUBKEY* key = X509_get_X509_PUBKEY(sk_X509_value(verified_chain, i));
        unsigned char* der = nullptr;
        const int len = key ? i2d_X509_PUBKEY(key, &der) : -1;
        if (len <= 0) {
            ERR_clear_error();
            continue;
        }
        auto digest = sha256(ByteView(der, static_cast<std::size_t>(len)));
        OPENSSL_free(der);
        if (!digest) continue;
        for (const Bytes& pin : pins)
            if (pin.size() == kSpkiPinSize && constant_time_equal(pin, *digest)) return {};
    }
    return Error{Alert::bad_certificate, "no certificate in the chain matches a pinned public key (pin-sha256)"};
}

}  // namespace x509

}  // namespace qtls
