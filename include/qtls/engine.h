/// @file
/// The sans-IO TLS 1.3 handshake engine. It takes handshake-message bytes
/// tagged with the epoch they arrived in and produces an ordered list of
/// events. It never sees records, packets or sockets: record::Connection (TCP)
/// and quic::Session (QUIC) are thin front ends over it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "qtls/async.h"
#include "qtls/config.h"
#include "qtls/error.h"
#include "qtls/secret.h"
#include "qtls/types.h"
#include "qtls/export.h"

// Everything declared below is part of the exported API (qtls/export.h).
QTLS_PUBLIC_BEGIN

namespace qtls {

/// Handshake bytes to send to the peer at `epoch` (QUIC: CRYPTO frame data).
struct HandshakeBytes {
    Epoch epoch;
    Bytes data;
};

/// A traffic secret, emitted as soon as it exists: a write secret before the
/// handshake bytes that must be protected with it; a read secret before the
/// peer can need it.
struct TrafficSecret {
    Epoch epoch;
    Direction direction;
    CipherSuite suite;
    Secret secret;
};

struct PeerTransportParameters {
    Bytes data;  ///< quic_transport_parameters (0x39), opaque to the engine
};

/// The engine failed; the front end sends `alert` and closes.
struct AlertToSend {
    Alert alert;
    std::string_view reason;
};

struct HandshakeComplete {};

/// Whether 0-RTT data offered in this handshake was accepted (RFC 8446
/// §4.2.10). Emitted once by each side when it knows. A server that rejected
/// it must skip the client's early records it cannot decrypt (TCP); a client
/// whose early data was rejected may resend it after the handshake.
struct EarlyDataStatus {
    bool accepted = false;
    std::string_view reason;  ///< why it was rejected; empty when accepted
};

/// OperationPending (qtls/async.h): the engine waits for resume().
using Event = std::variant<HandshakeBytes, TrafficSecret, PeerTransportParameters, AlertToSend,
                           HandshakeComplete, EarlyDataStatus, OperationPending>;

/// What the handshake settled on.
struct Negotiated {
    CipherSuite suite{};
    std::optional<NamedGroup> group;
    std::optional<SignatureScheme> peer_signature_scheme;
    std::optional<SignatureScheme> own_signature_scheme;
    std::string alpn;
    std::string server_name;
    std::vector<Bytes> peer_certificates;
    /// RFC 7250: what the server's Certificate carried (x509 also when no
    /// Certificate was sent, as on resumption), what the client's carries
    /// (client_certificate_type), and the peer's SubjectPublicKeyInfo when
    /// its Certificate was a raw public key.
    CertificateType server_certificate_type = CertificateType::x509;
    CertificateType client_certificate_type = CertificateType::x509;
    Bytes peer_raw_public_key;
    bool hello_retry = false;
    bool resumed = false;  ///< the handshake used a resumption PSK
    /// The handshake used an external PSK (qtls/external_psk.h); its identity.
    bool external_psk = false;
    Bytes external_psk_identity;
    bool early_data_offered = false;
    bool early_data_accepted = false;
    bool client_authenticated = false;
    std::uint16_t peer_record_size_limit = 0;
    /// RFC 8446 §4.2.6 (TCP only): the client offered post_handshake_auth, so
    /// the server may ask for a certificate after the handshake.
    bool post_handshake_auth = false;
    /// RFC 8446 §4.6.2: post-handshake authentications finished so far
    /// (client: CertificateRequests answered; server: answers whose Finished
    /// verified). peer_certificates and client_authenticated then describe
    /// the latest one.
    std::uint32_t post_handshake_auths = 0;
    /// What the peer stapled to its leaf (client side: an OCSP response and
    /// SCT list it asked for, RFC 8446 §4.4.2.1); also passed to
    /// CertVerifier::verify_stapled.
    StapledResponses peer_stapled;
    /// The peer's certificate_authorities (RFC 8446 §4.2.4), DER names:
    /// client side from the CertificateRequest (to choose which certificate
    /// to present), server side from the ClientHello. Empty when none came.
    std::vector<Bytes> peer_certificate_authorities;
    /// RFC 8879: the algorithm the peer's Certificate arrived compressed
    /// with, and the one ours was sent with; nullopt: uncompressed.
    std::optional<CertificateCompression> peer_certificate_compression;
    std::optional<CertificateCompression> own_certificate_compression;
};

struct ClientOptions {
    std::string server_name;  ///< SNI and the name the certificate must match
    Transport transport = Transport::tcp;
    Bytes quic_transport_parameters;  ///< required for QUIC
    /// A ticket to offer instead of one taken from config.session_store, for
    /// front ends that must see the ticket before the handshake starts (the
    /// QUIC client applies its remembered transport parameters first).
    std::optional<StoredSession> resume_session{};
};

struct ServerOptions {
    Transport transport = Transport::tcp;
    Bytes quic_transport_parameters;
    /// QUIC, optional: called once while the server flight is built, after
    /// the ServerHello bytes, PeerTransportParameters and the handshake
    /// secrets are queued and before EncryptedExtensions is encoded; the
    /// result replaces quic_transport_parameters (an error aborts the
    /// handshake with its alert). For front ends whose parameters depend on
    /// the client's (RFC 9368 version_information) or on installing the
    /// handshake keys first. poll() may be called from inside it.
    std::function<Result<Bytes>()> quic_transport_parameters_callback;
    /// Sealed into every ticket; 0-RTT on a later connection is accepted only
    /// if that connection's early_data_context is identical (RFC 9001 §4.6.2:
    /// QUIC passes its 0-RTT transport parameters and application settings).
    Bytes early_data_context{};
};

namespace detail {
struct EngineHooks;
}

class Engine {
public:
    static Result<std::unique_ptr<Engine>> client(std::shared_ptr<const ClientConfig> config,
                                                  ClientOptions options);
    static Result<std::unique_ptr<Engine>> server(std::shared_ptr<const ServerConfig> config,
                                                  ServerOptions options);
    virtual ~Engine() = default;

