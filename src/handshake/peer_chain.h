// The peer's chain as the verifier sees it: the certificates of a
// Certificate message plus what the peer stapled to its leaf
// (RFC 8446 §4.4.2, §4.4.2.1).
#pragma once

#include <vector>

#include "msg/certificate.h"
#include "qtls/certs.h"

namespace qtls::handshake {

// What we asked the peer to staple. A client asks in its ClientHello; a
// qtls server never asks (RFC 8446 §4.4.2.1 lets it, in CertificateRequest).
struct StapleRequests {
    bool ocsp = false;  // status_request (RFC 6066 §8)
    bool sct = false;   // signed_certificate_timestamp (RFC 6962 §3.3)
};

struct PeerChain {
    std::vector<Bytes> chain;  // leaf first, DER
    StapledResponses stapled;  // from the leaf's CertificateEntry
};

// Moves the certificates out of `cert`. RFC 8446 §4.4.2: entry extensions
// must answer ones we sent, else unsupported_extension. A staple on a
// non-leaf entry (an intermediate's OCSP response) is checked for framing
// and otherwise ignored. The caller bounds the chain length.
Result<PeerChain> take_peer_chain(msg::Certificate& cert, StapleRequests requested);

}  // namespace qtls::handshake
