// Command-line raw public keys (RFC 7250): `qtls server --raw-public-key`
// presents the key of --key as a raw public key to clients that accept one,
// `qtls client --trust-raw-public-key FILE` accepts only the server keys
// listed (PEM "PUBLIC KEY", DER SubjectPublicKeyInfo, or a private key file
// whose public half is meant).
#pragma once

#include <memory>
#include <string>

#include "cli_options.h"
#include "qtls/config.h"

namespace qtls::cli {

// --trust-raw-public-key: the client then accepts raw public keys only.
// Returns an error message naming the file, or "".
std::string apply_client_raw_public_keys(const CliOptions& o, ClientConfig& c);

// --raw-public-key: replaces `key` by a copy that also carries its SPKI, or
// (with no --cert) loads --key alone. Error message or "".
std::string attach_raw_public_key(const CliOptions& o, std::shared_ptr<const CertifiedKey>& key);

}  // namespace qtls::cli
