#include "summary.h"

#include "qtls/certs.h"

namespace qtls::cli {

std::string negotiated_summary(const Negotiated& n, Side side) {
    std::string s = "TLSv1.3 " + std::string(to_string(n.suite));
    s += " group=" + (n.group ? std::string(to_string(*n.group)) : std::string("none"));
    auto sig = side == Side::client ? n.peer_signature_scheme : n.own_signature_scheme;
    s += " sig=" + (sig ? std::string(to_string(*sig)) : std::string("none"));
    s += " alpn=" + (n.alpn.empty() ? std::string("none") : n.alpn);
    if (side == Side::server) s += " sni=" + (n.server_name.empty() ? std::string("none") : n.server_name);
    s += std::string(" hrr=") + (n.hello_retry ? "yes" : "no");
    s += std::string(" resumed=") + (n.resumed ? "yes" : "no");
    if (n.external_psk) s += " psk=\"" + std::string(n.external_psk_identity.begin(), n.external_psk_identity.end()) + "\"";
    if (!n.peer_certificates.empty())
        s += " peer=\"" + certificate_subject(n.peer_certificates.front()) + "\"";
    else if (side == Side::server)
        s += " peer=none";
    if (side == Side::server && n.client_authenticated) s += " client-auth=yes";
    // RFC 7250, only when used: the server authenticated with a raw public key.
    if (n.server_certificate_type == CertificateType::raw_public_key) s += " server-cert-type=raw-public-key";
    if (n.client_certificate_type == CertificateType::raw_public_key) s += " client-cert-type=raw-public-key";
    // RFC 8879, only when it was used: how the peer's / our Certificate travelled.
    if (n.peer_certificate_compression)
        s += " peer-cert-compression=" + std::string(to_string(*n.peer_certificate_compression));
    if (n.own_certificate_compression)
        s += " own-cert-compression=" + std::string(to_string(*n.own_certificate_compression));
    // RFC 8446 §4.2.10: whether 0-RTT data was offered, and the answer.
    s += std::string(" early-data=") + (!n.early_data_offered ? "none" : n.early_data_accepted ? "accepted" : "rejected");
    return s;
}

}  // namespace qtls::cli
