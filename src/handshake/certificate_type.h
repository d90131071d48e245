// Certificate type negotiation (RFC 7250 §4 in TLS 1.3): which kind of
// credential the server's Certificate message carries, X.509 or a raw
// public key, and the checks on a raw-public-key Certificate. Shared by the
// client and server state machines so both stay small.
#pragma once

#include <optional>
#include <vector>

#include "msg/certificate.h"
#include "msg/extensions.h"
#include "qtls/config.h"

namespace qtls::handshake {

// Client config: a non-empty list without duplicates, and a raw public key
// verifier when raw_public_key is listed.
Status validate_server_certificate_types(const ClientConfig& config);

// Client: the server_certificate_type body to offer, or nullopt when the
// list is X.509 alone (RFC 7250 §4.1: the extension is omitted then).
std::optional<Bytes> server_certificate_type_offer(const std::vector<CertificateType>& accepted);

// Client: the type the server selected in EncryptedExtensions (X.509 when
// it sent none, RFC 7250 §4.2). A type we did not offer is
// illegal_parameter; X.509 when we accept only raw keys is
// unsupported_certificate.
Result<CertificateType> server_certificate_type_selected(const msg::Extensions& encrypted_extensions,
                                                         const std::vector<CertificateType>& accepted);

// Server: the type to present with `key`, and whether the client asked (the
// answer then goes in EncryptedExtensions). The client's order wins (RFC
// 7250 §4.2); no type in common is unsupported_certificate.
struct CertificateTypeChoice {
    CertificateType type = CertificateType::x509;
    bool answer = false;
};
Result<CertificateTypeChoice> choose_server_certificate_type(const msg::Extensions& client_hello,
                                                            const CertifiedKey& key);

// Client authentication with raw public keys (RFC 7250 §4.1, §4.2), the
// mirror image of the server's certificate type:
// Client: the client_certificate_type body listing what `key` can present
// (raw public key first), or nullopt when that is X.509 alone or no key.
std::optional<Bytes> client_certificate_type_offer(const CertifiedKey* key);
// Client: the type the server chose for our certificate in
// EncryptedExtensions (X.509 when it sent none). A choice we did not offer
// is illegal_parameter.
Result<CertificateType> client_certificate_type_selected(const msg::Extensions& encrypted_extensions,
                                                         const CertifiedKey* key);
// Server config: the accepted client types, without duplicates, with a raw
// public key verifier when raw keys are accepted.
Status validate_client_certificate_types(const ServerConfig& config);
// Server: the first type of `accepted` (our preference) that the client
// listed; answered in EncryptedExtensions only when the client sent the
// extension. No type in common is unsupported_certificate.
Result<CertificateTypeChoice> choose_client_certificate_type(const msg::Extensions& client_hello,
                                                            const std::vector<CertificateType>& accepted);

// The Certificate message for `key` as `type` (RFC 8446 §4.4.2: a raw
// public key is one CertificateEntry holding the SubjectPublicKeyInfo).
void fill_certificate_entries(const CertifiedKey& key, CertificateType type, msg::Certificate& out);

// The SubjectPublicKeyInfo of a raw-public-key Certificate: exactly one
// entry (bad_certificate otherwise) without extensions we did not ask for.
Result<Bytes> raw_public_key_from_certificate(msg::Certificate& cert);

}  // namespace qtls::handshake
