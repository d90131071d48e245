#include "handshake/peer_chain.h"

#include "msg/extension_codecs.h"

namespace qtls::handshake {

using msg::ExtensionType;

namespace {

bool is(const msg::Extension& e, ExtensionType t) { return e.type == static_cast<std::uint16_t>(t); }

}  // namespace

Result<PeerChain> take_peer_chain(msg::Certificate& cert, StapleRequests requested) {
    PeerChain out;
    out.chain.reserve(cert.entries.size());
    bool leaf = true;
    for (auto& entry : cert.entries) {
        for (const msg::Extension& e : entry.extensions) {
            if (requested.ocsp && is(e, ExtensionType::status_request)) {
                QTLS_ASSIGN_OR_RETURN(Bytes response, msg::decode_certificate_status(e.body));
                if (leaf) out.stapled.ocsp_response = std::move(response);
            } else if (requested.sct && is(e, ExtensionType::signed_certificate_timestamp)) {
                QTLS_ASSIGN_OR_RETURN(Bytes list, msg::decode_sct_list(e.body));
                if (leaf) out.stapled.sct_list = std::move(list);
            } else {
                return Error{Alert::unsupported_extension, "certificate entry extension not requested"};
            }
        }
        out.chain.push_back(std::move(entry.data));
        leaf = false;
    }
    return out;
}

}  // namespace qtls::handshake
