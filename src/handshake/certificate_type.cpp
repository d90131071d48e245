#include "handshake/certificate_type.h"

#include <algorithm>

#include "msg/ext_certificate_type.h"

namespace qtls::handshake {

namespace {

bool contains(const std::vector<CertificateType>& list, CertificateType t) {
    return std::find(list.begin(), list.end(), t) != list.end();
}

// Only the two types this library implements; OpenPGP (1) and unknown code
// points are never selected.
std::optional<CertificateType> known_type(std::uint8_t code) {
    if (code == msg::kCertificateTypeX509) return CertificateType::x509;
    if (code == msg::kCertificateTypeRawPublicKey) return CertificateType::raw_public_key;
    return std::nullopt;
}

bool can_present(const CertifiedKey& key, CertificateType t) {
    return t == CertificateType::x509 ? !key.chain.empty() : !key.raw_public_key.empty();
}

// A list of accepted certificate types: not empty, known types, each once.
Status validate_type_list(const std::vector<CertificateType>& types) {
    if (types.empty()) return Error{Alert::internal_error, "config: an accepted certificate type list is empty"};
    for (auto it = types.begin(); it != types.end(); ++it) {
        if (*it != CertificateType::x509 && *it != CertificateType::raw_public_key)
            return Error{Alert::internal_error, "config: unknown certificate type"};
        if (std::find(std::next(it), types.end(), *it) != types.end())
            return Error{Alert::internal_error, "config: certificate type listed twice"};
    }
    return {};
}

}  // namespace

Status validate_server_certificate_types(const ClientConfig& c) {
    QTLS_TRY(validate_type_list(c.server_certificate_types));
    if (contains(c.server_certificate_types, CertificateType::raw_public_key) && !c.server_raw_public_key_verifier)
        return Error{Alert::internal_error, "config: raw public keys accepted without server_raw_public_key_verifier"};
    return {};
}

std::optional<Bytes> server_certificate_type_offer(const std::vector<CertificateType>& accepted) {
    if (accepted.size() == 1 && accepted.front() == CertificateType::x509) return std::nullopt;
    std::vector<std::uint8_t> codes;
    for (CertificateType t : accepted) codes.push_back(static_cast<std::uint8_t>(t));
    return msg::encode_certificate_types(codes);
}

Result<CertificateType> server_certificate_type_selected(const msg::Extensions& ee,
                                                         const std::vector<CertificateType>& accepted) {
    const auto* ext = msg::find_extension(ee, msg::ExtensionType::server_certificate_type);
    if (!ext) {
        // RFC 7250 §4.2: a server that ignores the extension sends X.509.
        if (!contains(accepted, CertificateType::x509))
            return Error{Alert::unsupported_certificate, "server did not select a raw public key (X.509 not accepted)"};
        return CertificateType::x509;
    }
    QTLS_ASSIGN_OR_RETURN(std::uint8_t code, msg::decode_certificate_type_selected(ext->body));
    auto type = known_type(code);
    if (!type || !contains(accepted, *type))
        return Error{Alert::illegal_parameter, "server selected a certificate type not offered"};
    return *type;
}

Result<CertificateTypeChoice> choose_server_certificate_type(const msg::Extensions& ch, const CertifiedKey& key) {
    const auto* ext = msg::find_extension(ch, msg::ExtensionType::server_certificate_type);
    if (!ext) {
        if (!can_present(key, CertificateType::x509))
            return Error{Alert::handshake_failure, "only a raw public key, and the client does not accept one"};
        return CertificateTypeChoice{};
    }
    QTLS_ASSIGN_OR_RETURN(auto codes, msg::decode_certificate_types(ext->body));
    for (std::uint8_t code : codes) {
        auto type = known_type(code);
        if (type && can_present(key, *type)) return CertificateTypeChoice{*type, true};
    }
    // RFC 7250 §4.2: no certificate type in common.
    return Error{Alert::unsupported_certificate, "no server certificate type in common with the client"};
}

std::optional<Bytes> client_certificate_type_offer(const CertifiedKey* key) {
    if (key == nullptr || key->raw_public_key.empty()) return std::nullopt;
    std::vector<std::uint8_t> codes{msg::kCertificateTypeRawPublicKey};
    if (!key->chain.empty()) codes.push_back(msg::kCertificateTypeX509);
    return msg::encode_certificate_types(codes);
}

Result<CertificateType> client_certificate_type_selected(const msg::Extensions& ee, const CertifiedKey* key) {
    const auto* ext = msg::find_extension(ee, msg::ExtensionType::client_certificate_type);
    if (!ext) return CertificateType::x509;
    if (!client_certificate_type_offer(key))
        return Error{Alert::unsupported_extension, "server answered a client_certificate_type not offered"};
    QTLS_ASSIGN_OR_RETURN(std::uint8_t code, msg::decode_certificate_type_selected(ext->body));
    auto type = known_type(code);
    if (!type || !can_present(*key, *type))
        return Error{Alert::illegal_parameter, "server selected a client certificate type not offered"};
    return *type;
}

Status validate_client_certificate_types(const ServerConfig& c) {
    QTLS_TRY(validate_type_list(c.client_certificate_types));
    if (contains(c.client_certificate_types, CertificateType::raw_public_key) && !c.client_raw_public_key_verifier)
        return Error{Alert::internal_error, "config: raw public keys accepted without client_raw_public_key_verifier"};
    return {};
}

Result<CertificateTypeChoice> choose_client_certificate_type(const msg::Extensions& ch,
                                                            const std::vector<CertificateType>& accepted) {
    const auto* ext = msg::find_extension(ch, msg::ExtensionType::client_certificate_type);
    if (!ext) return CertificateTypeChoice{};  // X.509, nothing to answer
    QTLS_ASSIGN_OR_RETURN(auto codes, msg::decode_certificate_types(ext->body));
    for (CertificateType type : accepted)
        if (std::find(codes.begin(), codes.end(), static_cast<std::uint8_t>(type)) != codes.end())
            return CertificateTypeChoice{type, true};
    // RFC 7250 §4.2: no certificate type in common.
    return Error{Alert::unsupported_certificate, "no client certificate type in common with the client"};
}

void fill_certificate_entries(const CertifiedKey& key, CertificateType type, msg::Certificate& out) {
    if (type == CertificateType::raw_public_key) {
        out.entries.push_back({key.raw_public_key, {}});
        return;
    }
    for (const auto& der : key.chain) out.entries.push_back({der, {}});
}

Result<Bytes> raw_public_key_from_certificate(msg::Certificate& cert) {
    // RFC 7250 §3 / RFC 8446 §4.4.2: one SubjectPublicKeyInfo, no chain.
    if (cert.entries.size() != 1) return Error{Alert::bad_certificate, "raw public key Certificate must hold one entry"};
    if (!cert.entries.front().extensions.empty())
        return Error{Alert::unsupported_extension, "certificate entry extension not requested"};
    return std::move(cert.entries.front().data);
}

}  // namespace qtls::handshake
