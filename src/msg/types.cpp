#include "msg/types.h"

#include "msg/codec_util.h"

namespace qtls::msg {

bool is_wire_handshake_type(std::uint8_t type) {
    switch (static_cast<HandshakeType>(type)) {
        case HandshakeType::client_hello:
        case HandshakeType::server_hello:
        case HandshakeType::new_session_ticket:
        case HandshakeType::end_of_early_data:
        case HandshakeType::encrypted_extensions:
        case HandshakeType::certificate:
        case HandshakeType::certificate_request:
        case HandshakeType::certificate_verify:
        case HandshakeType::finished:
        case HandshakeType::key_update:
        case HandshakeType::compressed_certificate:
            return true;
        case HandshakeType::message_hash:
            return false;
    }
    return false;
}

bool is_known_extension_type(std::uint16_t type) {
    switch (static_cast<ExtensionType>(type)) {
        case ExtensionType::server_name:
        case ExtensionType::status_request:
        case ExtensionType::supported_groups:
        case ExtensionType::signature_algorithms:
        case ExtensionType::alpn:
        case ExtensionType::signed_certificate_timestamp:
        case ExtensionType::client_certificate_type:
        case ExtensionType::server_certificate_type:
        case ExtensionType::padding:
        case ExtensionType::compress_certificate:
        case ExtensionType::record_size_limit:
        case ExtensionType::pre_shared_key:
        case ExtensionType::early_data:
        case ExtensionType::supported_versions:
        case ExtensionType::cookie:
        case ExtensionType::psk_key_exchange_modes:
        case ExtensionType::certificate_authorities:
        case ExtensionType::oid_filters:
        case ExtensionType::post_handshake_auth:
        case ExtensionType::signature_algorithms_cert:
        case ExtensionType::key_share:
        case ExtensionType::quic_transport_parameters:
            return true;
    }
    return false;
}

std::string_view to_string(HandshakeType t) {
    switch (t) {
        case HandshakeType::client_hello: return "ClientHello";
        case HandshakeType::server_hello: return "ServerHello";
        case HandshakeType::new_session_ticket: return "NewSessionTicket";
        case HandshakeType::end_of_early_data: return "EndOfEarlyData";
        case HandshakeType::encrypted_extensions: return "EncryptedExtensions";
        case HandshakeType::certificate: return "Certificate";
        case HandshakeType::certificate_request: return "CertificateRequest";
        case HandshakeType::certificate_verify: return "CertificateVerify";
        case HandshakeType::finished: return "Finished";
        case HandshakeType::key_update: return "KeyUpdate";
        case HandshakeType::compressed_certificate: return "CompressedCertificate";
        case HandshakeType::message_hash: return "message_hash";
    }
    return "unknown";
}

Bytes frame_message(HandshakeType type, ByteView body) {
    Bytes out;
    out.reserve(kHandshakeHeaderSize + body.size());
    wire::Writer w(out);
    std::size_t m = detail::open_message(w, type);
    w.bytes(body);
    detail::close_vec(w, m);
    return out;
}

// RFC 8446 §4.4.1: Hash(message_hash || 00 00 Hash.length || Hash(ClientHello1)).
Bytes message_hash(ByteView hash) { return frame_message(HandshakeType::message_hash, hash); }

}  // namespace qtls::msg
