// record::Connection built from a client or server config. Kept apart from
// the rest of the connection so that code wrapping its own Engine does not
// link the engine factories.
#include "qtls/record.h"

namespace qtls::record {

Result<Connection> Connection::client(std::shared_ptr<const ClientConfig> config, ClientOptions options,
                                      ConnectionOptions connection_options) {
    if (!config) return make_error(Alert::internal_error, "record: no client config");
    ProviderPtr provider = config->provider ? config->provider : default_provider();
    // RFC 8446 §D.4: compatibility mode is the client's choice.
    connection_options.middlebox_compat = connection_options.middlebox_compat && config->middlebox_compat;
    options.transport = Transport::tcp;
    auto engine = Engine::client(std::move(config), std::move(options));
    if (!engine) return engine.error();
    Connection connection(std::move(engine).value(), std::move(provider), connection_options);
    QTLS_TRY(connection.start());
    return connection;
}

Result<Connection> Connection::server(std::shared_ptr<const ServerConfig> config,
                                      ConnectionOptions connection_options) {
    if (!config) return make_error(Alert::internal_error, "record: no server config");
    ProviderPtr provider = config->provider ? config->provider : default_provider();
    ServerOptions options;
    options.transport = Transport::tcp;
    auto engine = Engine::server(std::move(config), std::move(options));
    if (!engine) return engine.error();
    Connection connection(std::move(engine).value(), std::move(provider), connection_options);
    QTLS_TRY(connection.start());
    return connection;
}

}  // namespace qtls::record
