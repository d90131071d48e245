// Client and server configuration. A config is built once, then shared
// (std::shared_ptr<const ...>) by every connection that uses it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "qtls/certs.h"
#include "qtls/keylog.h"
#include "qtls/log.h"
#include "qtls/provider.h"
#include "qtls/session.h"
#include "qtls/types.h"
#include "qtls/export.h"

// Everything declared below is part of the exported API (qtls/export.h).
QTLS_PUBLIC_BEGIN

namespace qtls {

// The largest handshake message body accepted from a peer unless a config
// says otherwise. RFC 8446 §4 allows 2^24 - 1 bytes; 64 KiB covers every
// message qtls expects (a Certificate message, and so the whole chain, is
// one message). Larger messages end the handshake with decode_error.
inline constexpr std::size_t kDefaultMaxHandshakeMessageSize = 64 * 1024;
// The most certificates accepted in a peer's chain, leaf included (RFC 8446
// §4.4.2 sets no bound; real chains have 2-4). A longer chain ends the
// handshake with bad_certificate before any certificate is parsed.
inline constexpr std::size_t kMaxCertificateChainLength = 10;

std::vector<CipherSuite> default_cipher_suites();
std::vector<NamedGroup> default_groups();
std::vector<SignatureScheme> default_signature_schemes();

enum class Transport : std::uint8_t { tcp, quic };

struct ClientConfig {
    ProviderPtr provider;  // null means default_provider()
    std::vector<CipherSuite> cipher_suites = default_cipher_suites();
    std::vector<NamedGroup> groups = default_groups();
    // Groups for which a key share goes in the first ClientHello (RFC 8446 §4.2.8).
    std::vector<NamedGroup> key_share_groups = {NamedGroup::x25519};
    std::vector<SignatureScheme> signature_schemes = default_signature_schemes();
    std::vector<std::string> alpn;
    // Required: there is no way to skip verification by leaving this empty.
    std::shared_ptr<CertVerifier> verifier;
    // Presented when the server asks for a certificate (RFC 8446 §4.4.2).
    std::shared_ptr<const CertifiedKey> client_certificate;
    std::shared_ptr<KeyLog> keylog;
    // Diagnostics (qtls/log.h); null: default_logger(). Never sees secrets.
    std::shared_ptr<const Logger> logger;
    // RFC 8446 §D.4; ignored (always off) for QUIC.
    bool middlebox_compat = true;
    // RFC 8449 record_size_limit to offer; 0 sends none.
    std::uint16_t record_size_limit = 0;
    // Largest handshake message body accepted from the peer (at most 2^24 - 1).
    std::size_t max_handshake_message_size = kDefaultMaxHandshakeMessageSize;
    // Resumption (RFC 8446 §2.2): tickets are stored here and offered on the
    // next connection to the same server name. Null: no resumption.
    std::shared_ptr<ClientSessionStore> session_store;
    // Also offer psk_ke (resumption without a fresh (EC)DHE); psk_dhe_ke is
    // always offered and preferred (RFC 8446 §4.2.9).
    bool offer_psk_ke = false;
    // Send 0-RTT data when a stored ticket allows it (RFC 8446 §4.2.10).
    // Early data can be replayed by an attacker: send only idempotent requests.
    bool enable_early_data = false;
    // Offer post_handshake_auth (RFC 8446 §4.2.6): the server may then ask
    // for client_certificate at any time after the handshake (§4.6.2); with
    // none configured an empty Certificate answers. TCP only: never offered
    // over QUIC (RFC 9001 §4.4).
    bool post_handshake_auth = false;
    Clock clock;  // null: system_clock_ms (ticket ages)
};

enum class ClientAuth : std::uint8_t { none, optional, required };

struct ServerConfig {
    ProviderPtr provider;
    std::vector<CipherSuite> cipher_suites = default_cipher_suites();  // server preference order
    std::vector<NamedGroup> groups = default_groups();                  // server preference order
    std::vector<SignatureScheme> signature_schemes = default_signature_schemes();
    std::vector<std::string> alpn;  // server preference order
    // Pick the first protocol of the client's list that `alpn` contains
    // instead (RFC 7301 §3.2 leaves the choice to the server).
    bool alpn_client_preference = false;
    std::shared_ptr<ServerCertResolver> cert_resolver;
    ClientAuth client_auth = ClientAuth::none;
    std::shared_ptr<CertVerifier> client_verifier;  // required unless client_auth == none
    std::shared_ptr<KeyLog> keylog;
    // Diagnostics (qtls/log.h); null: default_logger(). Never sees secrets.
    std::shared_ptr<const Logger> logger;
    // Send a cookie in every HelloRetryRequest (RFC 8446 §4.2.2).
    bool hello_retry_cookie = false;
    // Always answer with a HelloRetryRequest even when a usable share was
    // offered, to exercise HRR (tests, interop).
    bool force_hello_retry = false;
    // Tell the client our supported groups in EncryptedExtensions (§4.2.7).
    bool advertise_groups = false;
    std::uint16_t record_size_limit = 0;
    // Largest handshake message body accepted from the peer (at most 2^24 - 1).
    std::size_t max_handshake_message_size = kDefaultMaxHandshakeMessageSize;
    // Resumption: tickets are sealed and opened by this ticketer (null: no
    // tickets are issued and offered PSKs are ignored).
    std::shared_ptr<Ticketer> ticketer;
    std::uint32_t ticket_lifetime_s = 7200;  // at most 604800 (RFC 8446 §4.6.1)
    std::uint8_t tickets_per_connection = 1;
    // Accept psk_ke (no (EC)DHE, so no forward secrecy) when the client offers only that.
    bool accept_psk_ke = false;
    // 0-RTT: the most early data accepted per connection (0 disables 0-RTT;
    // QUIC requires 0xffffffff, RFC 9001 §4.6.1). Tickets advertise it.
    std::uint32_t max_early_data = 0;
    // Required with max_early_data > 0 (null: a private strike_register()).
    std::shared_ptr<AntiReplay> anti_replay;
    // How far the client's view of the ticket age may differ from ours (§8.3).
    std::uint32_t early_data_window_ms = 10000;
    Clock clock;
};

// Returns a description of the first inconsistency, or ok.
Status validate(const ClientConfig& config);
Status validate(const ServerConfig& config);

}  // namespace qtls
QTLS_PUBLIC_END
