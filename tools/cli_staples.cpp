#include "cli_staples.h"

#include <cstdio>

#include "common/read_file.h"
#include "msg/ext_sct.h"

namespace qtls::cli {

namespace {

// A staple travels in one handshake message (RFC 8446 §4.4.2.1), so it can
// never be larger than the message bound a peer accepts by default.
constexpr std::size_t kMaxStapleFileSize = kDefaultMaxHandshakeMessageSize;

std::string load(const std::string& path, Bytes& out) {
    auto bytes = read_file(path, kMaxStapleFileSize);
    if (!bytes.ok()) return path + ": " + std::string(bytes.error().what);
    if (bytes->empty()) return path + ": empty file";
    out = std::move(bytes).value();
    return {};
}

}  // namespace

std::string attach_staples(const CliOptions& o, std::shared_ptr<const CertifiedKey>& key) {
    if (o.ocsp_response_file.empty() && o.sct_list_file.empty()) return {};
    auto stapled = std::make_shared<CertifiedKey>(*key);
    if (!o.ocsp_response_file.empty()) {
        if (auto e = load(o.ocsp_response_file, stapled->ocsp_response); !e.empty()) return "--ocsp-response " + e;
        // Catch a PEM or truncated file here rather than at every client.
        if (ocsp_response_summary(stapled->ocsp_response) == "malformed OCSPResponse")
            return "--ocsp-response " + o.ocsp_response_file + ": not a DER OCSPResponse";
    }
    if (!o.sct_list_file.empty()) {
        if (auto e = load(o.sct_list_file, stapled->sct_list); !e.empty()) return "--sct-list " + e;
        if (!msg::check_sct_list(stapled->sct_list).ok())
            return "--sct-list " + o.sct_list_file + ": not a SignedCertificateTimestampList (RFC 6962 3.3)";
    }
    key = std::move(stapled);
    return {};
}

std::string apply_ca_names(const CliOptions& o, ServerConfig& config) {
    if (o.ca_names_file.empty()) return {};
    auto names = load_certificate_authority_names(o.ca_names_file);
    if (!names.ok()) return "--ca-names " + o.ca_names_file + ": " + std::string(names.error().what);
    config.certificate_authorities = std::move(names).value();
    return {};
}

void report_staples(const CliOptions& o, const Negotiated& n) {
    if (o.quiet) return;
    if (o.status_request) {
        if (n.peer_stapled.ocsp_response.empty())
            std::fprintf(stderr, "qtls: OCSP response: none stapled\n");
        else
            std::fprintf(stderr, "qtls: OCSP response: %s (%zu bytes, verified)\n",
                         ocsp_response_summary(n.peer_stapled.ocsp_response).c_str(),
                         n.peer_stapled.ocsp_response.size());
    }
    if (o.request_sct)
        std::fprintf(stderr, "qtls: SCT list: %zu bytes\n", n.peer_stapled.sct_list.size());
}

}  // namespace qtls::cli
