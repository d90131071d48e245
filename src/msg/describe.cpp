#include "msg/describe.h"

#include <cstdio>

#include "msg/compressed_certificate.h"
#include "msg/msg.h"
#include "qtls/cert_compression.h"
#include "qtls/certs.h"

namespace qtls::msg {

namespace {

// Peer-controlled text is made printable and bounded before it reaches a log.
std::string printable(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size() && i < kMaxDescribedStringLength; ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            out += static_cast<char>(c);
        } else {
            char esc[8];
            std::snprintf(esc, sizeof esc, "\\x%02x", c);
            out += esc;
        }
    }
    if (s.size() > kMaxDescribedStringLength) out += "...";
    return out;
}

std::string hex16(std::uint16_t v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%04x", v);
    return buf;
}

std::string suite_name(std::uint16_t code) {
    if (const SuiteInfo* s = suite_info(code)) return std::string(s->name);
    return hex16(code);
}

std::string group_name(std::uint16_t code) {
    switch (static_cast<NamedGroup>(code)) {
        case NamedGroup::secp256r1:
        case NamedGroup::secp384r1:
        case NamedGroup::x25519: return std::string(to_string(static_cast<NamedGroup>(code)));
    }
    return hex16(code);
}

std::string scheme_name(std::uint16_t code) {
    std::string_view name = to_string(static_cast<SignatureScheme>(code));
    if (name.empty() || name == "unknown" || name == "?") return hex16(code);
    return std::string(name);
}

template <class T, class Name>
std::string list(const std::vector<T>& items, Name name) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size() && i < kMaxDescribedListItems; ++i) {
        if (i) out += ',';
        out += name(items[i]);
    }
    if (items.size() > kMaxDescribedListItems) out += ",+" + std::to_string(items.size() - kMaxDescribedListItems);
    return out + "]";
}

std::string quoted(const std::string& s) { return "\"" + printable(s) + "\""; }

std::string malformed(const Error& e) { return " malformed: " + std::string(e.what); }

std::string describe_client_hello(ByteView body) {
    auto ch = ClientHello::decode(body);
    if (!ch.ok()) return malformed(ch.error());
    std::string out = " suites=" + list(ch->cipher_suites, suite_name);
    if (auto* e = find_extension(ch->extensions, ExtensionType::supported_versions)) {
        if (auto v = decode_supported_versions_client(e->body); v.ok()) out += " versions=" + list(*v, hex16);
    }
    if (auto* e = find_extension(ch->extensions, ExtensionType::supported_groups)) {
        if (auto v = decode_supported_groups(e->body); v.ok()) out += " groups=" + list(*v, group_name);
    }
    if (auto* e = find_extension(ch->extensions, ExtensionType::key_share)) {
        if (auto v = decode_key_share_client(e->body); v.ok())
            out += " key_shares=" + list(*v, [](const KeyShareEntry& k) { return group_name(k.group); });
    }
    if (auto* e = find_extension(ch->extensions, ExtensionType::signature_algorithms)) {
        if (auto v = decode_signature_algorithms(e->body); v.ok()) out += " sigalgs=" + list(*v, scheme_name);
    }
    if (auto* e = find_extension(ch->extensions, ExtensionType::server_name)) {
        if (auto v = decode_server_name(e->body); v.ok()) out += " sni=" + quoted(*v);
    }
    if (auto* e = find_extension(ch->extensions, ExtensionType::alpn)) {
        if (auto v = decode_alpn(e->body); v.ok()) out += " alpn=" + list(*v, quoted);
    }
    if (auto* e = find_extension(ch->extensions, ExtensionType::psk_key_exchange_modes)) {
        if (auto v = decode_psk_key_exchange_modes(e->body); v.ok())
            out += " psk_modes=" + list(*v, [](std::uint8_t m) {
                       return std::string(m == 0 ? "psk_ke" : m == 1 ? "psk_dhe_ke" : "?");
                   });
    }
    if (auto* e = find_extension(ch->extensions, ExtensionType::pre_shared_key)) {
        // Only how many tickets are offered: identities and binders stay out of logs.
        if (auto v = decode_pre_shared_key_client(e->body); v.ok())
            out += " psk_identities=" + std::to_string(v->identities.size());
    }
    if (find_extension(ch->extensions, ExtensionType::early_data)) out += " early_data";
    if (auto* e = find_extension(ch->extensions, ExtensionType::record_size_limit)) {
        if (auto v = decode_record_size_limit(e->body); v.ok()) out += " record_size_limit=" + std::to_string(*v);
    }
    if (auto* e = find_extension(ch->extensions, ExtensionType::server_certificate_type)) {
        if (auto v = decode_certificate_types(e->body); v.ok())
            out += " server_certificate_types=" + list(*v, [](std::uint8_t t) { return std::to_string(t); });
    }
    if (find_extension(ch->extensions, ExtensionType::cookie)) out += " cookie";
    if (find_extension(ch->extensions, ExtensionType::quic_transport_parameters)) out += " quic_transport_parameters";
    out += " extensions=" + std::to_string(ch->extensions.size());
    return out;
}

