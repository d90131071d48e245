#include "quic_options.h"

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace qtls::cli {

namespace {

// Longest URL and option list we accept; anything longer is a usage error.
constexpr std::size_t kMaxUrlLength = 8192;

std::vector<std::string> split_commas(std::string_view s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        std::size_t end = s.find(',', start);
        if (end == std::string_view::npos) end = s.size();
        if (end > start) out.emplace_back(s.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

std::optional<std::uint32_t> parse_version(std::string_view s) {
    if (s == "v1" || s == "1") return kQuicV1;
    if (s == "v2" || s == "2") return kQuicV2;
    if (s.size() > 2 && s.size() <= 10 && (s.substr(0, 2) == "0x" || s.substr(0, 2) == "0X")) {
        std::string digits(s.substr(2));
        char* end = nullptr;
        unsigned long v = std::strtoul(digits.c_str(), &end, 16);
        if (*end == '\0') return static_cast<std::uint32_t>(v);
    }
    return std::nullopt;
}

bool parse_number(const char* flag, const char* value, long lo, long hi, long& out) {
    char* end = nullptr;
    out = std::strtol(value, &end, 10);
    if (*value == '\0' || *end != '\0' || out < lo || out > hi) {
        std::fprintf(stderr, "qtls: %s expects a number in %ld..%ld, got '%s'\n", flag, lo, hi, value);
        return false;
    }
    return true;
}

// Flags that take a value, for both commands (print_quic_help says which
// command uses which).
bool takes_value(std::string_view a) {
    for (const char* f : {"--cert", "--key", "--listen", "--port", "--www", "--alpn", "--ciphers", "--quic-versions",
                          "--keylog", "--qlog-dir", "--download", "--quic-version", "--ca", "--sni", "--timeout"})
        if (a == f) return true;
    return false;
}

bool apply_value(QuicOptions& o, std::string_view a, const char* v) {
    long n = 0;
    if (a == "--cert") o.cert_file = v;
    else if (a == "--key") o.key_file = v;
    else if (a == "--listen") o.listen = v;
    else if (a == "--port") {
        if (!parse_number("--port", v, 0, 65535, n)) return false;
        o.port = static_cast<std::uint16_t>(n);
    } else if (a == "--www") o.www_dir = v;
    else if (a == "--alpn") {
        o.alpn = split_commas(v);
        for (const auto& p : o.alpn) {
            if (p != kAlpnH3 && p != kAlpnHqInterop) {
                std::fprintf(stderr, "qtls: --alpn: unsupported protocol '%s' (h3, hq-interop)\n", p.c_str());
                return false;
            }
        }
        if (o.alpn.empty()) {
            std::fprintf(stderr, "qtls: --alpn needs at least one protocol\n");
            return false;
        }
    } else if (a == "--ciphers") {
        o.suites.clear();
        for (const auto& name : split_commas(v)) {
            auto s = parse_cipher_suite(name);
            if (!s) {
                std::fprintf(stderr, "qtls: --ciphers: unknown suite '%s'\n", name.c_str());
                return false;
            }
            o.suites.push_back(*s);
        }
        if (o.suites.empty()) {
            std::fprintf(stderr, "qtls: --ciphers needs at least one suite\n");
            return false;
        }
    } else if (a == "--quic-versions" || a == "--quic-version") {
        std::vector<std::uint32_t> versions;
        for (const auto& name : split_commas(v)) {
            auto ver = parse_version(name);
            if (!ver) {
                std::fprintf(stderr, "qtls: %.*s: unknown QUIC version '%s' (v1, v2)\n", static_cast<int>(a.size()),
                             a.data(), name.c_str());
                return false;
            }
            versions.push_back(*ver);
        }
        if (versions.empty() || (a == "--quic-version" && versions.size() != 1)) {
            std::fprintf(stderr, "qtls: %.*s needs %s\n", static_cast<int>(a.size()), a.data(),
                         a == "--quic-version" ? "exactly one version" : "at least one version");
            return false;
        }
        if (a == "--quic-version") o.quic_version = versions.front();
        else o.quic_versions = versions;
    } else if (a == "--keylog") o.keylog_file = v;
    else if (a == "--qlog-dir") o.qlog_dir = v;
    else if (a == "--download") o.download_dir = v;
    else if (a == "--ca") o.ca_file = v;
    else if (a == "--sni") o.sni = v;
    else if (a == "--timeout") {
        if (!parse_number("--timeout", v, 1, 3600, n)) return false;
        o.timeout_s = static_cast<int>(n);
    }
    return true;
}

bool apply_flag(QuicOptions& o, std::string_view a) {
    if (a == "-v" || a == "--verbose") o.verbose = true;
    else if (a == "-h" || a == "--help") o.command = "help";
    else if (a == "--retry") o.retry = true;
    else if (a == "--no-early-data") o.server_early_data = false;
    else if (a == "--resume") o.resume = true;
    else if (a == "--early-data") o.early_data = o.resume = true;
    else if (a == "--multiconnect") o.multiconnect = true;
    else if (a == "--key-update") o.key_update = true;
    else if (a == "--insecure-skip-verify") o.insecure_skip_verify = true;
    else return false;
    return true;
}

bool check_client(QuicOptions& o) {
    if (o.urls.empty()) {
        std::fprintf(stderr, "qtls quic-client: no URL given (try 'qtls --help')\n");
        return false;
    }
    for (const auto& u : o.urls) {
        if (u.host != o.urls.front().host || u.port != o.urls.front().port) {
            std::fprintf(stderr, "qtls quic-client: all URLs must name the same host:port (%s vs %s)\n",
                         u.authority.c_str(), o.urls.front().authority.c_str());
            return false;
        }
    }
    if (o.alpn.empty()) o.alpn = {kAlpnH3};
    if (o.alpn.size() != 1) {
        std::fprintf(stderr, "qtls quic-client: --alpn takes one protocol (h3 or hq-interop)\n");
        return false;
    }
    if (o.multiconnect && o.resume) {
        std::fprintf(stderr, "qtls quic-client: --multiconnect and --resume/--early-data exclude each other\n");
        return false;
    }
    if (o.insecure_skip_verify && !o.ca_file.empty()) {
        std::fprintf(stderr, "qtls quic-client: --ca and --insecure-skip-verify exclude each other\n");
        return false;
    }
    return true;
}

bool check_server(QuicOptions& o) {
    if (o.cert_file.empty() || o.key_file.empty()) {
        std::fprintf(stderr, "qtls quic-server: --cert and --key are required\n");
        return false;
    }
    if (o.alpn.empty()) o.alpn = {kAlpnH3, kAlpnHqInterop};
    return true;
}

}  // namespace

std::optional<QuicUrl> parse_quic_url(const std::string& url) {
    constexpr std::string_view kScheme = "https://";
    if (url.size() > kMaxUrlLength || url.compare(0, kScheme.size(), kScheme) != 0) return std::nullopt;
    std::string_view rest = std::string_view(url).substr(kScheme.size());
    const std::size_t slash = rest.find('/');
    QuicUrl u;
    u.authority = std::string(rest.substr(0, slash));
    u.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    std::string_view auth = u.authority;
    if (auth.empty()) return std::nullopt;
    if (auth.front() == '[') {  // RFC 3986 §3.2.2: IP-literal
        const std::size_t close = auth.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        u.host = std::string(auth.substr(1, close - 1));
        auth.remove_prefix(close + 1);
        if (!auth.empty() && auth.front() != ':') return std::nullopt;
    } else {
        const std::size_t colon = auth.rfind(':');
        u.host = std::string(auth.substr(0, colon));
        auth.remove_prefix(colon == std::string_view::npos ? auth.size() : colon);
    }
    if (u.host.empty()) return std::nullopt;
    u.port = auth.empty() ? "443" : std::string(auth.substr(1));
    if (u.port.empty() || u.port.size() > 5 || u.port.find_first_not_of("0123456789") != std::string::npos ||
        std::atoi(u.port.c_str()) > 65535)
        return std::nullopt;
    return u;
}

std::string quic_version_name(std::uint32_t version) {
    if (version == kQuicV1) return "v1";
    if (version == kQuicV2) return "v2";
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", version);
    return buf;
}

std::optional<QuicOptions> parse_quic_options(int argc, char** argv) {
    QuicOptions o;
    if (argc < 2) return std::nullopt;
    o.command = argv[1];
    const bool client = o.command == "quic-client";
    for (int i = 2; i < argc; ++i) {
        std::string_view a = argv[i];
        if (apply_flag(o, a)) continue;
        if (takes_value(a)) {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "qtls: %s needs a value\n", argv[i]);
                return std::nullopt;
            }
            if (!apply_value(o, a, argv[++i])) return std::nullopt;
            continue;
        }
        if (!a.empty() && a.front() == '-') {
            std::fprintf(stderr, "qtls: unknown option '%s' (try 'qtls --help')\n", argv[i]);
            return std::nullopt;
        }
        if (!client) {
            std::fprintf(stderr, "qtls quic-server: unexpected argument '%s'\n", argv[i]);
            return std::nullopt;
        }
        auto url = parse_quic_url(argv[i]);
        if (!url) {
            std::fprintf(stderr, "qtls quic-client: '%s' is not a URL like https://HOST:PORT/path\n", argv[i]);
            return std::nullopt;
        }
        o.urls.push_back(*url);
    }
    if (o.command == "help") return o;
    if (client ? !check_client(o) : !check_server(o)) return std::nullopt;
    return o;
}

void print_quic_help() {
    std::fputs(
        R"HELP(QUIC (ngtcp2 + libngtcp2_crypto_qtls; HTTP/3 through nghttp3, or hq-interop):
  qtls quic-server --cert FILE --key FILE [options]
                         serve files over QUIC; prints "qtls: quic-server listening on
                         ADDR:PORT" once bound, one "qtls: quic accepted: ..." line per
                         handshake; runs until SIGTERM/SIGINT
  qtls quic-client [options] URL...
                         fetch https://HOST:PORT/path URLs (all on the same host:port);
                         one "qtls: quic connected: ..." line per connection and
                         "qtls: GET /path -> STATUS (N bytes)" per response

QUIC options (both):
  --alpn LIST            server: h3,hq-interop (default; the first of the client's list
                         that the server supports wins); client: h3 (default) or hq-interop
  --ciphers LIST         TLS 1.3 suites by IANA name, e.g. TLS_CHACHA20_POLY1305_SHA256
  --keylog FILE          append secrets in SSLKEYLOGFILE format (SSLKEYLOGFILE works too)
  --qlog-dir DIR         one .sqlog file (qlog 0.3, JSON-SEQ) per connection
  -v, --verbose          more logging on stderr

QUIC server options:
  --listen ADDR          address to bind (default 127.0.0.1)
  --port N               UDP port (default 4433; 0 = ephemeral)
  --www DIR              serve GET /path from DIR/path ("/" is index.html; 404 if missing)
  --retry                answer each new connection's first Initial with a Retry
  --quic-versions LIST   accepted versions, preferred first (default v1,v2; a client
                         offering v2 is moved to it by compatible version negotiation)
  --no-early-data        do not accept 0-RTT (default: tickets issued, 0-RTT accepted
                         with anti-replay)

QUIC client options:
  --download DIR         write each body to DIR/<basename of the path> (default: discard)
  --resume               first URL on a first connection; once it got a ticket, the other
                         URLs on a second, resumed connection
  --early-data           like --resume, the second connection's requests go in 0-RTT
  --multiconnect         one connection per URL, one after the other
  --key-update           initiate a QUIC key update once the handshake is confirmed
  --quic-version v1|v2   version of the first Initial (default v1)
  --ca FILE              trust anchors (default: the system store)
  --insecure-skip-verify do not verify the server certificate (dangerous)
  --sni NAME             server name to send and verify (default: the URL host)
  --timeout SECONDS      bound for the whole run (default 30)
  Exit status 0 only when every URL got a complete 200 response.
)HELP",
        stdout);
}

}  // namespace qtls::cli