    /// Client: produces the ClientHello. Server: nothing to do yet.
    virtual Status start() = 0;
    /// Handshake bytes received at `epoch`, in any fragmentation. After an
    /// error every call fails with the same error. While an operation is
    /// pending (OperationPending, qtls/async.h) the bytes are only buffered
    /// (bounded) and handled after resume().
    virtual Status provide(Epoch epoch, ByteView bytes) = 0;
    /// Next pending event, in order.
    virtual std::optional<Event> poll() = 0;

    virtual bool handshake_complete() const = 0;
    virtual Side side() const = 0;
    virtual const Negotiated& negotiated() const = 0;

    /// RFC 8446 §4.6.3 (TCP only): emits a KeyUpdate message at the
    /// application epoch followed by the next write secret.
    virtual Status send_key_update(bool request_peer_update) = 0;

    /// RFC 8446 §4.6.2 (TCP only, server only): emits a CertificateRequest
    /// with a fresh certificate_request_context at the application epoch. The
    /// client must have offered post_handshake_auth (Negotiated); its answer
    /// is verified with ServerConfig::client_verifier, and once its Finished
    /// verifies Negotiated::post_handshake_auths grows and peer_certificates
    /// holds the new chain. An empty answer fails the connection with
    /// certificate_required when `certificate_required`. One request at a
    /// time; an error here (wrong side, QUIC, not offered, one pending)
    /// leaves the connection as it was.
    virtual Status request_client_certificate(bool certificate_required) {
        (void)certificate_required;
        return Error{Alert::internal_error, "this engine cannot request a client certificate"};
    }

    /// Answers the OperationPending event `id` (qtls/async.h; the step the
    /// config's `deferred` flags hand to the application). The engine
    /// continues where it stopped: it handles the messages provide() buffered
    /// meanwhile and queues the rest of its flight. A wrong id, an answer of
    /// the wrong type or no pending operation is an error that leaves the
    /// connection as it was; an answer that is an error ends the handshake
    /// with its alert, as the synchronous call would have.
    virtual Status resume(std::uint64_t id, OperationAnswer answer) {
        (void)id;
        (void)answer;
        return Error{Alert::internal_error, "this engine has no pending operation"};
    }

    /// RFC 8446 §7.5 exporter.
    virtual Status export_keying_material(std::string_view label, ByteView context,
                                          MutableByteView out) const = 0;
    /// RFC 8446 §7.5 early exporter (client_early_exporter_master_secret):
    /// available once a ClientHello offering 0-RTT was sent (client) or
    /// received (server), whether or not the early data is then accepted.
    /// Like 0-RTT data it is bound to the PSK, not to this connection's
    /// (EC)DHE, and can be replayed (RFC 8446 §E.5). An error when no early
    /// data was offered.
    virtual Status export_early_keying_material(std::string_view label, ByteView context,
                                                MutableByteView out) const {
        (void)label, (void)context, (void)out;
        return Error{Alert::internal_error, "this engine has no early exporter"};
    }

    /// Tests only: deterministic hooks (see src/handshake/hooks.h).
    virtual void set_hooks_for_testing(std::shared_ptr<detail::EngineHooks> hooks) = 0;
};

}  // namespace qtls
QTLS_PUBLIC_END
