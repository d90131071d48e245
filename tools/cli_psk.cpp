#include "cli_psk.h"

#include <cstdio>
#include <cstdlib>

namespace qtls::cli {

namespace {

// openssl's -keymatexportlen goes far higher; 1 KiB covers every use of
// an exporter (keys, channel bindings) with room to spare.
constexpr long kMaxExportLength = 1024;

bool parse_hex(std::string_view text, Bytes& out) {
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    out.clear();
    if (text.size() % 2 != 0) return false;
    for (std::size_t i = 0; i < text.size(); i += 2) {
        const int hi = nibble(text[i]);
        const int lo = nibble(text[i + 1]);
        if (hi < 0 || lo < 0) return false;
        out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
    }
    return true;
}

// The PSK's suite: TLS_AES_128_GCM_SHA256 (openssl's choice for -psk) when
// offered, else the first configured suite.
CipherSuite psk_suite(const CliOptions& o) {
    if (o.suites.empty()) return CipherSuite::aes_128_gcm_sha256;
    for (CipherSuite s : o.suites)
        if (s == CipherSuite::aes_128_gcm_sha256) return s;
    return o.suites.front();
}

std::string make_psk(const CliOptions& o, ExternalPsk& psk) {
    if (o.psk_hex.empty() != o.psk_identity.empty()) return "--psk and --psk-identity go together";
    Bytes key;
    if (!parse_hex(o.psk_hex, key)) return "--psk expects an even number of hex digits";
    if (key.size() < kMinExternalPskKeyLength || key.size() > kMaxSecretLength)
        return "--psk key must be " + std::to_string(kMinExternalPskKeyLength) + ".." + std::to_string(kMaxSecretLength) +
               " bytes (" + std::to_string(2 * kMinExternalPskKeyLength) + "+ hex digits)";
    psk.identity.assign(o.psk_identity.begin(), o.psk_identity.end());
    psk.key = Secret(key);
    secure_wipe(key.data(), key.size());
    psk.suite = psk_suite(o);
    return {};
}

}  // namespace

bool is_psk_option(std::string_view flag) {
    return flag == "--psk" || flag == "--psk-identity" || flag == "--session-cache" ||
           flag == "--export-keying-material";
}

bool parse_psk_option(std::string_view flag, const char* value, CliOptions& o) {
    const std::string_view v = value;
    if (flag == "--psk") {
        o.psk_hex = v;
    } else if (flag == "--psk-identity") {
        o.psk_identity = v;
    } else if (flag == "--session-cache") {
        char* end = nullptr;
        const long n = std::strtol(value, &end, 10);
        if (*value == '\0' || *end != '\0' || n < 1 || n > 10'000'000) {
            std::fprintf(stderr, "qtls: --session-cache expects a number in 1..10000000, got '%s'\n", value);
            return false;
        }
        o.session_cache = static_cast<std::size_t>(n);
    } else if (flag == "--export-keying-material") {
        const auto colon = v.rfind(':');
        char* end = nullptr;
        const long n = colon == std::string_view::npos ? 0 : std::strtol(value + colon + 1, &end, 10);
        if (colon == std::string_view::npos || colon == 0 || *end != '\0' || n < 1 || n > kMaxExportLength) {
            std::fprintf(stderr, "qtls: --export-keying-material expects LABEL:LEN with LEN in 1..%ld, got '%s'\n",
                         kMaxExportLength, value);
            return false;
        }
        o.export_label = std::string(v.substr(0, colon));
        o.export_length = static_cast<std::size_t>(n);
    }
    return true;
}

bool psk_only_client(const CliOptions& o) {
    return !o.psk_hex.empty() && o.ca_file.empty() && o.ca_dir.empty() && !o.system_roots && o.pins_sha256.empty();
}

std::string apply_client_psk(const CliOptions& o, ClientConfig& c) {
    if (o.psk_hex.empty() && o.psk_identity.empty()) return {};
    ExternalPsk psk;
    if (auto err = make_psk(o, psk); !err.empty()) return err;
    c.external_psks.push_back(std::move(psk));
    return {};
}

std::string apply_server_psk(const CliOptions& o, ServerConfig& c) {
    if (o.session_cache > 0) c.ticketer = session_cache_ticketer(o.session_cache);
    if (o.psk_hex.empty() && o.psk_identity.empty()) return {};
    ExternalPsk psk;
    if (auto err = make_psk(o, psk); !err.empty()) return err;
    c.external_psks = memory_external_psk_store({std::move(psk)});
    return {};
}

void print_exported_keying_material(const CliOptions& o, const record::Connection& conn) {
    if (o.export_label.empty()) return;
    Bytes out(o.export_length);
    if (Status s = conn.export_keying_material(o.export_label, {}, out); !s.ok()) {
        std::fprintf(stderr, "qtls: keying material: %s\n", std::string(s.error().what).c_str());
        return;
    }
    std::string hex;
    for (std::uint8_t b : out) {
        static constexpr char kDigits[] = "0123456789ABCDEF";
        hex += kDigits[b >> 4];
        hex += kDigits[b & 15];
    }
    std::fprintf(stderr, "qtls: keying material: %s %s\n", o.export_label.c_str(), hex.c_str());
}

}  // namespace qtls::cli
