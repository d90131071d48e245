/// @file
/// Asynchronous operations: signing with the certificate's key, choosing the
/// server's certificate and verifying the peer's chain can each be answered
/// later by the application instead of by a callback that must return at
/// once (a remote HSM, a certificate store behind a network call, a
/// verification service).
///
/// A flag in ClientConfig::deferred / ServerConfig::deferred turns the step
/// into a suspension: the engine queues an OperationPending event (after
/// every event that came before it), stops processing handshake messages
/// and waits. The application answers once with Engine::resume(id, answer)
/// (or record::Connection::resume / quic::Session::resume), from any later
/// point of its own loop; the engine then continues exactly where it
/// stopped. One operation is pending at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "qtls/certs.h"
#include "qtls/error.h"
#include "qtls/types.h"
#include "qtls/export.h"

// Everything declared below is part of the exported API (qtls/export.h).
QTLS_PUBLIC_BEGIN

namespace qtls {

/// Which steps the engine hands to the application instead of calling the
/// Signer, the ServerCertResolver or the CertVerifier of the config.
struct DeferredOperations {
    /// CertificateVerify signatures (RFC 8446 §4.4.3): the server's, and the
    /// client's when the server asks for a certificate. The certificate's
    /// Signer still chooses the scheme (schemes()); its sign() is not called.
    bool sign = false;
    /// Server only: the certificate for a full handshake, asked for once the
    /// final ClientHello is accepted (after any HelloRetryRequest; a resumed
    /// handshake never asks). ServerConfig::cert_resolver may then be null.
    bool select_certificate = false;
    /// The peer's certificate chain (client: the server's; server: the
    /// client's, during the handshake and after it, §4.6.2). The verifier
    /// of the config may then be null. CertificateVerify itself is still
    /// checked by the engine with the leaf's key.
    bool verify_peer = false;
};

/// Sign `input` with the private key of `certificate` using `scheme`. The
/// input is already the exact content RFC 8446 §4.4.3 signs (64 spaces,
/// context string, 0, transcript hash): sign it as is.
struct SignRequest {
    SignatureScheme scheme{};
    Bytes input;
    std::shared_ptr<const CertifiedKey> certificate;
};

/// Choose the server's certificate for this client (what ServerCertResolver
/// receives as ClientHelloInfo).
struct CertificateSelectionRequest {
    std::string server_name;  ///< empty without SNI
    std::vector<SignatureScheme> signature_schemes;
    std::vector<std::string> alpn;
    /// DER names from the client's certificate_authorities (RFC 8446 §4.2.4).
    std::vector<Bytes> certificate_authorities;
};

/// Verify the peer's chain (what CertVerifier::verify_stapled receives).
struct VerificationRequest {
    std::vector<Bytes> chain;  ///< leaf first, DER
    std::string peer_name;     ///< the server name to match; empty for client certificates
    StapledResponses stapled;
};

using OperationRequest = std::variant<SignRequest, CertificateSelectionRequest, VerificationRequest>;

/// The event that announces a suspension. `id` names it in the answer.
struct OperationPending {
    std::uint64_t id = 0;
    OperationRequest request;
};

/// The signature, or an error whose alert ends the handshake.
struct SignAnswer {
    Result<Bytes> signature = Error{Alert::internal_error, "no signature"};
};
/// The certificate (with its Signer); null ends the handshake with
/// handshake_failure, like a resolver that finds none.
struct CertificateSelectionAnswer {
    std::shared_ptr<const CertifiedKey> certificate;
};
/// ok, or the failure with the alert RFC 8446 §6.2 names (bad_certificate,
/// unknown_ca, certificate_expired, ...).
struct VerificationAnswer {
    Status status;
};

using OperationAnswer = std::variant<SignAnswer, CertificateSelectionAnswer, VerificationAnswer>;

}  // namespace qtls
QTLS_PUBLIC_END
