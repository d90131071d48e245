// Command-line options for external PSKs (--psk, --psk-identity), the
// stateful session cache (--session-cache) and exported keying material
// (--export-keying-material), kept apart from the general option parser.
#pragma once

#include <string>
#include <string_view>

#include "cli_options.h"
#include "qtls/config.h"
#include "qtls/record.h"

namespace qtls::cli {

// True when `flag` is one of the options above; parses `value` into `o`
// (false after printing the cause on a bad value).
bool is_psk_option(std::string_view flag);
bool parse_psk_option(std::string_view flag, const char* value, CliOptions& o);

// Adds the external PSK of --psk/--psk-identity; returns an error message or "".
std::string apply_client_psk(const CliOptions& o, ClientConfig& c);
std::string apply_server_psk(const CliOptions& o, ServerConfig& c);

// Whether the client has nothing but an external PSK to authenticate the
// server (--psk without --CAfile/--ca-dir/--system-roots/--pin-sha256):
// it then configures no certificate verifier, like s_client -psk.
bool psk_only_client(const CliOptions& o);

// --export-keying-material LABEL:LEN: "qtls: keying material: LABEL HEX" on
// stderr after the handshake (empty context, as openssl's -keymatexport).
void print_exported_keying_material(const CliOptions& o, const record::Connection& conn);

}  // namespace qtls::cli
