#include "msg/extensions.h"

#include <bitset>

#include "msg/codec_util.h"

namespace qtls::msg {
namespace {

// Message contexts of the RFC 8446 §4.2 table, as bits.
enum : unsigned {
    kCH = 1u << 0,   // ClientHello
    kSH = 1u << 1,   // ServerHello
    kHRR = 1u << 2,  // HelloRetryRequest
    kEE = 1u << 3,   // EncryptedExtensions
    kCT = 1u << 4,   // Certificate (CertificateEntry)
    kCR = 1u << 5,   // CertificateRequest
    kNST = 1u << 6,  // NewSessionTicket
};

// Where each known extension may appear. RFC 8446 §4.2 table, plus RFC 8449
// §4, §7 (record_size_limit: CH, EE), RFC 9001 §8.2
// (quic_transport_parameters: CH, EE) and RFC 7250 §4 with RFC 8446 §4.3.1
// (client/server_certificate_type: CH, EE).
unsigned allowed_contexts(ExtensionType t) {
    switch (t) {
        case ExtensionType::server_name: return kCH | kEE;
        case ExtensionType::status_request: return kCH | kCR | kCT;
        case ExtensionType::supported_groups: return kCH | kEE;
        case ExtensionType::signature_algorithms: return kCH | kCR;
        case ExtensionType::alpn: return kCH | kEE;
        case ExtensionType::signed_certificate_timestamp: return kCH | kCR | kCT;
        case ExtensionType::client_certificate_type: return kCH | kEE;
        case ExtensionType::server_certificate_type: return kCH | kEE;
        case ExtensionType::padding: return kCH;
        // RFC 8879 §3: offered by whoever receives a certificate.
        case ExtensionType::compress_certificate: return kCH | kCR;
        case ExtensionType::record_size_limit: return kCH | kEE;
        case ExtensionType::pre_shared_key: return kCH | kSH;
        case ExtensionType::early_data: return kCH | kEE | kNST;
        case ExtensionType::supported_versions: return kCH | kSH | kHRR;
        case ExtensionType::cookie: return kCH | kHRR;
        case ExtensionType::psk_key_exchange_modes: return kCH;
        case ExtensionType::certificate_authorities: return kCH | kCR;
        case ExtensionType::oid_filters: return kCR;
        case ExtensionType::post_handshake_auth: return kCH;
        case ExtensionType::signature_algorithms_cert: return kCH | kCR;
        case ExtensionType::key_share: return kCH | kSH | kHRR;
        case ExtensionType::quic_transport_parameters: return kCH | kEE;
    }
    return 0;
}

unsigned context_bit(HandshakeType context, bool is_hrr) {
    switch (context) {
        case HandshakeType::client_hello: return kCH;
        case HandshakeType::server_hello: return is_hrr ? kHRR : kSH;
        case HandshakeType::encrypted_extensions: return kEE;
        case HandshakeType::certificate: return kCT;
        case HandshakeType::certificate_request: return kCR;
        case HandshakeType::new_session_ticket: return kNST;
        default: return 0;  // messages without extensions allow none
    }
}

}  // namespace

const Extension* find_extension(const Extensions& exts, ExtensionType type) {
    for (const Extension& e : exts)
        if (e.type == static_cast<std::uint16_t>(type)) return &e;
    return nullptr;
}

bool extension_allowed(std::uint16_t type, HandshakeType context, bool is_hrr) {
    if (!is_known_extension_type(type)) return true;
    return (allowed_contexts(static_cast<ExtensionType>(type)) & context_bit(context, is_hrr)) != 0;
}

Status decode_extensions(wire::Reader& r, HandshakeType context, Extensions& out, bool is_hrr) {
    out.clear();
    std::bitset<65536> seen;
    wire::Reader block;
    if (!r.sub16(block)) return detail::decode_error("truncated extensions block");
    while (!block.empty()) {
        std::uint16_t type = 0;
        ByteView body;
        if (!block.u16(type) || !block.vec16(body)) return detail::decode_error("truncated extension");
        // §4.2: at most one extension of each type per block. A bitset keeps
        // this linear even for a block of ~16k empty extensions.
        if (seen.test(type)) return detail::illegal_parameter("duplicate extension");
        seen.set(type);
        // §4.2: a recognized extension in a message it is not defined for.
        if (!extension_allowed(type, context, is_hrr))
            return detail::illegal_parameter("extension not allowed in this message");
        // §4.2.11: pre_shared_key must be the last ClientHello extension.
        if (context == HandshakeType::client_hello && !out.empty() &&
            out.back().type == static_cast<std::uint16_t>(ExtensionType::pre_shared_key))
            return detail::illegal_parameter("pre_shared_key is not the last extension");
        out.push_back(Extension{type, Bytes(body.begin(), body.end())});
    }
    return {};
}

void encode_extensions(wire::Writer& w, const Extensions& exts) {
    std::size_t block = w.open(2);
    for (const Extension& e : exts) {
        w.u16(e.type);
        std::size_t m = w.open(2);
        w.bytes(e.body);
        detail::close_vec(w, m);
    }
    detail::close_vec(w, block);
}

}  // namespace qtls::msg
