// Initial secrets (RFC 9001 §5.2; RFC 9369 §3.3.1 for the v2 salt).
#include "crypto/hkdf_label.h"
#include "qtls/quic_crypto.h"

namespace qtls::quic {

namespace {
// RFC 9001 §5.2: Initial secrets are SHA-256 sized.
constexpr std::size_t kInitialSecretLength = 32;
}  // namespace

Result<InitialSecrets> derive_initial_secrets(const CryptoProvider& p, Version v, ByteView client_dcid) {
    const VersionInfo* info = version_info(v);
    if (info == nullptr) return make_error(Alert::internal_error, "quic: unsupported version");
    if (client_dcid.size() > kMaxConnectionIdLength)
        return make_error(Alert::illegal_parameter, "quic: connection ID longer than 20 bytes");

    const Secret initial = p.hkdf_extract(HashAlg::sha256, info->initial_salt, client_dcid);
    if (initial.size() != kInitialSecretLength) return make_error(Alert::internal_error, "quic: HKDF-Extract failed");

    InitialSecrets out;
    out.client = crypto::expand_label_secret(p, HashAlg::sha256, initial.view(), "client in", {},
                                             kInitialSecretLength);
    out.server = crypto::expand_label_secret(p, HashAlg::sha256, initial.view(), "server in", {},
                                             kInitialSecretLength);
    if (out.client.empty() || out.server.empty())
        return make_error(Alert::internal_error, "quic: HKDF-Expand-Label failed");
    return out;
}

}  // namespace qtls::quic