std::string describe_server_hello(ByteView body) {
    auto sh = ServerHello::decode(body);
    if (!sh.ok()) return malformed(sh.error());
    const bool hrr = sh->is_hello_retry_request();
    std::string out = hrr ? " HelloRetryRequest" : "";
    out += " suite=" + suite_name(sh->cipher_suite);
    if (auto* e = find_extension(sh->extensions, ExtensionType::supported_versions)) {
        if (auto v = decode_supported_versions_server(e->body); v.ok()) out += " version=" + hex16(*v);
    }
    if (auto* e = find_extension(sh->extensions, ExtensionType::key_share)) {
        if (hrr) {
            if (auto g = decode_key_share_hrr(e->body); g.ok()) out += " selected_group=" + group_name(*g);
        } else if (auto k = decode_key_share_server(e->body); k.ok()) {
            out += " group=" + group_name(k->group);
        }
    }
    if (auto* e = find_extension(sh->extensions, ExtensionType::pre_shared_key)) {
        if (auto v = decode_pre_shared_key_server(e->body); v.ok()) out += " psk_selected=" + std::to_string(*v);
    }
    if (find_extension(sh->extensions, ExtensionType::cookie)) out += " cookie";
    return out;
}

std::string describe_encrypted_extensions(ByteView body) {
    auto ee = EncryptedExtensions::decode(body);
    if (!ee.ok()) return malformed(ee.error());
    std::string out;
    if (auto* e = find_extension(ee->extensions, ExtensionType::alpn)) {
        if (auto v = decode_alpn_server(e->body); v.ok()) out += " alpn=" + quoted(*v);
    }
    if (find_extension(ee->extensions, ExtensionType::early_data)) out += " early_data=accepted";
    if (find_extension(ee->extensions, ExtensionType::server_name)) out += " sni=acknowledged";
    if (auto* e = find_extension(ee->extensions, ExtensionType::record_size_limit)) {
        if (auto v = decode_record_size_limit(e->body); v.ok()) out += " record_size_limit=" + std::to_string(*v);
    }
    if (find_extension(ee->extensions, ExtensionType::supported_groups)) out += " groups_advertised";
    if (auto* e = find_extension(ee->extensions, ExtensionType::server_certificate_type)) {
        if (auto v = decode_certificate_type_selected(e->body); v.ok())
            out += " server_certificate_type=" + std::to_string(*v);
    }
    if (find_extension(ee->extensions, ExtensionType::quic_transport_parameters)) out += " quic_transport_parameters";
    out += " extensions=" + std::to_string(ee->extensions.size());
    return out;
}

