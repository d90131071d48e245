// Command-line stapling and certificate_authorities options: --ocsp-response,
// --sct-list and --ca-names (server), the OCSP line of `qtls client`.
#pragma once

#include <memory>
#include <string>

#include "cli_options.h"
#include "qtls/config.h"
#include "qtls/engine.h"

namespace qtls::cli {

// Replaces `key` by a copy that staples --ocsp-response / --sct-list (when
// given). Returns an error message naming the file, or "".
std::string attach_staples(const CliOptions& o, std::shared_ptr<const CertifiedKey>& key);
// --ca-names: fills config.certificate_authorities. Error message or "".
std::string apply_ca_names(const CliOptions& o, ServerConfig& config);
// "qtls: OCSP response: ..." / "qtls: SCT list: N bytes" lines for what the
// server stapled (client side, only for what was asked).
void report_staples(const CliOptions& o, const Negotiated& n);

}  // namespace qtls::cli
