// Command-line options of `qtls quic-client` and `qtls quic-server` (one
// parser for both, so the two subcommands spell shared flags the same way).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "qtls/types.h"

namespace qtls::cli {

// QUIC version numbers (RFC 9000 §15, RFC 9369 §3.1).
inline constexpr std::uint32_t kQuicV1 = 0x00000001;
inline constexpr std::uint32_t kQuicV2 = 0x6b3343cf;

// Application protocols the tools speak (RFC 9114 §3.1; the QUIC interop
// runner's HTTP/0.9 variant).
inline constexpr const char* kAlpnH3 = "h3";
inline constexpr const char* kAlpnHqInterop = "hq-interop";

// One request target: https://HOST[:PORT]/path.
struct QuicUrl {
    std::string host;       // without brackets for IPv6 literals
    std::string port;       // "443" when the URL names none
    std::string authority;  // HOST:PORT as written (the :authority pseudo-header)
    std::string path;       // starts with '/'
};

struct QuicOptions {
    std::string command;  // "quic-client" | "quic-server" | "help"

    // Shared.
    std::vector<std::string> alpn;  // client: one entry; server: preference order
    std::vector<CipherSuite> suites;  // empty: library default
    std::string keylog_file;          // empty: SSLKEYLOGFILE if set
    std::string qlog_dir;             // empty: no qlog
    bool verbose = false;

    // Server.
    std::string cert_file;
    std::string key_file;
    std::string listen = "127.0.0.1";
    std::uint16_t port = 4433;  // 0: ephemeral
    std::string www_dir;        // empty: every GET is 404
    bool retry = false;
    std::vector<std::uint32_t> quic_versions = {kQuicV1, kQuicV2};  // accepted, preferred first
    bool server_early_data = true;  // --no-early-data turns 0-RTT off

    // Client.
    std::vector<QuicUrl> urls;
    std::string download_dir;  // empty: bodies are counted and discarded
    bool resume = false;
    bool early_data = false;  // implies resume
    bool multiconnect = false;
    bool key_update = false;
    std::uint32_t quic_version = kQuicV1;  // version of the first Initial
    std::string ca_file;                   // empty: system store
    bool insecure_skip_verify = false;
    std::string sni;  // empty: the URL host (the certificate must match it)
    int timeout_s = 30;
};

// Parses `argv` (argv[1] is "quic-client" or "quic-server"). On error prints
// the cause to stderr and returns nullopt.
std::optional<QuicOptions> parse_quic_options(int argc, char** argv);

// Parses https://HOST[:PORT]/path (IPv6 literals in brackets).
std::optional<QuicUrl> parse_quic_url(const std::string& url);

// "v1" / "v2" / "0x..." for a version number.
std::string quic_version_name(std::uint32_t version);

void print_quic_help();

}  // namespace qtls::cli
