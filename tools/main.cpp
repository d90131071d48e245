// The qtls command-line program: a TLS 1.3 client and server on the qtls
// library, for trying it out and for interop testing.
#include <csignal>
#include <cstdio>
#include <cstring>

#include "cli_options.h"
#include "commands.h"
#if QTLS_CLI_HAS_QUIC
#include "quic/quic_commands.h"
#endif

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);  // a peer that vanishes is an error value, not a signal
#if QTLS_CLI_HAS_QUIC
    if (argc >= 2 && (std::strcmp(argv[1], "quic-client") == 0 || std::strcmp(argv[1], "quic-server") == 0))
        return qtls::cli::run_quic_command(argc, argv);
#endif
    auto options = qtls::cli::parse_options(argc, argv);
    if (!options) return 2;
    if (options->command == "help") {
        qtls::cli::print_help();
#if QTLS_CLI_HAS_QUIC
        qtls::cli::print_quic_help();
#endif
        return 0;
    }
    if (options->command == "version") {
        std::printf("qtls 0.1.0\n");
        return 0;
    }
    if (options->command == "client") return qtls::cli::run_client(*options);
    return qtls::cli::run_server(*options);
}
