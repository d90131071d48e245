#include "handshake/negotiated_summary.h"

namespace qtls::handshake {

std::string negotiated_summary(const Negotiated& n, Side side) {
    std::string s = "suite=" + std::string(to_string(n.suite));
    s += " group=" + (n.group ? std::string(to_string(*n.group)) : std::string("none"));
    // The signature that authenticated the server, whichever side logs.
    auto sig = side == Side::client ? n.peer_signature_scheme : n.own_signature_scheme;
    s += " sig=" + (sig ? std::string(to_string(*sig)) : std::string("none"));
    s += " alpn=" + (n.alpn.empty() ? std::string("none") : n.alpn);
    s += std::string(" hrr=") + (n.hello_retry ? "yes" : "no");
    s += std::string(" resumed=") + (n.resumed ? "yes" : "no");
    s += " peer_chain=" + std::to_string(n.peer_certificates.size());
    s += std::string(" early_data=") + (!n.early_data_offered ? "none" : n.early_data_accepted ? "accepted" : "rejected");
    return s;
}

}  // namespace qtls::handshake
