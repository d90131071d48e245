#include "cli_options.h"

#include "cli_psk.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace qtls::cli {

namespace {

std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        std::size_t end = s.find(sep, start);
        if (end == std::string_view::npos) end = s.size();
        if (end > start) out.emplace_back(s.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

template <class T, class Parse>
bool parse_list(std::string_view flag, std::string_view value, std::vector<T>& out, Parse parse) {
    out.clear();
    for (const auto& item : split(value, value.find(':') != std::string_view::npos ? ':' : ',')) {
        auto v = parse(item);
        if (!v) {
            std::fprintf(stderr, "qtls: %.*s: unknown name '%s'\n", static_cast<int>(flag.size()), flag.data(),
                         item.c_str());
            return false;
        }
        out.push_back(*v);
    }
    return !out.empty();
}

bool parse_int(std::string_view flag, const char* value, long lo, long hi, long& out) {
    char* end = nullptr;
    out = std::strtol(value, &end, 10);
    if (*value == '\0' || *end != '\0' || out < lo || out > hi) {
        std::fprintf(stderr, "qtls: %.*s expects a number in %ld..%ld, got '%s'\n", static_cast<int>(flag.size()),
                     flag.data(), lo, hi, value);
        return false;
    }
    return true;
}

}  // namespace

void print_help() {
    std::fputs(
        R"(qtls - TLS 1.3 client and server (qtls library)

Usage:
  qtls client HOST:PORT [options]   connect, print what was negotiated, then pipe
                                    stdin to the connection and the connection to stdout
  qtls server [options]             accept connections (default 127.0.0.1:0, prints
                                    "ACCEPT HOST:PORT" once listening)
  qtls quic-client [options] URL... fetch https:// URLs over QUIC (HTTP/3 or hq-interop)
  qtls quic-server --cert F --key F serve files over QUIC (see "QUIC" below)
  qtls help | --help                this text
  qtls version                      library version

Common options:
  --cert FILE            certificate chain (PEM, leaf first): the server's, or the
                         client's for client authentication
  --key FILE             private key for --cert (PEM or DER; PKCS#8, PKCS#1, SEC1)
  --CAfile FILE          trust anchors (PEM bundle, one or more roots) for verifying
                         the peer (also --cafile, --ca-file)
  --ca-dir DIR           trust anchors in an OpenSSL hashed directory, made with
                         `openssl rehash DIR` (also --CApath)
  --system-roots         also trust the system store (/etc/ssl/certs, or
                         $SSL_CERT_FILE / $SSL_CERT_DIR); the client's default
                         when neither --CAfile nor --ca-dir is given
  --alpn LIST            ALPN protocols, comma separated, in preference order
  --groups LIST          key exchange groups: X25519, P-256, P-384 (default: all three)
  --key-share LIST       client: groups to send key shares for (default: X25519);
                         a group not listed here costs a HelloRetryRequest
  --ciphersuites LIST    TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384,
                         TLS_CHACHA20_POLY1305_SHA256 (default: all, in that order)
  --sigalgs LIST         signature schemes, e.g. ecdsa_secp256r1_sha256,ed25519,
                         rsa_pss_rsae_sha256
  --record-size-limit N  offer RFC 8449 record_size_limit N (64..16385)
  --cert-compression LIST  certificate compression (RFC 8879): zlib, brotli, zstd,
                         comma separated in preference order, or none (the default).
                         Offered for the certificate we receive, used for the one we
                         send when the peer offers it; the summary line then shows
                         peer-cert-compression=ALG / own-cert-compression=ALG
  --keylogfile FILE      append secrets in SSLKEYLOGFILE format (the SSLKEYLOGFILE
                         environment variable does the same)
  --timeout SECONDS      bound for connect, handshake and each read (default 30)
  --psk HEX              external PSK (RFC 8446 2.2), 16..64 bytes in hex; with
  --psk-identity ID      its identity. Client: offered (after a resumption ticket);
                         without --CAfile/--ca-dir/--system-roots the server must
                         accept it (no certificate is trusted). Server: accepted,
                         and --cert/--key become optional (a PSK-only server).
                         Uses TLS_AES_128_GCM_SHA256's hash (SHA-256) like
                         openssl -psk, or the first --ciphersuites entry. No 0-RTT
  --export-keying-material LABEL:LEN
                         after the handshake print "qtls: keying material: LABEL HEX"
                         (RFC 8446 7.5 exporter, empty context; as openssl
                         -keymatexport LABEL -keymatexportlen LEN)
  -v, --verbose          progress on stderr
  -q, --quiet            no summary line

Client options:
  --servername NAME      SNI and the name the certificate must match (default: HOST;
                         an IP literal is matched against the certificate's IP SANs)
  --pin-sha256 BASE64    also require a certificate of the verified chain to have this
                         public key (base64 SHA-256 of its SubjectPublicKeyInfo, as in
                         RFC 7469); repeatable, any one pin matching suffices
  --insecure-skip-verify do NOT verify the server's certificate (anyone on the path can
                         impersonate the server); prints a warning. Tests only
  --trust-raw-public-key FILE
                         accept a raw public key (RFC 7250) from the server instead of a
                         certificate, and only this key (PEM PUBLIC KEY, DER
                         SubjectPublicKeyInfo, or the private key file); repeatable.
                         X.509 certificates are then refused (unsupported_certificate)
  --raw-public-key       with --key (and optionally --cert): offer the public key of --key
                         as a raw public key client credential (RFC 7250
                         client_certificate_type) when the server asks for one
  --key-update           send a KeyUpdate (update_requested) right after the handshake
  --no-middlebox-compat  do not use middlebox compatibility mode (RFC 8446 D.4)
  --reconnect            connect once to obtain a session ticket, close, then connect
                         again resuming that session (like s_client -reconnect)
  --early-data FILE      with --reconnect: send FILE's contents as 0-RTT early data on
                         the resumed connection (like s_client -early_data), up to the
                         ticket's limit; any rest follows as ordinary data if the server
                         accepts. Nothing is resent when it rejects. Early data can be
                         replayed by an attacker: use it only for idempotent requests
  --post-handshake-auth  offer post-handshake client authentication (RFC 8446 4.6.2):
                         the server may ask for --cert after the handshake (an empty
                         Certificate answers when there is none); reported as
                         "qtls: post-handshake auth: ..."
  --status-request       ask the server to staple an OCSP response (RFC 6066 8); it is
                         checked against the trust store and reported as
                         "qtls: OCSP response: ..."
  --request-sct          ask for stapled Certificate Transparency SCTs (RFC 6962 3.3);
                         reported by size only (not checked against CT logs)

Server options:
  --accept HOST:PORT     listen address (default 127.0.0.1:0: an ephemeral port)
  --naccept N            exit after N connections (default: serve forever)
  --echo                 send received data back
  --rev                  answer each line reversed; a line "CLOSE" closes (like
                         openssl s_server -rev)
  --verify-client        require a client certificate (verified with --CAfile)
  --request-client       ask for a client certificate but accept none
  --async-sign           sign CertificateVerify asynchronously (qtls/async.h): the
                         request is answered on the next turn of the server loop
  --sni-cert NAME=CERT,KEY  an extra certificate for SNI NAME (repeatable); --cert/--key
                         serve every other name
  --raw-public-key       present the public key of --key as a raw public key (RFC 7250)
                         to clients that accept one; the others get --cert
  --trust-raw-public-key FILE
                         authenticate clients by raw public key (RFC 7250
                         client_certificate_type): only the keys listed (repeatable) are
                         accepted; required unless --request-client; with --CAfile,
                         X.509 client certificates are accepted too
  --force-hrr            always answer the first ClientHello with a HelloRetryRequest
  --hrr-cookie           put a cookie in HelloRetryRequests
  --no-tickets           issue no session tickets (default: one stateless ticket per
                         connection, so clients can resume)
  --session-cache N      stateful tickets instead: a random id per ticket, the
                         session kept in a cache of N entries, each usable once
  --max-early-data N     accept up to N bytes of 0-RTT early data per connection and
                         advertise it in tickets (default 0: 0-RTT off). Early data is
                         handled like other received data (printed, echoed, answered)
  --request-cert-after-handshake
                         after the first application data, ask the client for a
                         certificate (RFC 8446 4.6.2; the client must have offered
                         post_handshake_auth) and require one, verified with --CAfile;
                         reported as "qtls: post-handshake auth: peer=...". --rev's
                         CLOSE waits for the answer
  --ocsp-response FILE   staple FILE (a DER OCSPResponse, e.g. openssl ocsp -respout)
                         when the client sends status_request (RFC 8446 4.4.2.1)
  --sct-list FILE        staple FILE (a SignedCertificateTimestampList, RFC 6962 3.3)
                         when the client offers signed_certificate_timestamp
  --ca-names FILE        send the subjects of the certificates in PEM FILE as
                         certificate_authorities in CertificateRequest (RFC 8446 4.2.4)

The summary line after a handshake ends with early-data=accepted|rejected|none
(none: no early data was offered).

Exit status: 0 on success; 1 when the handshake or connection failed (the error
names the TLS alert and its cause); 2 for usage errors.
)",
        stdout);
}

std::optional<CliOptions> parse_options(int argc, char** argv) {
    CliOptions o;
    if (argc < 2) {
        print_help();
        return std::nullopt;
    }
    o.command = argv[1];
    if (o.command == "--help" || o.command == "-h") o.command = "help";
    if (o.command == "--version") o.command = "version";
    int i = 2;
    if (o.command == "client") {
        if (argc < 3 || argv[2][0] == '-') {
            std::fprintf(stderr, "qtls client: missing HOST:PORT (try 'qtls --help')\n");
            return std::nullopt;
        }
        o.target = argv[2];
        i = 3;
    } else if (o.command != "server" && o.command != "help" && o.command != "version") {
        std::fprintf(stderr, "qtls: unknown command '%s' (try 'qtls --help')\n", argv[1]);
        return std::nullopt;
    }
    for (; i < argc; ++i) {
        std::string_view a = argv[i];
        auto value = [&]() -> const char* {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "qtls: %s needs a value\n", argv[i]);
                return nullptr;
            }
            return argv[++i];
        };
        long n = 0;
        const char* v = nullptr;
        if (a == "-h" || a == "--help") {
            o.command = "help";
        } else if (a == "-v" || a == "--verbose") {
            o.verbose = true;
        } else if (a == "-q" || a == "--quiet") {
            o.quiet = true;
        } else if (a == "--system-roots") {
            o.system_roots = true;
        } else if (a == "--key-update") {
            o.key_update = true;
        } else if (a == "--no-middlebox-compat") {
            o.no_compat = true;
        } else if (a == "--echo") {
            o.mode = ServerMode::echo;
        } else if (a == "--rev") {
            o.mode = ServerMode::reverse_lines;
        } else if (a == "--verify-client") {
            o.verify_client = true;
        } else if (a == "--request-client") {
            o.request_client = true;
        } else if (a == "--force-hrr") {
            o.force_hrr = true;
        } else if (a == "--hrr-cookie") {
            o.hrr_cookie = true;
        } else if (a == "--async-sign") {
            o.async_sign = true;
        } else if (a == "--no-tickets") {
            o.no_tickets = true;
        } else if (a == "--reconnect") {
            o.reconnect = true;
        } else if (a == "--insecure-skip-verify") {
            o.insecure_skip_verify = true;
        } else if (a == "--pin-sha256") {
            if (!(v = value())) return std::nullopt;
            o.pins_sha256.push_back(v);
        } else if (a == "--post-handshake-auth") {
            o.post_handshake_auth = true;
        } else if (a == "--trust-raw-public-key") {
            if (!(v = value())) return std::nullopt;
            o.trusted_raw_public_keys.push_back(v);
        } else if (a == "--raw-public-key") {
            o.raw_public_key = true;
        } else if (is_psk_option(a)) {
            if (!(v = value()) || !parse_psk_option(a, v, o)) return std::nullopt;
        } else if (a == "--status-request") {
            o.status_request = true;
        } else if (a == "--request-sct") {
            o.request_sct = true;
        } else if (a == "--ocsp-response" || a == "--sct-list" || a == "--ca-names") {
            if (!(v = value())) return std::nullopt;
            if (a == "--ocsp-response") o.ocsp_response_file = v;
            else if (a == "--sct-list") o.sct_list_file = v;
            else o.ca_names_file = v;
        } else if (a == "--cert-compression") {
            if (!(v = value())) return std::nullopt;
            if (std::string_view(v) == "none")
                o.cert_compression.clear();
            else if (!parse_list(a, v, o.cert_compression, parse_certificate_compression))
                return std::nullopt;
        } else if (a == "--request-cert-after-handshake") {
            o.request_cert_after_handshake = true;
        } else if (!(v = nullptr) && (a == "--cert" || a == "--key" || a == "--CAfile" || a == "--cafile" ||
                                      a == "--ca-file" || a == "--CApath" || a == "--ca-dir" || a == "--alpn" || a == "--groups" || a == "--key-share" ||
                                      a == "--ciphersuites" || a == "--sigalgs" || a == "--keylogfile" ||
                                      a == "--timeout" || a == "--servername" || a == "--accept" ||
                                      a == "--naccept" || a == "--sni-cert" || a == "--record-size-limit" ||
                                      a == "--early-data" || a == "--max-early-data")) {
            if (!(v = value())) return std::nullopt;
            if (a == "--cert") o.cert_file = v;
            else if (a == "--key") o.key_file = v;
            else if (a == "--CAfile" || a == "--cafile" || a == "--ca-file") o.ca_file = v;
            else if (a == "--CApath" || a == "--ca-dir") o.ca_dir = v;
            else if (a == "--alpn") o.alpn = split(v, ',');
            else if (a == "--groups") {
                if (!parse_list(a, v, o.groups, parse_group)) return std::nullopt;
            } else if (a == "--key-share") {
                if (!parse_list(a, v, o.key_share_groups, parse_group)) return std::nullopt;
            } else if (a == "--ciphersuites") {
                if (!parse_list(a, v, o.suites, parse_cipher_suite)) return std::nullopt;
            } else if (a == "--sigalgs") {
                if (!parse_list(a, v, o.sigalgs, parse_signature_scheme)) return std::nullopt;
            } else if (a == "--keylogfile") o.keylog_file = v;
            else if (a == "--timeout") {
                if (!parse_int(a, v, 1, 3600, n)) return std::nullopt;
                o.timeout_ms = static_cast<int>(n * 1000);
            } else if (a == "--servername") o.server_name = v;
            else if (a == "--accept") o.accept = v;
            else if (a == "--naccept") {
                if (!parse_int(a, v, 1, 1 << 30, n)) return std::nullopt;
                o.naccept = static_cast<int>(n);
            } else if (a == "--sni-cert") o.sni_certs.push_back(v);
            else if (a == "--early-data") o.early_data_file = v;
            else if (a == "--max-early-data") {
                if (!parse_int(a, v, 0, 0xffffffffL, n)) return std::nullopt;
                o.max_early_data = static_cast<std::uint32_t>(n);
            } else if (a == "--record-size-limit") {
                if (!parse_int(a, v, 64, 16385, n)) return std::nullopt;
                o.record_size_limit = static_cast<std::uint16_t>(n);
            }
        } else {
            std::fprintf(stderr, "qtls: unknown option '%s' (try 'qtls --help')\n", argv[i]);
            return std::nullopt;
        }
    }
    if (!o.early_data_file.empty() && !o.reconnect) {
        // The session store lives in this process: only the first connection
        // of --reconnect can provide the ticket that 0-RTT needs.
        std::fprintf(stderr, "qtls client: --early-data needs --reconnect (the ticket comes from the first connection)\n");
        return std::nullopt;
    }
    return o;
}

}  // namespace qtls::cli
