// The QUIC subcommands of the qtls program (tools/main.cpp dispatches).
#pragma once

#include "quic_options.h"

namespace qtls::cli {

// Both return the process exit status (0: success).
int run_quic_client(const QuicOptions& o);  // tools/quic/quic_client*.cpp
int run_quic_server(const QuicOptions& o);  // tools/quic/quic_server*.cpp

// Parses argv for `quic-client` / `quic-server` and runs the command.
int run_quic_command(int argc, char** argv);

}  // namespace qtls::cli
