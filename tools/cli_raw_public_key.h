// Command-line raw public keys (RFC 7250): `--raw-public-key` presents the
// key of --key as a raw public key to a peer that accepts one (server: its
// key; client: its client certificate), `--trust-raw-public-key FILE`
// accepts the peer keys listed (PEM "PUBLIC KEY", DER SubjectPublicKeyInfo,
// or a private key file whose public half is meant).
#pragma once

#include <memory>
#include <string>

#include "cli_options.h"
#include "qtls/config.h"

namespace qtls::cli {

// --trust-raw-public-key: the client then accepts raw public keys only.
// Returns an error message naming the file, or "".
std::string apply_client_raw_public_keys(const CliOptions& o, ClientConfig& c);

// Server --trust-raw-public-key: client authentication with these raw keys
// (RFC 7250 client_certificate_type); required unless --request-client, and
// X.509 client certificates stay accepted when a CA is given too.
std::string apply_server_raw_public_keys(const CliOptions& o, ServerConfig& c);

// --raw-public-key: replaces `key` by a copy that also carries its SPKI, or
// (with no --cert) loads --key alone. Error message or "".
std::string attach_raw_public_key(const CliOptions& o, std::shared_ptr<const CertifiedKey>& key);

}  // namespace qtls::cli
