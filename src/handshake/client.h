// The TLS 1.3 client state machine (RFC 8446 §2, Appendix A.1).
#pragma once

#include <functional>
#include <variant>

#include "handshake/engine_base.h"
#include "qtls/session.h"

namespace qtls::handshake {

class ClientEngine final : public EngineBase {
public:
    ClientEngine(std::shared_ptr<const ClientConfig> config, ClientOptions options);
    Status start() override;

private:
    // Typed states (RFC 8446 Appendix A.1); each carries what only it needs.
    struct Idle {};
    struct WaitServerHello {};
    struct WaitEncryptedExtensions {};
    struct WaitCertificateOrRequest {};
    struct WaitCertificate {};
    struct WaitCertificateVerify {
        Bytes leaf_public_key;
    };
    struct WaitFinished {};
    struct Connected {};
    using State = std::variant<Idle, WaitServerHello, WaitEncryptedExtensions, WaitCertificateOrRequest,
                               WaitCertificate, WaitCertificateVerify, WaitFinished, Connected>;

    Status on_handshake_message(const msg::RawMessage& m) override;
    Status on_post_handshake_message(const msg::RawMessage& m) override;

    Status build_client_hello();
    Status send_client_hello();
    Status on_server_hello(const msg::RawMessage& m);
    Status on_hello_retry_request(const msg::ServerHello& hrr, const msg::RawMessage& m);
    Status on_encrypted_extensions(const msg::RawMessage& m);
    Status on_certificate_request(const msg::RawMessage& m);
    Status on_certificate(const msg::RawMessage& m);
    // RFC 7250: the server's Certificate holds one raw public key.
    Status on_raw_public_key_certificate(msg::Certificate& cert, const msg::RawMessage& m);
    Status on_certificate_verify(const msg::RawMessage& m);
    Status on_finished(const msg::RawMessage& m);
    // Runs `then` once our Certificate (and CertificateVerify) are queued: at
    // once, or after a deferred signature (qtls/async.h).
    Status send_client_certificate(std::function<Status()> then);
    // Post-handshake authentication (RFC 8446 §4.6.2), post_handshake_auth.cpp.
    Status on_post_handshake_certificate_request(const msg::RawMessage& m);
    // The scheme our client certificate signs with for `cr`; nullopt when we
    // have no certificate the server can accept (then an empty Certificate).
    Result<std::optional<SignatureScheme>> client_certificate_scheme(const msg::CertificateRequest& cr,
                                                                     CertificateType type) const;
    Status check_server_extensions_solicited(const msg::Extensions& exts) const;
    Result<std::unique_ptr<KeyShare>> make_key_share(NamedGroup group) const;
    void offer_stored_session();
    void offer_external_psks();
    void put_offered_psks();
    // One PSK of the pre_shared_key extension, in offer order.
    struct PskOffer {
        ByteView key;
        const SuiteInfo* info = nullptr;
        bool external = false;
    };
    std::size_t offered_psk_count() const;
    PskOffer offered_psk(std::size_t i) const;
    Status fill_psk_binder(Bytes& encoded_hello) const;
    void emit_early_traffic_secret(ByteView encoded_hello);
    void settle_early_data(bool accepted, std::string_view reason);
    Status store_ticket(const msg::NewSessionTicket& nst);
    std::uint64_t now_ms() const { return config_->clock ? config_->clock() : system_clock_ms(); }

    std::shared_ptr<const ClientConfig> config_;
    ClientOptions options_;
    State state_ = Idle{};
    msg::ClientHello hello_;
    std::vector<std::unique_ptr<KeyShare>> shares_;
    bool retried_ = false;
    std::uint16_t hrr_suite_ = 0;
    std::optional<crypto::HandshakeSecret> handshake_secret_;
    Secret client_hs_secret_;
    Secret server_hs_secret_;
    std::optional<msg::CertificateRequest> cert_request_;
    std::optional<StoredSession> session_;  // the ticket offered in this ClientHello
    std::vector<ExternalPsk> external_psks_;  // offered after the ticket
    bool psk_accepted_ = false;               // the ServerHello selected one of them
    bool early_data_pending_ = false;       // offered, answer not yet known
    Bytes peer_transport_parameters_;       // QUIC: the server's, from EncryptedExtensions
};

}  // namespace qtls::handshake
