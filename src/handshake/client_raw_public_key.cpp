// The client's side of RFC 7250 raw public keys: the server's Certificate
// carries one SubjectPublicKeyInfo, trusted only when the configured
// RawPublicKeyVerifier knows it; CertificateVerify is then checked against
// that key exactly as against an X.509 leaf's (RFC 8446 §4.4.3).
#include "handshake/certificate_type.h"
#include "handshake/client.h"

namespace qtls::handshake {

Status ClientEngine::on_raw_public_key_certificate(msg::Certificate& cert, const msg::RawMessage& m) {
    QTLS_ASSIGN_OR_RETURN(Bytes spki, raw_public_key_from_certificate(cert));
    QTLS_TRY(config_->server_raw_public_key_verifier->verify(spki, options_.server_name));
    negotiated_.peer_raw_public_key = spki;
    transcript_.add(m.full);
    state_ = WaitCertificateVerify{std::move(spki)};
    return {};
}

}  // namespace qtls::handshake
