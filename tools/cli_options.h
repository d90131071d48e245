// Command-line options of the qtls program and their parser.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "qtls/cert_compression.h"
#include "qtls/types.h"

namespace qtls::cli {

enum class ServerMode { print, echo, reverse_lines };

struct CliOptions {
    std::string command;  // client | server | help | version
    // Shared.
    std::string cert_file;
    std::string key_file;
    std::string ca_file;
    std::string ca_dir;
    bool system_roots = false;
    std::vector<std::string> alpn;
    std::vector<NamedGroup> groups;
    std::vector<NamedGroup> key_share_groups;
    std::vector<CipherSuite> suites;
    std::vector<SignatureScheme> sigalgs;
    std::string keylog_file;
    int timeout_ms = 30'000;
    bool verbose = false;
    bool quiet = false;
    std::uint16_t record_size_limit = 0;
    // --cert-compression LIST|none: RFC 8879 algorithms, in preference order (default none).
    std::vector<CertificateCompression> cert_compression;
    // External PSK (both sides, OpenSSL style): --psk HEX --psk-identity ID.
    std::string psk_hex;
    std::string psk_identity;
    // --export-keying-material LABEL:LEN (RFC 8446 §7.5, empty context).
    std::string export_label;
    std::size_t export_length = 0;
    // Client.
    std::string target;       // HOST:PORT
    std::string server_name;  // SNI; default: HOST
    bool key_update = false;
    bool no_compat = false;
    bool reconnect = false;  // a first connection only to get a ticket, then resume
    std::string early_data_file;  // with reconnect: sent as 0-RTT data on the resumed connection
    std::vector<std::string> pins_sha256;  // --pin-sha256 BASE64 (RFC 7469 pin-sha256), repeatable
    bool insecure_skip_verify = false;     // qtls::dangerous::accept_any_server_certificate
    bool post_handshake_auth = false;  // offer post_handshake_auth (RFC 8446 §4.2.6)
    std::vector<std::string> trusted_raw_public_keys;  // --trust-raw-public-key FILE (RFC 7250), repeatable
    bool status_request = false;  // --status-request: ask for a stapled OCSP response (RFC 6066 §8)
    bool request_sct = false;     // --request-sct: ask for stapled SCTs (RFC 6962 §3.3)
    // Server.
    std::string accept = "127.0.0.1:0";
    int naccept = 0;  // 0: serve forever
    ServerMode mode = ServerMode::print;
    bool verify_client = false;   // require a client certificate
    bool request_client = false;  // ask for one, accept none
    bool force_hrr = false;
    bool hrr_cookie = false;
    bool async_sign = false;  // --async-sign: CertificateVerify through OperationPending (qtls/async.h)
    bool no_tickets = false;
    std::size_t session_cache = 0;  // --session-cache N: stateful tickets (0: stateless)
    std::uint32_t max_early_data = 0;  // 0-RTT bytes accepted per connection (0: off)
    bool request_cert_after_handshake = false;  // RFC 8446 §4.6.2, after the first data
    std::vector<std::string> sni_certs;  // NAME=CERT,KEY (several certificates by SNI)
    bool raw_public_key = false;  // --raw-public-key: also present --key as an RFC 7250 raw public key
    std::string ocsp_response_file;  // --ocsp-response: DER OCSPResponse to staple
    std::string sct_list_file;       // --sct-list: SignedCertificateTimestampList to staple
    std::string ca_names_file;       // --ca-names: PEM whose subjects go in certificate_authorities
};

// Parses argv; on error returns nullopt after printing the cause to stderr.
std::optional<CliOptions> parse_options(int argc, char** argv);
void print_help();

}  // namespace qtls::cli