std::string describe_certificate(ByteView body) {
    auto cert = Certificate::decode(body);
    if (!cert.ok()) return malformed(cert.error());
    std::string out = " chain=" + std::to_string(cert->entries.size());
    if (!cert->entries.empty()) out += " leaf=" + quoted(certificate_subject(cert->entries.front().data));
    return out;
}

std::string describe_certificate_request(ByteView body) {
    auto cr = CertificateRequest::decode(body);
    if (!cr.ok()) return malformed(cr.error());
    std::string out;
    if (auto* e = find_extension(cr->extensions, ExtensionType::signature_algorithms)) {
        if (auto v = decode_signature_algorithms(e->body); v.ok()) out += " sigalgs=" + list(*v, scheme_name);
    }
    return out;
}

std::string describe_new_session_ticket(ByteView body) {
    auto nst = NewSessionTicket::decode(body);
    if (!nst.ok()) return malformed(nst.error());
    std::string out = " lifetime=" + std::to_string(nst->lifetime) + "s ticket_len=" + std::to_string(nst->ticket.size());
    if (auto* e = find_extension(nst->extensions, ExtensionType::early_data)) {
        if (auto v = decode_early_data_ticket(e->body); v.ok()) out += " max_early_data=" + std::to_string(*v);
    }
    return out;
}

std::string describe_body(HandshakeType type, ByteView body) {
    switch (type) {
        case HandshakeType::client_hello: return describe_client_hello(body);
        case HandshakeType::server_hello: return describe_server_hello(body);
        case HandshakeType::encrypted_extensions: return describe_encrypted_extensions(body);
        case HandshakeType::certificate: return describe_certificate(body);
        case HandshakeType::certificate_request: return describe_certificate_request(body);
        case HandshakeType::certificate_verify: {
            auto cv = CertificateVerify::decode(body);
            if (!cv.ok()) return malformed(cv.error());
            return " scheme=" + scheme_name(cv->scheme);
        }
        case HandshakeType::new_session_ticket: return describe_new_session_ticket(body);
        case HandshakeType::key_update: {
            auto ku = KeyUpdate::decode(body);
            if (!ku.ok()) return malformed(ku.error());
            return ku->request == KeyUpdate::Request::requested ? " update_requested" : " update_not_requested";
        }
        case HandshakeType::compressed_certificate: {
            // RFC 8879 §4: what the trace needs to show compression happened.
            auto cc = CompressedCertificate::decode(body);
            if (!cc.ok()) return malformed(cc.error());
            const std::string_view name = to_string(static_cast<CertificateCompression>(cc->algorithm));
            return " algorithm=" + (name == "unknown" ? hex16(cc->algorithm) : std::string(name)) +
                   " uncompressed_length=" + std::to_string(cc->uncompressed_length);
        }
        case HandshakeType::finished:
        case HandshakeType::end_of_early_data:
        case HandshakeType::message_hash: return {};
    }
    return {};
}

}  // namespace

std::string describe_message(HandshakeType type, ByteView body) {
    std::string out(to_string(type));
    out += " len=" + std::to_string(body.size());
    out += describe_body(type, body);
    return out;
}

std::string describe_messages(ByteView framed) {
    std::string out;
    while (framed.size() >= kHandshakeHeaderSize) {
        const std::size_t len = (std::size_t{framed[1]} << 16) | (std::size_t{framed[2]} << 8) | framed[3];
        if (framed.size() - kHandshakeHeaderSize < len) break;
        if (!out.empty()) out += "; ";
        if (is_wire_handshake_type(framed[0]))
            out += describe_message(static_cast<HandshakeType>(framed[0]), framed.subspan(kHandshakeHeaderSize, len));
        else
            out += "type " + std::to_string(framed[0]) + " len=" + std::to_string(len);
        framed = framed.subspan(kHandshakeHeaderSize + len);
    }
    if (!framed.empty()) out += (out.empty() ? "" : "; ") + std::to_string(framed.size()) + " trailing bytes";
    return out;
}

}  // namespace qtls::msg
