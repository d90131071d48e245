#include "qtls/engine.h"

#include "handshake/client.h"
#include "handshake/server.h"

namespace qtls {

Result<std::unique_ptr<Engine>> Engine::client(std::shared_ptr<const ClientConfig> config, ClientOptions options) {
    if (!config) return Error{Alert::internal_error, "no client config"};
    QTLS_TRY(validate(*config));
    if (options.transport == Transport::quic && config->alpn.empty())
        return Error{Alert::internal_error, "QUIC clients must offer ALPN (RFC 9001 §8.1)"};
    return std::unique_ptr<Engine>(std::make_unique<handshake::ClientEngine>(std::move(config), std::move(options)));
}

Result<std::unique_ptr<Engine>> Engine::server(std::shared_ptr<const ServerConfig> config, ServerOptions options) {
    if (!config) return Error{Alert::internal_error, "no server config"};
    QTLS_TRY(validate(*config));
    return std::unique_ptr<Engine>(std::make_unique<handshake::ServerEngine>(std::move(config), std::move(options)));
}

}  // namespace qtls
