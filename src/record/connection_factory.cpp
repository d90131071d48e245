// record::Connection built from a client or server config. Kept apart from
// the rest of the connection so that code wrapping its own Engine does not
// link the engine factories.
#include "record/connection_impl.h"

namespace qtls::record {

namespace {

// Passes tickets through to the application's store and remembers the
// max_early_data_size (RFC 8446 §4.6.1) of the one the engine takes for its
// ClientHello: the client must not send more 0-RTT data than that.
class TicketLimitProbe final : public ClientSessionStore {
public:
    explicit TicketLimitProbe(std::shared_ptr<ClientSessionStore> inner) : inner_(std::move(inner)) {}
    void put(const std::string& server_name, StoredSession session) override {
        inner_->put(server_name, std::move(session));
    }
    std::optional<StoredSession> take(const std::string& server_name) override {
        auto session = inner_->take(server_name);
        if (session) max_early_data_ = session->max_early_data;
        return session;
    }
    std::uint32_t max_early_data() const { return max_early_data_; }

private:
    std::shared_ptr<ClientSessionStore> inner_;
    std::uint32_t max_early_data_ = 0;
};

}  // namespace

Result<Connection> Connection::client(std::shared_ptr<const ClientConfig> config, ClientOptions options,
                                      ConnectionOptions connection_options) {
    if (!config) return make_error(Alert::internal_error, "record: no client config");
    ProviderPtr provider = config->provider ? config->provider : default_provider();
    // RFC 8446 §D.4: compatibility mode is the client's choice.
    connection_options.middlebox_compat = connection_options.middlebox_compat && config->middlebox_compat;
    connection_options.max_early_data = 0;
    connection_options.logger = config->logger;
    options.transport = Transport::tcp;
    // 0-RTT: this connection's copy of the config sees which ticket is used.
    std::shared_ptr<TicketLimitProbe> probe;
    if (config->enable_early_data && config->session_store) {
        probe = std::make_shared<TicketLimitProbe>(config->session_store);
        auto copy = std::make_shared<ClientConfig>(*config);
        copy->session_store = probe;
        config = std::move(copy);
    }
    auto engine = Engine::client(std::move(config), std::move(options));
    if (!engine) return engine.error();
    Connection connection(std::move(engine).value(), std::move(provider), connection_options);
    QTLS_TRY(connection.start());
    if (probe) connection.impl_->options.max_early_data = probe->max_early_data();
    return connection;
}

Result<Connection> Connection::server(std::shared_ptr<const ServerConfig> config,
                                      ConnectionOptions connection_options) {
    if (!config) return make_error(Alert::internal_error, "record: no server config");
    ProviderPtr provider = config->provider ? config->provider : default_provider();
    // RFC 8446 §4.2.10: the limit the tickets advertise is the one enforced.
    connection_options.max_early_data = config->max_early_data;
    connection_options.logger = config->logger;
    ServerOptions options;
    options.transport = Transport::tcp;
    auto engine = Engine::server(std::move(config), std::move(options));
    if (!engine) return engine.error();
    Connection connection(std::move(engine).value(), std::move(provider), connection_options);
    QTLS_TRY(connection.start());
    return connection;
}

}  // namespace qtls::record
