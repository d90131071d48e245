// The TLS 1.3 server state machine (RFC 8446 §2, Appendix A.2).
#pragma once

#include <functional>
#include <span>
#include <variant>

#include "handshake/certificate_type.h"
#include "handshake/engine_base.h"
#include "qtls/session.h"

namespace qtls::handshake {

class ServerEngine final : public EngineBase {
public:
    ServerEngine(std::shared_ptr<const ServerConfig> config, ServerOptions options);
    Status start() override { return {}; }
    // RFC 8446 §4.6.2, post_handshake_auth.cpp.
    Status request_client_certificate(bool certificate_required) override;

private:
    struct WaitClientHello {};
    // After a HelloRetryRequest (§4.1.4): what the second ClientHello must match.
    struct WaitSecondClientHello {
        CipherSuite suite;
        NamedGroup group;
        Bytes cookie;
    };
    struct WaitEndOfEarlyData {};
    struct WaitCertificate {};
    struct WaitCertificateVerify {
        Bytes leaf_public_key;
    };
    struct WaitFinished {};
    struct Connected {};
    using State = std::variant<WaitClientHello, WaitSecondClientHello, WaitEndOfEarlyData, WaitCertificate,
                               WaitCertificateVerify,
                               WaitFinished, Connected>;

    // What the server decided from a ClientHello.
    struct Selection {
        CipherSuite suite{};
        NamedGroup group{};
        std::optional<msg::KeyShareEntry> client_share;  // absent: HelloRetryRequest needed
        SignatureScheme scheme{};
        std::shared_ptr<const CertifiedKey> certificate;
        CertificateTypeChoice certificate_type;  // RFC 7250: X.509 or raw public key
        CertificateTypeChoice client_certificate_type;  // what the client's Certificate will carry
        std::string alpn;
        std::string server_name;
        bool sni_received = false;
        std::uint16_t peer_record_size_limit = 0;
        Bytes transport_parameters;
        // Resumption (RFC 8446 §4.2.11): the accepted PSK, if any.
        bool resumed = false;
        Secret psk;
        std::uint16_t psk_identity = 0;
        bool psk_with_dhe = true;
        bool psk_offered = false;  // the client sent pre_shared_key (and we look up PSKs)
        bool external_psk = false; // the accepted PSK is external (qtls/external_psk.h)
        Bytes external_psk_identity;
        std::vector<std::uint16_t> client_suites;
        // 0-RTT (RFC 8446 §4.2.10): decided once the rest is known.
        bool early_data_offered = false;
        bool early_data_accepted = false;
        std::string_view early_data_reason;
        std::optional<ResumptionState> ticket;
        std::uint32_t client_ticket_age_ms = 0;
        Bytes binder;
        bool post_handshake_auth = false;  // offered by a TCP client (§4.2.6)
        // What the client asked us to staple to the leaf (§4.4.2.1).
        bool staple_ocsp = false;
        bool staple_sct = false;
        std::vector<Bytes> certificate_authorities;  // the client's (§4.2.4)
        // RFC 8879: the algorithm our Certificate is compressed with, if any.
        std::optional<CertificateCompression> certificate_compression;
        // Set when the application chooses the certificate (qtls/async.h).
        std::optional<CertificateSelectionRequest> deferred_selection;
    };
    // One outstanding post-handshake CertificateRequest (§4.6.2) and the
    // client's answer so far: its transcript is the handshake's (through the
    // client Finished) followed by `exchange`.
    struct PostHandshakeAuth {
        enum class Expect : std::uint8_t { certificate, certificate_verify, finished };
        Bytes context;
        bool certificate_required = true;
        Expect expect = Expect::certificate;
        Bytes exchange;  // CertificateRequest, Certificate, CertificateVerify as sent
        std::vector<Bytes> chain;
        Bytes leaf_public_key;
        std::optional<SignatureScheme> scheme;
    };

    Status on_handshake_message(const msg::RawMessage& m) override;
    Status on_client_hello(const msg::RawMessage& m);
    Result<Selection> select(const msg::ClientHello& ch, ByteView raw_hello);
    Status select_psk(const msg::ClientHello& ch, ByteView raw_hello, Selection& sel);
    Status select_external_psk(const msg::OfferedPsks& offered, std::size_t i, ByteView raw_hello, Selection& sel);
    Status issue_tickets();
    void decide_early_data(const msg::ClientHello& ch, Selection& sel);
    Status on_end_of_early_data(const msg::RawMessage& m);
    std::uint64_t now_ms() const { return config_->clock ? config_->clock() : system_clock_ms(); }
    Status send_hello_retry_request(const msg::ClientHello& ch, const Selection& sel, const msg::RawMessage& m);
    Status send_server_flight(const msg::ClientHello& ch, const Selection& sel);
    // Runs `then` once CertificateVerify is queued (at once, or after a
    // deferred signature).
    Status send_certificate_flight(const Selection& sel, std::function<Status()> then);
    // The certificate (from the resolver or the application) and its scheme
    // for the client's signature_algorithms; handshake_failure when unusable.
    Status adopt_certificate(const msg::ClientHello& ch, Selection& sel,
                             std::shared_ptr<const CertifiedKey> certificate,
                             std::span<const SignatureScheme> client_schemes) const;
    // Suspends for ServerConfig::deferred.select_certificate; the answer
    // continues with send_server_flight (server_certificate_selection.cpp).
    Status defer_certificate_selection(const msg::ClientHello& ch, const Selection& sel);
    Status on_client_certificate(const msg::RawMessage& m);
    Status on_client_certificate_verify(const msg::RawMessage& m);
    Status on_client_finished(const msg::RawMessage& m);
    Status on_post_handshake_message(const msg::RawMessage& m) override;
    Status on_post_handshake_certificate(const msg::RawMessage& m);
    Status on_post_handshake_certificate_verify(const msg::RawMessage& m);
    Status on_post_handshake_finished(const msg::RawMessage& m);

    std::shared_ptr<const ServerConfig> config_;
    ServerOptions options_;
    State state_ = WaitClientHello{};
    Secret client_hs_secret_;
    std::shared_ptr<AntiReplay> anti_replay_;
    std::optional<PostHandshakeAuth> post_handshake_auth_;
};

}  // namespace qtls::handshake
