#include "handshake/client.h"

#include <algorithm>

#include "handshake/peer_chain.h"
#include "handshake/certificate_compression.h"
#include "handshake/certificate_type.h"
#include "handshake/peer_name.h"
#include "handshake/psk.h"
#include "handshake/signatures.h"
#include "qtls/certs.h"

namespace qtls::handshake {

using msg::ExtensionType;
using msg::HandshakeType;

namespace {
std::uint16_t code(ExtensionType t) { return static_cast<std::uint16_t>(t); }

template <class Enum>
std::vector<std::uint16_t> codes(const std::vector<Enum>& values) {
    std::vector<std::uint16_t> out;
    out.reserve(values.size());
    for (auto v : values) out.push_back(static_cast<std::uint16_t>(v));
    return out;
}

void put(msg::Extensions& exts, ExtensionType type, Bytes body) { exts.push_back({code(type), std::move(body)}); }

void replace_or_add(msg::Extensions& exts, ExtensionType type, Bytes body) {
    for (auto& e : exts)
        if (e.type == code(type)) {
            e.body = std::move(body);
            return;
        }
    // Keep pre_shared_key last (RFC 8446 §4.2.11).
    auto psk = std::find_if(exts.begin(), exts.end(), [](const msg::Extension& e) {
        return e.type == code(ExtensionType::pre_shared_key);
    });
    exts.insert(psk, msg::Extension{code(type), std::move(body)});
}
}  // namespace

ClientEngine::ClientEngine(std::shared_ptr<const ClientConfig> config, ClientOptions options)
    : EngineBase(Side::client, config->provider ? config->provider : default_provider(), options.transport,
                 config->keylog),
      config_(std::move(config)),
      options_(std::move(options)) {
    negotiated_.server_name = options_.server_name;
    set_logger(config_->logger);
    set_max_handshake_message_size(config_->max_handshake_message_size);
}

Result<std::unique_ptr<KeyShare>> ClientEngine::make_key_share(NamedGroup group) const {
    return provider_->generate_key_share(group);
}

Status ClientEngine::start() {
    if (!std::holds_alternative<Idle>(state_)) return Error{Alert::internal_error, "client already started"};
    Status s = build_client_hello();
    if (s.ok()) s = send_client_hello();
    if (!s.ok()) return fail(s.error());
    state_ = WaitServerHello{};
    return {};
}

Status ClientEngine::build_client_hello() {
    fill_random(hello_.random);
    client_random_ = hello_.random;
    // RFC 8446 §D.4: a non-empty session id turns on middlebox compatibility
    // mode; QUIC forbids it (RFC 9001 §8.4).
    if (!is_quic() && config_->middlebox_compat) {
        hello_.legacy_session_id.resize(32);
        fill_random(hello_.legacy_session_id);
    }
    hello_.cipher_suites = codes(config_->cipher_suites);

    auto& exts = hello_.extensions;
    const std::string& name = options_.server_name;
    if (!name.empty() && !is_ip_literal(name)) put(exts, ExtensionType::server_name, msg::encode_server_name(name));
    put(exts, ExtensionType::supported_groups, msg::encode_supported_groups(codes(config_->groups)));
    put(exts, ExtensionType::signature_algorithms,
        msg::encode_signature_algorithms(codes(config_->signature_schemes)));
    std::vector<msg::KeyShareEntry> entries;
    for (NamedGroup g : config_->key_share_groups) {
        QTLS_ASSIGN_OR_RETURN(auto share, make_key_share(g));
        ByteView pub = share->public_key();
        entries.push_back({static_cast<std::uint16_t>(g), Bytes(pub.begin(), pub.end())});
        shares_.push_back(std::move(share));
    }
    put(exts, ExtensionType::key_share, msg::encode_key_share_client(entries));
    put(exts, ExtensionType::supported_versions, msg::encode_supported_versions_client({msg::kVersionTls13}));
    if (!config_->alpn.empty()) put(exts, ExtensionType::alpn, msg::encode_alpn(config_->alpn));
    if (config_->record_size_limit != 0)
        put(exts, ExtensionType::record_size_limit, msg::encode_record_size_limit(config_->record_size_limit));
    if (!config_->certificate_compression.empty())  // RFC 8879 §3
        put(exts, ExtensionType::compress_certificate, compress_certificate_offer(config_->certificate_compression));
    if (auto offer = server_certificate_type_offer(config_->server_certificate_types))
        put(exts, ExtensionType::server_certificate_type, std::move(*offer));
    if (auto offer = client_certificate_type_offer(config_->client_certificate.get()))
        put(exts, ExtensionType::client_certificate_type, std::move(*offer));
    if (is_quic()) put(exts, ExtensionType::quic_transport_parameters, options_.quic_transport_parameters);
    // Stapling requests (RFC 8446 §4.4.2.1) and our trust anchors (§4.2.4).
    if (config_->request_ocsp_staple) put(exts, ExtensionType::status_request, msg::encode_status_request_ocsp());
    if (config_->request_sct) put(exts, ExtensionType::signed_certificate_timestamp, msg::encode_sct_request());
    if (!config_->certificate_authorities.empty())
        put(exts, ExtensionType::certificate_authorities,
            msg::encode_certificate_authorities(config_->certificate_authorities));
    // RFC 8446 §4.2.6; RFC 9001 §4.4: never over QUIC.
    if (config_->post_handshake_auth && !is_quic()) {
        put(exts, ExtensionType::post_handshake_auth, msg::encode_post_handshake_auth());
        negotiated_.post_handshake_auth = true;
    }
    offer_stored_session();
    offer_external_psks();
    put_offered_psks();
    return {};
}

// RFC 8446 §4.2.11: offer a stored ticket as the (last) pre_shared_key
// extension; its binder is filled in once the ClientHello is encoded.
void ClientEngine::offer_stored_session() {
    std::optional<StoredSession> s = std::move(options_.resume_session);
    if (!s && config_->session_store && !options_.server_name.empty())
        s = config_->session_store->take(options_.server_name);
    if (!s) return;
    const std::uint64_t now = now_ms();
    const bool suite_offered = std::find(config_->cipher_suites.begin(), config_->cipher_suites.end(), s->suite) !=
                               config_->cipher_suites.end();
    if (!suite_offered || now < s->received_at_ms || now - s->received_at_ms >= std::uint64_t{s->lifetime_s} * 1000)
        return;
    session_ = std::move(s);
    // RFC 8446 §4.2.10: 0-RTT only with the first PSK, and (RFC 7301 / §4.6.1)
    // when the ALPN we will ask for is the one the ticket was issued for.
    const bool alpn_matches = session_->alpn.empty() ? config_->alpn.empty()
                                                     : (!config_->alpn.empty() && config_->alpn.front() == session_->alpn);
    if (config_->enable_early_data && session_->max_early_data > 0 && alpn_matches) {
        put(hello_.extensions, ExtensionType::early_data, msg::encode_early_data());
        early_data_pending_ = true;
        negotiated_.early_data_offered = true;
    }
}

// External PSKs (RFC 8446 §4.2.11) whose suite we offer, in config order.
void ClientEngine::offer_external_psks() {
    for (const auto& p : config_->external_psks) {
        const bool suite_offered = std::find(config_->cipher_suites.begin(), config_->cipher_suites.end(), p.suite) !=
                                   config_->cipher_suites.end();
        if (suite_offered && suite_info(p.suite) && !p.identity.empty()) external_psks_.push_back(p);
    }
}

std::size_t ClientEngine::offered_psk_count() const { return (session_ ? 1 : 0) + external_psks_.size(); }

// Offer i: the ticket first (0-RTT needs its PSK first, §4.2.10), then the
// external PSKs.
ClientEngine::PskOffer ClientEngine::offered_psk(std::size_t i) const {
    if (session_) {
        if (i == 0) return {session_->psk.view(), suite_info(session_->suite), false};
        --i;
    }
    const ExternalPsk& p = external_psks_[i];
    return {p.key.view(), suite_info(p.suite), true};
}

// psk_key_exchange_modes and the (last) pre_shared_key extension for every
// PSK still offered; binders are zeros until fill_psk_binder patches them.
void ClientEngine::put_offered_psks() {
    std::erase_if(hello_.extensions, [](const msg::Extension& e) {
        return e.type == code(ExtensionType::pre_shared_key) || e.type == code(ExtensionType::psk_key_exchange_modes);
    });
    if (offered_psk_count() == 0) return;
    std::vector<std::uint8_t> modes = {kPskDheKe};
    if (config_->offer_psk_ke) modes.push_back(kPskKe);
    // Before early_data and pre_shared_key: the order the ClientHello had
    // before external PSKs existed.
    auto early = std::find_if(hello_.extensions.begin(), hello_.extensions.end(), [](const msg::Extension& e) {
        return e.type == code(ExtensionType::early_data);
    });
    hello_.extensions.insert(early, msg::Extension{code(ExtensionType::psk_key_exchange_modes),
                                                   msg::encode_psk_key_exchange_modes(modes)});
    msg::OfferedPsks offered;
    if (session_) {
        // §4.2.11.1: the age in milliseconds, obfuscated by the ticket's age_add.
        auto age = static_cast<std::uint32_t>(now_ms() - session_->received_at_ms);
        offered.identities.push_back({session_->ticket, age + session_->age_add});
    }
    // §4.2.11: "For identities established externally, an
    // obfuscated_ticket_age of 0 SHOULD be used".
    for (const auto& p : external_psks_) offered.identities.push_back({p.identity, 0});
    for (std::size_t i = 0; i < offered_psk_count(); ++i)
        offered.binders.push_back(Bytes(offered_psk(i).info->hash_len, 0));
    put(hello_.extensions, ExtensionType::pre_shared_key, msg::encode_pre_shared_key_client(offered));
}

// The binders are the last bytes of the ClientHello: compute each over the
// truncated message (under its PSK's hash) and patch it in (§4.2.11.2).
Status ClientEngine::fill_psk_binder(Bytes& encoded) const {
    const msg::Extension* pre = msg::find_extension(hello_.extensions, ExtensionType::pre_shared_key);
    if (!pre || offered_psk_count() == 0) return {};
    QTLS_ASSIGN_OR_RETURN(msg::OfferedPsks offered, msg::decode_pre_shared_key_client(pre->body));
    if (offered.binders.size() != offered_psk_count())
        return Error{Alert::internal_error, "ClientHello binders do not match the offered PSKs"};
    const std::size_t binders_len = msg::binders_encoded_length(offered);
    ByteView truncated = ByteView(encoded).first(encoded.size() - binders_len);
    std::size_t pos = encoded.size() - binders_len + 2;  // after the list's u16 length
    for (std::size_t i = 0; i < offered.binders.size(); ++i) {
        const PskOffer psk = offered_psk(i);
        if (offered.binders[i].size() != psk.info->hash_len)
            return Error{Alert::internal_error, "ClientHello binder length does not match its PSK's hash"};
        Digest hash = binder_hash(transcript_, *provider_, psk.info->hash, truncated);
        Digest binder = psk_binder({provider_.get(), psk.info->hash}, psk.key, hash, psk.external);
        pos += 1;  // the binder's u8 length
        std::copy(binder.view().begin(), binder.view().end(), encoded.begin() + static_cast<std::ptrdiff_t>(pos));
        pos += psk.info->hash_len;
    }
    return {};
}

Status ClientEngine::send_client_hello() {
    if (hooks_ && hooks_->client_hello) hooks_->client_hello(hello_);
    Bytes encoded = hello_.encode();
    QTLS_TRY(fill_psk_binder(encoded));
    if (early_data_pending_ && !retried_) emit_early_traffic_secret(encoded);
    send_message(Epoch::initial, encoded);
    return {};
}

// client_early_traffic_secret = Derive-Secret(Early Secret, "c e traffic",
// ClientHello) (§7.1), under the ticket's suite.
void ClientEngine::emit_early_traffic_secret(ByteView encoded_hello) {
    const SuiteInfo* info = suite_info(session_->suite);
    crypto::HashContextRef h{provider_.get(), info->hash};
    auto early = crypto::EarlySecret::derive(h, session_->psk.view());
    Secret secret = early.client_early_traffic_secret(binder_hash(transcript_, *provider_, info->hash, encoded_hello));
    if (keylog_) keylog_->log("CLIENT_EARLY_TRAFFIC_SECRET", client_random_, secret.view());
    emit(TrafficSecret{Epoch::early_data, Direction::write, info->suite, std::move(secret)});
    set_early_exporter(h, early.early_exporter_master_secret(
                              binder_hash(transcript_, *provider_, info->hash, encoded_hello)));
}

void ClientEngine::settle_early_data(bool accepted, std::string_view reason) {
    if (!early_data_pending_) return;
    early_data_pending_ = accepted;  // stays set until EndOfEarlyData is sent
    negotiated_.early_data_accepted = accepted;
    emit(EarlyDataStatus{accepted, accepted ? std::string_view{} : reason});
}

Status ClientEngine::on_handshake_message(const msg::RawMessage& m) {
    if (std::holds_alternative<WaitServerHello>(state_) && m.type == HandshakeType::server_hello)
        return on_server_hello(m);
    if (std::holds_alternative<WaitEncryptedExtensions>(state_) && m.type == HandshakeType::encrypted_extensions)
        return on_encrypted_extensions(m);
    if (std::holds_alternative<WaitCertificateOrRequest>(state_)) {
        if (m.type == HandshakeType::certificate_request) return on_certificate_request(m);
        if (m.type == HandshakeType::certificate) return on_certificate(m);
    }
    if (std::holds_alternative<WaitCertificate>(state_) && m.type == HandshakeType::certificate)
        return on_certificate(m);
    if ((std::holds_alternative<WaitCertificateOrRequest>(state_) || std::holds_alternative<WaitCertificate>(state_)) &&
        m.type == HandshakeType::compressed_certificate) {
        // RFC 8879 §4: stands in for the Certificate (the transcript keeps it as sent).
        return receive_compressed_certificate(m, config_->certificate_compression,
                                              config_->max_handshake_message_size,
                                              negotiated_.peer_certificate_compression,
                                              [this](const msg::RawMessage& c) { return on_certificate(c); });
    }
    if (std::holds_alternative<WaitCertificateVerify>(state_) && m.type == HandshakeType::certificate_verify)
        return on_certificate_verify(m);
    if (std::holds_alternative<WaitFinished>(state_) && m.type == HandshakeType::finished) return on_finished(m);
    return Error{Alert::unexpected_message, "unexpected handshake message for the client's state"};
}

// Every extension a server sends must answer one the client sent (RFC 8446 §4.2).
Status ClientEngine::check_server_extensions_solicited(const msg::Extensions& exts) const {
    for (const auto& e : exts)
        if (!msg::find_extension(hello_.extensions, static_cast<ExtensionType>(e.type)))
            return Error{Alert::unsupported_extension, "server sent an extension the client did not offer"};
    return {};
}

Status ClientEngine::on_server_hello(const msg::RawMessage& m) {
    QTLS_ASSIGN_OR_RETURN(msg::ServerHello sh, msg::ServerHello::decode(m.body));
    const msg::Extension* sv = msg::find_extension(sh.extensions, ExtensionType::supported_versions);
    if (!sv) {
        // A TLS 1.2-or-older answer. RFC 8446 §4.1.3: the downgrade sentinel
        // means an attacker removed TLS 1.3 from the path.
        ByteView tail(sh.random.data() + 24, 8);
        if (std::equal(tail.begin(), tail.end(), msg::kDowngradeTls12.begin()) ||
            std::equal(tail.begin(), tail.end(), msg::kDowngradeTls11.begin()))
            return Error{Alert::illegal_parameter, "downgrade sentinel in ServerHello.random"};
        return Error{Alert::protocol_version, "server does not support TLS 1.3"};
    }
    QTLS_ASSIGN_OR_RETURN(std::uint16_t version, msg::decode_supported_versions_server(sv->body));
    if (version != msg::kVersionTls13) return Error{Alert::illegal_parameter, "server selected a version not offered"};
    if (sh.legacy_version != msg::kLegacyVersionTls12)
        return Error{Alert::illegal_parameter, "ServerHello.legacy_version is not 0x0303"};
    if (sh.legacy_session_id_echo != hello_.legacy_session_id)
        return Error{Alert::illegal_parameter, "ServerHello does not echo the session id"};
    if (sh.legacy_compression_method != 0) return Error{Alert::illegal_parameter, "ServerHello compression method"};
    if (std::find(hello_.cipher_suites.begin(), hello_.cipher_suites.end(), sh.cipher_suite) ==
            hello_.cipher_suites.end() ||
        !suite_info(sh.cipher_suite))
        return Error{Alert::illegal_parameter, "server selected a cipher suite not offered"};

    if (sh.is_hello_retry_request()) return on_hello_retry_request(sh, m);

    if (retried_ && sh.cipher_suite != hrr_suite_)
        return Error{Alert::illegal_parameter, "ServerHello suite differs from the HelloRetryRequest"};
    QTLS_TRY(check_server_extensions_solicited(sh.extensions));
    // §4.2.11: the server accepted one of our PSKs (the ticket, or an external one).
    ByteView psk;
    if (const auto* pre = msg::find_extension(sh.extensions, ExtensionType::pre_shared_key)) {
        QTLS_ASSIGN_OR_RETURN(std::uint16_t selected, msg::decode_pre_shared_key_server(pre->body));
        if (selected >= offered_psk_count()) return Error{Alert::illegal_parameter, "server selected a PSK not offered"};
        const PskOffer chosen = offered_psk(selected);
        if (suite_info(sh.cipher_suite)->hash != chosen.info->hash)
            return Error{Alert::illegal_parameter, "server selected a suite whose hash does not match the PSK"};
        psk = chosen.key;
        psk_accepted_ = true;
        negotiated_.resumed = !chosen.external;
        negotiated_.external_psk = chosen.external;
        if (chosen.external) negotiated_.external_psk_identity = external_psks_[selected - (session_ ? 1 : 0)].identity;
    } else if (!config_->external_psks.empty() && !config_->verifier && !config_->deferred.verify_peer) {
        // Configured for external PSKs only: nothing can check a certificate.
        return Error{Alert::handshake_failure, "the server accepted no external PSK and no certificate verifier is configured"};
    }
    const msg::Extension* ks = msg::find_extension(sh.extensions, ExtensionType::key_share);
    Secret ecdhe;
    QTLS_TRY(select_suite(static_cast<CipherSuite>(sh.cipher_suite)));
    if (ks) {
        QTLS_ASSIGN_OR_RETURN(msg::KeyShareEntry entry, msg::decode_key_share_server(ks->body));
        auto share = std::find_if(shares_.begin(), shares_.end(), [&](const auto& s) {
            return static_cast<std::uint16_t>(s->group()) == entry.group;
        });
        if (share == shares_.end()) return Error{Alert::illegal_parameter, "server key share for a group not offered"};
        QTLS_ASSIGN_OR_RETURN(ecdhe, (*share)->agree(entry.key_exchange));
        negotiated_.group = (*share)->group();
    } else if (!psk_accepted_ || !config_->offer_psk_ke) {
        // Only psk_ke (which we may not have offered) goes without a key share.
        return Error{Alert::missing_extension, "ServerHello without key_share"};
    }
    transcript_.add(m.full);
    shares_.clear();  // the private keys are no longer needed: wipe them now

    auto early = crypto::EarlySecret::derive(hash_ref(), psk);
    handshake_secret_.emplace(early.next(ecdhe.view()));
    observe_secret("handshake_secret", handshake_secret_->secret());
    Digest ch_sh = transcript_.current();
    client_hs_secret_ = handshake_secret_->client_traffic_secret(ch_sh);
    server_hs_secret_ = handshake_secret_->server_traffic_secret(ch_sh);
    emit_secret(Epoch::handshake, Direction::read, server_hs_secret_, "SERVER_HANDSHAKE_TRAFFIC_SECRET");
    emit_secret(Epoch::handshake, Direction::write, client_hs_secret_, "CLIENT_HANDSHAKE_TRAFFIC_SECRET");
    read_epoch_ = Epoch::handshake;
    state_ = WaitEncryptedExtensions{};
    return {};
}

// RFC 8446 §4.1.4.
Status ClientEngine::on_hello_retry_request(const msg::ServerHello& hrr, const msg::RawMessage& m) {
    if (retried_) return Error{Alert::unexpected_message, "second HelloRetryRequest"};
    retried_ = true;
    negotiated_.hello_retry = true;
    hrr_suite_ = hrr.cipher_suite;
    for (const auto& e : hrr.extensions)
        if (e.type != code(ExtensionType::cookie) &&
            !msg::find_extension(hello_.extensions, static_cast<ExtensionType>(e.type)))
            return Error{Alert::unsupported_extension, "HelloRetryRequest with an extension not offered"};

    const msg::Extension* ks = msg::find_extension(hrr.extensions, ExtensionType::key_share);
    const msg::Extension* cookie = msg::find_extension(hrr.extensions, ExtensionType::cookie);
    if (!ks && !cookie) return Error{Alert::illegal_parameter, "HelloRetryRequest would not change the ClientHello"};

    QTLS_TRY(select_suite(static_cast<CipherSuite>(hrr.cipher_suite)));
    if (!transcript_.rewrite_for_hello_retry()) return Error{Alert::internal_error, "transcript rewrite failed"};
    transcript_.add(m.full);

    if (ks) {
        QTLS_ASSIGN_OR_RETURN(std::uint16_t group, msg::decode_key_share_hrr(ks->body));
        const auto& groups = config_->groups;
        if (std::find(groups.begin(), groups.end(), static_cast<NamedGroup>(group)) == groups.end())
            return Error{Alert::illegal_parameter, "HelloRetryRequest selected a group not offered"};
        for (const auto& s : shares_)
            if (static_cast<std::uint16_t>(s->group()) == group)
                return Error{Alert::illegal_parameter, "HelloRetryRequest asked for a key share already sent"};
        shares_.clear();
        QTLS_ASSIGN_OR_RETURN(auto share, make_key_share(static_cast<NamedGroup>(group)));
        ByteView pub = share->public_key();
        replace_or_add(hello_.extensions, ExtensionType::key_share,
                       msg::encode_key_share_client({{group, Bytes(pub.begin(), pub.end())}}));
        shares_.push_back(std::move(share));
    }
    if (cookie) {
        QTLS_ASSIGN_OR_RETURN(Bytes value, msg::decode_cookie(cookie->body));
        replace_or_add(hello_.extensions, ExtensionType::cookie, msg::encode_cookie(value));
    }
    settle_early_data(false, "the server sent a HelloRetryRequest");
    std::erase_if(hello_.extensions, [](const msg::Extension& e) { return e.type == code(ExtensionType::early_data); });
    if (offered_psk_count() > 0) {
        // §4.1.4: do not offer a PSK whose hash the retry's suite cannot use
        // (and, §4.2.11, update the ticket's age).
        if (session_ && suite_info(session_->suite)->hash != suite_->hash) session_.reset();
        std::erase_if(external_psks_, [&](const ExternalPsk& p) { return suite_info(p.suite)->hash != suite_->hash; });
        put_offered_psks();
    }
    QTLS_TRY(send_client_hello());
    state_ = WaitServerHello{};
    return {};
}

Status ClientEngine::on_encrypted_extensions(const msg::RawMessage& m) {
    QTLS_ASSIGN_OR_RETURN(msg::EncryptedExtensions ee, msg::EncryptedExtensions::decode(m.body));
    // supported_groups may be sent unsolicited-looking: the client did send it.
    QTLS_TRY(check_server_extensions_solicited(ee.extensions));
    if (const auto* sni = msg::find_extension(ee.extensions, ExtensionType::server_name))
        QTLS_TRY(msg::decode_server_name_ack(sni->body));
    if (const auto* alpn = msg::find_extension(ee.extensions, ExtensionType::alpn)) {
        QTLS_ASSIGN_OR_RETURN(std::string chosen, msg::decode_alpn_server(alpn->body));
        if (std::find(config_->alpn.begin(), config_->alpn.end(), chosen) == config_->alpn.end())
            return Error{Alert::illegal_parameter, "server selected an ALPN protocol not offered"};
        negotiated_.alpn = std::move(chosen);
    } else if (is_quic()) {
        return Error{Alert::no_application_protocol, "QUIC server did not select an ALPN protocol (RFC 9001 §8.1)"};
    }
    if (const auto* rsl = msg::find_extension(ee.extensions, ExtensionType::record_size_limit)) {
        QTLS_ASSIGN_OR_RETURN(negotiated_.peer_record_size_limit, msg::decode_record_size_limit(rsl->body));
    }
    // RFC 7250 §4.2: the credential our Certificate carries if one is requested.
    QTLS_ASSIGN_OR_RETURN(negotiated_.client_certificate_type,
                          client_certificate_type_selected(ee.extensions, config_->client_certificate.get()));
    if (!psk_accepted_) {  // RFC 7250 §4.2: which credential the Certificate will carry
        QTLS_ASSIGN_OR_RETURN(negotiated_.server_certificate_type,
                              server_certificate_type_selected(ee.extensions, config_->server_certificate_types));
    }
    if (const auto* ed = msg::find_extension(ee.extensions, ExtensionType::early_data)) {
        QTLS_TRY(msg::decode_early_data(ed->body));
        // §4.2.10: acceptance is only valid for the first offered PSK.
        if (!negotiated_.resumed || !early_data_pending_)
            return Error{Alert::illegal_parameter, "server accepted early data that was not offered"};
        settle_early_data(true, {});
    } else {
        settle_early_data(false, "the server declined early data");
    }
    if (is_quic()) {
        const auto* tp = msg::find_extension(ee.extensions, ExtensionType::quic_transport_parameters);
        if (!tp) return Error{Alert::missing_extension, "server sent no quic_transport_parameters (RFC 9001 §8.2)"};
        peer_transport_parameters_ = tp->body;  // remembered with tickets (RFC 9000 §7.4.1)
        emit(PeerTransportParameters{tp->body});
    }
    transcript_.add(m.full);
    // A PSK handshake authenticates through the PSK: no certificates (§2.2).
    if (psk_accepted_)
        state_ = WaitFinished{};
    else
        state_ = WaitCertificateOrRequest{};
    return {};
}

Status ClientEngine::on_certificate_request(const msg::RawMessage& m) {
    QTLS_ASSIGN_OR_RETURN(msg::CertificateRequest cr, msg::CertificateRequest::decode(m.body));
    // RFC 8446 §4.3.2: the context is empty during the main handshake.
    if (!cr.context.empty()) return Error{Alert::illegal_parameter, "CertificateRequest context must be empty"};
    if (const auto* ca = msg::find_extension(cr.extensions, ExtensionType::certificate_authorities)) {
        QTLS_ASSIGN_OR_RETURN(negotiated_.peer_certificate_authorities, msg::decode_certificate_authorities(ca->body));
    }
    transcript_.add(m.full);
    cert_request_ = std::move(cr);
    state_ = WaitCertificate{};
    return {};
}

Status ClientEngine::on_certificate(const msg::RawMessage& m) {
    QTLS_ASSIGN_OR_RETURN(msg::Certificate cert, msg::Certificate::decode(m.body));
    if (!cert.context.empty()) return Error{Alert::illegal_parameter, "server Certificate has a request context"};
    if (negotiated_.server_certificate_type == CertificateType::raw_public_key)
        return on_raw_public_key_certificate(cert, m);
    // RFC 8446 §4.4.2.4.
    if (cert.entries.empty()) return Error{Alert::decode_error, "server sent an empty Certificate"};
    if (cert.entries.size() > kMaxCertificateChainLength)
        return Error{Alert::bad_certificate, "server certificate chain longer than kMaxCertificateChainLength"};
    // §4.4.2: staples only in answer to our ClientHello's requests.
    const StapleRequests asked{msg::find_extension(hello_.extensions, ExtensionType::status_request) != nullptr,
                               msg::find_extension(hello_.extensions, ExtensionType::signed_certificate_timestamp) !=
                                   nullptr};
    QTLS_ASSIGN_OR_RETURN(PeerChain peer, take_peer_chain(cert, asked));
    VerificationRequest request{peer.chain, options_.server_name, peer.stapled};
    // The rest may wait for a deferred verification (qtls/async.h).
    return verify_then(config_->deferred.verify_peer, config_->verifier.get(), std::move(request),
                       [this, peer = std::move(peer), full = Bytes(m.full.begin(), m.full.end())]() mutable -> Status {
                           QTLS_ASSIGN_OR_RETURN(Bytes spki, certificate_public_key(peer.chain.front()));
                           negotiated_.peer_certificates = std::move(peer.chain);
                           negotiated_.peer_stapled = std::move(peer.stapled);
                           transcript_.add(full);
                           state_ = WaitCertificateVerify{std::move(spki)};
                           return {};
                       });
}

Status ClientEngine::on_certificate_verify(const msg::RawMessage& m) {
    QTLS_ASSIGN_OR_RETURN(msg::CertificateVerify cv, msg::CertificateVerify::decode(m.body));
    auto scheme = static_cast<SignatureScheme>(cv.scheme);
    const auto& offered = config_->signature_schemes;
    if (!allowed_for_certificate_verify(scheme) || std::find(offered.begin(), offered.end(), scheme) == offered.end())
        return Error{Alert::illegal_parameter, "CertificateVerify uses a signature scheme not offered"};
    Bytes input = certificate_verify_input(Side::server, transcript_.current());
    const auto& wait = std::get<WaitCertificateVerify>(state_);
    QTLS_TRY(provider_->verify_signature(scheme, wait.leaf_public_key, input, cv.signature));
    negotiated_.peer_signature_scheme = scheme;
    transcript_.add(m.full);
    state_ = WaitFinished{};
    return {};
}

Status ClientEngine::on_finished(const msg::RawMessage& m) {
    QTLS_TRY(check_finished(m, server_hs_secret_));
    transcript_.add(m.full);
    crypto::MasterSecret master = handshake_secret_->next();
    derive_application_secrets(master);
    emit_secret(Epoch::application, Direction::read, server_app_secret_, "SERVER_TRAFFIC_SECRET_0");
    // §4.5: over TCP, accepted early data ends with EndOfEarlyData under the
    // early keys (QUIC signals the end of 0-RTT itself, RFC 9001 §8.3).
    if (early_data_pending_ && !is_quic()) send_message(Epoch::early_data, msg::EndOfEarlyData{}.encode());
    early_data_pending_ = false;
    // What follows our CertificateVerify, which may wait for a deferred
    // signature (qtls/async.h).
    auto finish = [this]() -> Status {
        send_message(Epoch::handshake, finished_message(client_hs_secret_));
        derive_resumption_secret();
        emit_secret(Epoch::application, Direction::write, client_app_secret_, "CLIENT_TRAFFIC_SECRET_0");
        handshake_secret_.reset();
        client_hs_secret_.wipe();
        server_hs_secret_.wipe();
        state_ = Connected{};
        mark_complete();
        return {};
    };
    if (cert_request_) return send_client_certificate(std::move(finish));
    return finish();
}

// RFC 8446 §4.4.2: answer a CertificateRequest with our chain, or with an
// empty Certificate when we have none the server can accept.
Status ClientEngine::send_client_certificate(std::function<Status()> then) {
    msg::Certificate cert;
    cert.context = cert_request_->context;
    std::optional<SignatureScheme> scheme;
    const auto& key = config_->client_certificate;
    QTLS_ASSIGN_OR_RETURN(scheme, client_certificate_scheme(*cert_request_, negotiated_.client_certificate_type));
    if (scheme) fill_certificate_entries(*key, negotiated_.client_certificate_type, cert);
    QTLS_ASSIGN_OR_RETURN(Bytes certificate, certificate_message_to_send(cert, config_->certificate_compression,
                                                                         cert_request_->extensions,
                                                                         negotiated_.own_certificate_compression));
    send_message(Epoch::handshake, certificate);
    if (!scheme) return then();
    Bytes input = certificate_verify_input(Side::client, transcript_.current());
    SignRequest request{*scheme, std::move(input), key};
    return sign_then(config_->deferred.sign, std::move(request),
                     [this, scheme = *scheme, then = std::move(then)](Bytes signature) -> Status {
                         msg::CertificateVerify cv;
                         cv.scheme = static_cast<std::uint16_t>(scheme);
                         cv.signature = std::move(signature);
                         send_message(Epoch::handshake, cv.encode());
                         negotiated_.own_signature_scheme = scheme;
                         negotiated_.client_authenticated = true;
                         return then();
                     });
}

// RFC 8446 §4.6.1: remember the ticket with the PSK it stands for.
Status ClientEngine::store_ticket(const msg::NewSessionTicket& nst) {
    if (!config_->session_store || options_.server_name.empty() || nst.lifetime == 0) return {};
    StoredSession s;
    s.suite = suite_->suite;
    s.ticket = nst.ticket;
    s.psk = crypto::resumption_psk(hash_ref(), resumption_master_, nst.nonce);
    s.age_add = nst.age_add;
    s.lifetime_s = nst.lifetime;
    s.received_at_ms = now_ms();
    if (const auto* ed = msg::find_extension(nst.extensions, ExtensionType::early_data)) {
        QTLS_ASSIGN_OR_RETURN(s.max_early_data, msg::decode_early_data_ticket(ed->body));
        // RFC 9001 §4.6.1: QUIC tickets allow 0-RTT with exactly 0xffffffff.
        if (is_quic() && s.max_early_data != 0xffffffff)
            return Error{Alert::illegal_parameter, "QUIC ticket with max_early_data_size other than 0xffffffff"};
    }
    s.alpn = negotiated_.alpn;
    s.quic_transport_parameters = peer_transport_parameters_;
    config_->session_store->put(options_.server_name, std::move(s));
    return {};
}

Status ClientEngine::on_post_handshake_message(const msg::RawMessage& m) {
    if (m.type == HandshakeType::new_session_ticket) {
        QTLS_ASSIGN_OR_RETURN(msg::NewSessionTicket nst, msg::NewSessionTicket::decode(m.body));
        return store_ticket(nst);
    }
    if (m.type == HandshakeType::certificate_request) return on_post_handshake_certificate_request(m);
    return EngineBase::on_post_handshake_message(m);
}

}  // namespace qtls::handshake
