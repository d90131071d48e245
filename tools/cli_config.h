// Turns command-line options into shared qtls configs. Every failure names
// the file or option at fault.
#pragma once

#include <memory>
#include <string>

#include "cli_options.h"
#include "qtls/config.h"

namespace qtls::cli {

struct ConfigError {
    std::string message;
};

template <class T>
struct Built {
    std::shared_ptr<T> config;
    std::string error;  // empty on success
};

Built<ClientConfig> build_client_config(const CliOptions& o);
Built<ServerConfig> build_server_config(const CliOptions& o);

}  // namespace qtls::cli
