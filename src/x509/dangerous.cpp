#include "qtls/dangerous.h"

#include "qtls/log.h"

namespace qtls::dangerous {

namespace {

class AcceptAnyServerCertificate final : public CertVerifier {
public:
    Status verify(std::span<const Bytes> chain, std::string_view peer_name) override {
        // An empty chain cannot carry the key CertificateVerify needs.
        if (chain.empty()) return Error{Alert::bad_certificate, "empty certificate chain"};
        if (auto logger = default_logger(); logger && logger->enabled(LogLevel::warn))
            logger->callback(LogLevel::warn, "x509",
                             "certificate verification skipped for \"" + std::string(peer_name) +
                                 "\" (qtls::dangerous::accept_any_server_certificate): the server is not authenticated");
        return {};
    }
};

}  // namespace

std::shared_ptr<CertVerifier> accept_any_server_certificate() {
    return std::make_shared<AcceptAnyServerCertificate>();
}

}  // namespace qtls::dangerous
