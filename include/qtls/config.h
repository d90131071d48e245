/// @file
/// Client and server configuration. A config is built once, then shared
/// (std::shared_ptr<const ...>) by every connection that uses it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "qtls/async.h"
#include "qtls/cert_compression.h"
#include "qtls/certs.h"
#include "qtls/external_psk.h"
#include "qtls/keylog.h"
#include "qtls/log.h"
#include "qtls/provider.h"
#include "qtls/raw_public_key.h"
#include "qtls/session.h"
#include "qtls/types.h"
#include "qtls/export.h"

// Everything declared below is part of the exported API (qtls/export.h).
QTLS_PUBLIC_BEGIN

namespace qtls {

/// The largest handshake message body accepted from a peer unless a config
/// says otherwise. RFC 8446 §4 allows 2^24 - 1 bytes; 64 KiB covers every
/// message qtls expects (a Certificate message, and so the whole chain, is
/// one message). Larger messages end the handshake with decode_error.
inline constexpr std::size_t kDefaultMaxHandshakeMessageSize = 64 * 1024;
/// The most certificates accepted in a peer's chain, leaf included (RFC 8446
/// §4.4.2 sets no bound; real chains have 2-4). A longer chain ends the
/// handshake with bad_certificate before any certificate is parsed.
inline constexpr std::size_t kMaxCertificateChainLength = 10;

std::vector<CipherSuite> default_cipher_suites();
std::vector<NamedGroup> default_groups();
std::vector<SignatureScheme> default_signature_schemes();

enum class Transport : std::uint8_t { tcp, quic };

struct ClientConfig {
    ProviderPtr provider;  ///< null means default_provider()
    std::vector<CipherSuite> cipher_suites = default_cipher_suites();
    std::vector<NamedGroup> groups = default_groups();
    /// Groups for which a key share goes in the first ClientHello (RFC 8446 §4.2.8).
    std::vector<NamedGroup> key_share_groups = {NamedGroup::x25519};
    std::vector<SignatureScheme> signature_schemes = default_signature_schemes();
    std::vector<std::string> alpn;
    /// Required: there is no way to skip verification by leaving this empty.
    std::shared_ptr<CertVerifier> verifier;
    /// Presented when the server asks for a certificate (RFC 8446 §4.4.2).
    /// When it holds a raw_public_key the client offers that too (RFC 7250
    /// client_certificate_type) and sends it if the server chooses it.
    std::shared_ptr<const CertifiedKey> client_certificate;
    /// What the server may authenticate with, in preference order (RFC 7250
    /// server_certificate_type). The default, X.509 only, sends no extension.
    /// Listing CertificateType::raw_public_key needs
    /// server_raw_public_key_verifier; `verifier` is then needed only while
    /// x509 is listed too.
    std::vector<CertificateType> server_certificate_types = {CertificateType::x509};
    /// Decides whether the server's raw public key is trusted, e.g.
    /// pinned_raw_public_keys({spki}) (qtls/raw_public_key.h).
    std::shared_ptr<RawPublicKeyVerifier> server_raw_public_key_verifier;
    std::shared_ptr<KeyLog> keylog;
    /// Diagnostics (qtls/log.h); null: default_logger(). Never sees secrets.
    std::shared_ptr<const Logger> logger;
    /// RFC 8446 §D.4; ignored (always off) for QUIC.
    bool middlebox_compat = true;
    /// RFC 8449 record_size_limit to offer; 0 sends none.
    std::uint16_t record_size_limit = 0;
    /// Largest handshake message body accepted from the peer (at most 2^24 - 1).
    std::size_t max_handshake_message_size = kDefaultMaxHandshakeMessageSize;
    /// Certificate compression (RFC 8879), in preference order: offered in
    /// the ClientHello for the server's certificate (its uncompressed size
    /// is still bounded by max_handshake_message_size), and used for our
    /// client certificate when the server's CertificateRequest offers one
    /// of them. Empty (the default, as in BoringSSL and rustls's default
    /// build): nothing offered, certificates sent uncompressed.
    /// all_certificate_compressions() turns it on.
    std::vector<CertificateCompression> certificate_compression;
    /// Resumption (RFC 8446 §2.2): tickets are stored here and offered on the
    /// next connection to the same server name. Null: no resumption.
    std::shared_ptr<ClientSessionStore> session_store;
    /// Also offer psk_ke (resumption without a fresh (EC)DHE); psk_dhe_ke is
    /// always offered and preferred (RFC 8446 §4.2.9).
    bool offer_psk_ke = false;
    /// Send 0-RTT data when a stored ticket allows it (RFC 8446 §4.2.10).
    /// Early data can be replayed by an attacker: send only idempotent requests.
    bool enable_early_data = false;
    /// External PSKs to offer (qtls/external_psk.h), after a resumption
    /// ticket if there is one. With at least one, `verifier` may be null: the
    /// handshake then fails unless the server accepts one of these PSKs.
    std::vector<ExternalPsk> external_psks;
    /// Offer post_handshake_auth (RFC 8446 §4.2.6): the server may then ask
    /// for client_certificate at any time after the handshake (§4.6.2); with
    /// none configured an empty Certificate answers. TCP only: never offered
    /// over QUIC (RFC 9001 §4.4).
    bool post_handshake_auth = false;
    /// Ask the server to staple an OCSP response (status_request, RFC 6066 §8,
    /// RFC 8446 §4.4.2.1). Off by default, as in OpenSSL and rustls: the
    /// verifier checks a staple it gets (X509VerifierOptions::check_ocsp_staple)
    /// and can insist on one (require_ocsp_staple, which needs this on).
    bool request_ocsp_staple = false;
    /// Ask for Certificate Transparency SCTs (signed_certificate_timestamp,
    /// RFC 6962 §3.3). qtls does not check them against CT logs: the list
    /// reaches CertVerifier::verify_stapled (StapledResponses::sct_list) and
    /// Negotiated::peer_stapled for the application's own policy.
    bool request_sct = false;
    /// DER distinguished names of the CAs we trust, sent as
    /// certificate_authorities in the ClientHello (RFC 8446 §4.2.4) so a
    /// server with several certificates can pick one; empty: not sent.
    std::vector<Bytes> certificate_authorities;
    Clock clock;  ///< null: system_clock_ms (ticket ages)
    /// Steps answered later through Engine::resume (qtls/async.h): sign and
    /// verify_peer; select_certificate is a server step (validate() rejects it).
    DeferredOperations deferred;
};

enum class ClientAuth : std::uint8_t { none, optional, required };

struct ServerConfig {
    ProviderPtr provider;
    std::vector<CipherSuite> cipher_suites = default_cipher_suites();  ///< server preference order
    std::vector<NamedGroup> groups = default_groups();                  ///< server preference order
    std::vector<SignatureScheme> signature_schemes = default_signature_schemes();
    std::vector<std::string> alpn;  ///< server preference order
    /// Pick the first protocol of the client's list that `alpn` contains
    /// instead (RFC 7301 §3.2 leaves the choice to the server).
    bool alpn_client_preference = false;
    std::shared_ptr<ServerCertResolver> cert_resolver;
    ClientAuth client_auth = ClientAuth::none;
    /// Client credentials accepted when client_auth is on (RFC 7250 §4.2,
    /// client_certificate_type), in our preference order. Listing
    /// CertificateType::raw_public_key needs client_raw_public_key_verifier
    /// (raw keys are checked by it even when deferred.verify_peer is set);
    /// the default, X.509 only, answers no extension and the client sends
    /// its chain.
    std::vector<CertificateType> client_certificate_types = {CertificateType::x509};
    /// Decides which client raw public keys are trusted (e.g.
    /// pinned_raw_public_keys()).
    std::shared_ptr<RawPublicKeyVerifier> client_raw_public_key_verifier;
    std::shared_ptr<CertVerifier> client_verifier;  ///< required unless client_auth == none
    /// DER distinguished names sent as certificate_authorities in every
    /// CertificateRequest (RFC 8446 §4.2.4), e.g. from
    /// load_certificate_authority_names(client CA file); empty: not sent.
    std::vector<Bytes> certificate_authorities;
    std::shared_ptr<KeyLog> keylog;
    /// Diagnostics (qtls/log.h); null: default_logger(). Never sees secrets.
    std::shared_ptr<const Logger> logger;
    /// Send a cookie in every HelloRetryRequest (RFC 8446 §4.2.2).
    bool hello_retry_cookie = false;
    /// Always answer with a HelloRetryRequest even when a usable share was
    /// offered, to exercise HRR (tests, interop).
    bool force_hello_retry = false;
    /// Tell the client our supported groups in EncryptedExtensions (§4.2.7).
    bool advertise_groups = false;
    std::uint16_t record_size_limit = 0;
    /// Largest handshake message body accepted from the peer (at most 2^24 - 1).
    std::size_t max_handshake_message_size = kDefaultMaxHandshakeMessageSize;
    /// Certificate compression (RFC 8879), in preference order: our
    /// Certificate is compressed with the first of these the client offers
    /// (the result is cached per chain and algorithm), and a CertificateRequest
    /// offers them for the client's certificate. Empty (the default):
    /// certificates go uncompressed and none is requested compressed.
    std::vector<CertificateCompression> certificate_compression;
    /// Resumption: tickets are sealed and opened by this ticketer (null: no
    /// tickets are issued and offered PSKs are ignored).
    std::shared_ptr<Ticketer> ticketer;
    std::uint32_t ticket_lifetime_s = 7200;  ///< at most 604800 (RFC 8446 §4.6.1)
    std::uint8_t tickets_per_connection = 1;
    /// Accept psk_ke (no (EC)DHE, so no forward secrecy) when the client offers only that.
    bool accept_psk_ke = false;
    /// External PSKs the server accepts (qtls/external_psk.h). With a store,
    /// cert_resolver may be null (a PSK-only server): a client offering no
    /// known identity then gets unknown_psk_identity (RFC 8446 §6.2).
    std::shared_ptr<ExternalPskStore> external_psks;
    /// 0-RTT: the most early data accepted per connection (0 disables 0-RTT;
    /// QUIC requires 0xffffffff, RFC 9001 §4.6.1). Tickets advertise it.
    std::uint32_t max_early_data = 0;
    /// Required with max_early_data > 0 (null: a private strike_register()).
    std::shared_ptr<AntiReplay> anti_replay;
    /// How far the client's view of the ticket age may differ from ours (§8.3).
    std::uint32_t early_data_window_ms = 10000;
    Clock clock;
    /// Steps answered later through Engine::resume (qtls/async.h).
    DeferredOperations deferred;
};

/// Returns a description of the first inconsistency, or ok.
Status validate(const ClientConfig& config);
Status validate(const ServerConfig& config);

}  // namespace qtls
QTLS_PUBLIC_END
