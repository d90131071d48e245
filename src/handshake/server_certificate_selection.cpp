// ServerConfig::deferred.select_certificate (qtls/async.h): the application
// chooses the certificate instead of ServerConfig::cert_resolver.
//
// The question is asked only for the ClientHello the server answers with
// its flight, after any HelloRetryRequest (§4.1.4), so the application is
// asked once per handshake; a resumed handshake has no certificate (§2.2)
// and never asks. By then the ClientHello is in the transcript and 0-RTT is
// decided (a full handshake never accepts it).
#include "handshake/server.h"

namespace qtls::handshake {

Status ServerEngine::defer_certificate_selection(const msg::ClientHello& ch, const Selection& sel) {
    Selection waiting = sel;
    CertificateSelectionRequest request = std::move(*waiting.deferred_selection);
    waiting.deferred_selection.reset();
    std::vector<SignatureScheme> client_schemes = request.signature_schemes;
    suspend(std::move(request),
            [this, ch, waiting = std::move(waiting), client_schemes = std::move(client_schemes)](
                OperationAnswer& a) mutable -> Status {
                auto& answer = std::get<CertificateSelectionAnswer>(a);
                QTLS_TRY(adopt_certificate(ch, waiting, std::move(answer.certificate), client_schemes));
                return send_server_flight(ch, waiting);
            });
    return {};
}

}  // namespace qtls::handshake
