#include "quic_commands.h"

namespace qtls::cli {

int run_quic_command(int argc, char** argv) {
    auto options = parse_quic_options(argc, argv);
    if (!options) return 2;
    if (options->command == "help") {
        print_quic_help();
        return 0;
    }
    if (options->command == "quic-client") return run_quic_client(*options);
    return run_quic_server(*options);
}

}  // namespace qtls::cli
