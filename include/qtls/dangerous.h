/// @file
/// The only ways to weaken certificate verification. A ClientConfig without
/// a verifier is rejected (validate()), and no option of x509_verifier turns
/// checks off; skipping verification takes one of these calls, whose names
/// say what they do, so it cannot happen by accident and is easy to find in
/// a code review (grep "qtls::dangerous").
#pragma once

#include <memory>

#include "qtls/certs.h"
#include "qtls/export.h"

QTLS_PUBLIC_BEGIN
namespace qtls::dangerous {

/// A verifier that accepts any server certificate chain for any name: the
/// connection is encrypted but the peer is NOT authenticated, so anyone on
/// the path can impersonate the server. For tests and debugging only. The
/// engine still checks CertificateVerify against the presented leaf (RFC
/// 8446 §4.4.3). Every use logs a warning (qtls/log.h, component "x509").
std::shared_ptr<CertVerifier> accept_any_server_certificate();

}  // namespace qtls::dangerous
QTLS_PUBLIC_END
