#include "x509/spki.h"

namespace qtls::x509 {

namespace {

constexpr std::uint8_t kSequence = 0x30;
constexpr std::uint8_t kInteger = 0x02;
constexpr std::uint8_t kExplicitVersion = 0xa0;  // [0] EXPLICIT Version
constexpr std::size_t kMaxLengthOctets = 4;      // certificates are far below 4 GiB

// One DER element (X.690 §8.1): identifier, definite length, contents.
struct Element {
    std::uint8_t tag = 0;
    ByteView whole;
    ByteView contents;
};

std::optional<Element> next(ByteView& in) {
    if (in.size() < 2) return std::nullopt;
    Element e;
    e.tag = in[0];
    if ((e.tag & 0x1f) == 0x1f) return std::nullopt;  // high tag numbers do not occur here
    std::size_t pos = 2;
    std::size_t len = in[1];
    if (len & 0x80) {
        const std::size_t octets = len & 0x7f;
        if (octets == 0 || octets > kMaxLengthOctets || in.size() < 2 + octets) return std::nullopt;
        len = 0;
        for (std::size_t i = 0; i < octets; ++i) len = (len << 8) | in[2 + i];
        pos += octets;
    }
    if (len > in.size() - pos) return std::nullopt;
    e.whole = in.first(pos + len);
    e.contents = in.subspan(pos, len);
    in = in.subspan(pos + len);
    return e;
}

}  // namespace

std::optional<ByteView> find_subject_public_key_info(ByteView cert_der) {
    ByteView in = cert_der;
    auto cert = next(in);
    if (!cert || cert->tag != kSequence) return std::nullopt;
    ByteView body = cert->contents;
    auto tbs = next(body);
    if (!tbs || tbs->tag != kSequence) return std::nullopt;
    ByteView fields = tbs->contents;
    auto field = next(fields);
    if (field && field->tag == kExplicitVersion) field = next(fields);
    if (!field || field->tag != kInteger) return std::nullopt;  // serialNumber
    // signature, issuer, validity, subject: four SEQUENCEs, then the key.
    for (int i = 0; i < 4; ++i) {
        field = next(fields);
        if (!field || field->tag != kSequence) return std::nullopt;
    }
    auto spki = next(fields);
    if (!spki || spki->tag != kSequence) return std::nullopt;
    return spki->whole;
}

}  // namespace qtls::x509
