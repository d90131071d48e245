// The qtls program's subcommands.
#pragma once

#include "cli_options.h"

namespace qtls::cli {

int run_client(const CliOptions& o);
int run_server(const CliOptions& o);

}  // namespace qtls::cli
