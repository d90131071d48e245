#include "handshake/server.h"

#include <algorithm>

#include "handshake/certificate_compression.h"
#include "handshake/peer_chain.h"
#include "handshake/psk.h"
#include "handshake/signatures.h"
#include "qtls/certs.h"

namespace qtls::handshake {

using msg::ExtensionType;
using msg::HandshakeType;

namespace {
std::uint16_t code(ExtensionType t) { return static_cast<std::uint16_t>(t); }
void put(msg::Extensions& exts, ExtensionType type, Bytes body) { exts.push_back({code(type), std::move(body)}); }

template <class T>
bool contains(const std::vector<T>& v, const T& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

constexpr std::size_t kCookieLength = 32;

// Servers that configure no register share this one, so a replay to another
// connection of the same process is still caught.
std::shared_ptr<AntiReplay> process_strike_register() {
    static const std::shared_ptr<AntiReplay> shared = strike_register();
    return shared;
}
}  // namespace

ServerEngine::ServerEngine(std::shared_ptr<const ServerConfig> config, ServerOptions options)
    : EngineBase(Side::server, config->provider ? config->provider : default_provider(), options.transport,
                 config->keylog),
      config_(std::move(config)),
      options_(std::move(options)),
      anti_replay_(config_->anti_replay ? config_->anti_replay : process_strike_register()) {
    set_logger(config_->logger);
    set_max_handshake_message_size(config_->max_handshake_message_size);
}

Status ServerEngine::on_handshake_message(const msg::RawMessage& m) {
    const bool hello_state =
        std::holds_alternative<WaitClientHello>(state_) || std::holds_alternative<WaitSecondClientHello>(state_);
    if (hello_state && m.type == HandshakeType::client_hello) return on_client_hello(m);
    if (std::holds_alternative<WaitEndOfEarlyData>(state_) && m.type == HandshakeType::end_of_early_data)
        return on_end_of_early_data(m);
    if (std::holds_alternative<WaitCertificate>(state_) && m.type == HandshakeType::certificate)
        return on_client_certificate(m);
    if (std::holds_alternative<WaitCertificate>(state_) && m.type == HandshakeType::compressed_certificate) {
        // RFC 8879 §4: stands in for the Certificate (the transcript keeps it as sent).
        return receive_compressed_certificate(m, config_->certificate_compression,
                                              config_->max_handshake_message_size,
                                              negotiated_.peer_certificate_compression,
                                              [this](const msg::RawMessage& c) { return on_client_certificate(c); });
    }
    if (std::holds_alternative<WaitCertificateVerify>(state_) && m.type == HandshakeType::certificate_verify)
        return on_client_certificate_verify(m);
    if (std::holds_alternative<WaitFinished>(state_) && m.type == HandshakeType::finished)
        return on_client_finished(m);
    return Error{Alert::unexpected_message, "unexpected handshake message for the server's state"};
}

// Everything the server must decide from the ClientHello (RFC 8446 §4.1.1).
Result<ServerEngine::Selection> ServerEngine::select(const msg::ClientHello& ch, ByteView raw_hello) {
    Selection sel;
    const msg::Extension* sv = msg::find_extension(ch.extensions, ExtensionType::supported_versions);
    if (!sv) return Error{Alert::protocol_version, "client does not offer TLS 1.3 (no supported_versions)"};
    QTLS_ASSIGN_OR_RETURN(auto versions, msg::decode_supported_versions_client(sv->body));
    if (!contains(versions, msg::kVersionTls13)) return Error{Alert::protocol_version, "client does not offer TLS 1.3"};
    if (ch.legacy_compression_methods != Bytes{0})
        return Error{Alert::illegal_parameter, "ClientHello compression methods must be exactly null"};

    // Cipher suite: the server's preference (§4.1.1).
    bool found_suite = false;
    for (CipherSuite s : config_->cipher_suites)
        if (contains(ch.cipher_suites, static_cast<std::uint16_t>(s))) {
            sel.suite = s;
            found_suite = true;
            break;
        }
    if (!found_suite) return Error{Alert::handshake_failure, "no cipher suite in common"};
    sel.client_suites = ch.cipher_suites;

    if (const auto* sni = msg::find_extension(ch.extensions, ExtensionType::server_name)) {
        QTLS_ASSIGN_OR_RETURN(sel.server_name, msg::decode_server_name(sni->body));
        sel.sni_received = true;
    }
    QTLS_TRY(select_psk(ch, raw_hello, sel));

    // Key exchange (§4.2.7, §4.2.8; §9.2: supported_groups and key_share come together).
    const msg::Extension* groups_ext = msg::find_extension(ch.extensions, ExtensionType::supported_groups);
    const msg::Extension* ks_ext = msg::find_extension(ch.extensions, ExtensionType::key_share);
    if (sel.resumed && !sel.psk_with_dhe) {
        sel.client_share = msg::KeyShareEntry{};  // psk_ke: no (EC)DHE, and never a retry
    } else if (!groups_ext || !ks_ext) {
        return Error{Alert::missing_extension, "ClientHello lacks supported_groups or key_share"};
    } else {
    QTLS_ASSIGN_OR_RETURN(auto client_groups, msg::decode_supported_groups(groups_ext->body));
    QTLS_ASSIGN_OR_RETURN(auto shares, msg::decode_key_share_client(ks_ext->body));
    for (const auto& s : shares)
        if (!contains(client_groups, s.group))
            return Error{Alert::illegal_parameter, "key share for a group not in supported_groups"};
    std::optional<NamedGroup> first_common;
    for (NamedGroup g : config_->groups) {
        auto gc = static_cast<std::uint16_t>(g);
        if (!contains(client_groups, gc)) continue;
        if (!first_common) first_common = g;
        auto share = std::find_if(shares.begin(), shares.end(), [&](const auto& s) { return s.group == gc; });
        if (share != shares.end() && !sel.client_share) {
            sel.group = g;
            sel.client_share = *share;
        }
    }
    if (!first_common) return Error{Alert::handshake_failure, "no key exchange group in common"};
    if (!sel.client_share) sel.group = *first_common;
    }

    const msg::Extension* sa = msg::find_extension(ch.extensions, ExtensionType::signature_algorithms);
    if (!sa) return Error{Alert::missing_extension, "ClientHello lacks signature_algorithms"};
    QTLS_ASSIGN_OR_RETURN(auto client_schemes, msg::decode_signature_algorithms(sa->body));


    // ALPN (RFC 7301 §3.2); QUIC requires it (RFC 9001 §8.1).
    std::vector<std::string> client_alpn;
    if (const auto* alpn = msg::find_extension(ch.extensions, ExtensionType::alpn)) {
        QTLS_ASSIGN_OR_RETURN(client_alpn, msg::decode_alpn(alpn->body));
        if (!config_->alpn.empty()) {
            const auto& first = config_->alpn_client_preference ? client_alpn : config_->alpn;
            const auto& second = config_->alpn_client_preference ? config_->alpn : client_alpn;
            for (const auto& p : first)
                if (contains(second, p)) {
                    sel.alpn = p;
                    break;
                }
            if (sel.alpn.empty()) return Error{Alert::no_application_protocol, "no ALPN protocol in common"};
        }
    }
    if (is_quic() && sel.alpn.empty())
        return Error{Alert::no_application_protocol, "QUIC requires an ALPN protocol in common (RFC 9001 §8.1)"};

    if (const auto* rsl = msg::find_extension(ch.extensions, ExtensionType::record_size_limit)) {
        QTLS_ASSIGN_OR_RETURN(sel.peer_record_size_limit, msg::decode_record_size_limit(rsl->body));
    }
    const auto* compress_offer = msg::find_extension(ch.extensions, ExtensionType::compress_certificate);
    QTLS_ASSIGN_OR_RETURN(sel.certificate_compression,
                          choose_certificate_compression(config_->certificate_compression, compress_offer));
    // RFC 8446 §4.2.6; ignored over QUIC, which forbids it (RFC 9001 §4.4).
    if (const auto* pha = msg::find_extension(ch.extensions, ExtensionType::post_handshake_auth)) {
        QTLS_TRY(msg::decode_post_handshake_auth(pha->body));
        sel.post_handshake_auth = !is_quic();
    }
    if (is_quic()) {
        const auto* tp = msg::find_extension(ch.extensions, ExtensionType::quic_transport_parameters);
        if (!tp) return Error{Alert::missing_extension, "client sent no quic_transport_parameters (RFC 9001 §8.2)"};
        sel.transport_parameters = tp->body;
        // RFC 9001 §8.4: QUIC has no middlebox compatibility mode, so a
        // non-empty legacy_session_id is a protocol violation; reported as
        // illegal_parameter, the TLS alert for a forbidden field value.
        if (!ch.legacy_session_id.empty())
            return Error{Alert::illegal_parameter, "QUIC ClientHello with a legacy_session_id (RFC 9001 §8.4)"};
    }

    sel.early_data_offered = msg::find_extension(ch.extensions, ExtensionType::early_data) != nullptr;
    if (sel.resumed) return sel;  // the PSK authenticates the server: no certificate (§2.2)
    if (!config_->cert_resolver && !config_->deferred.select_certificate) {
        // A PSK-only server (RFC 8446 §6.2: unknown_psk_identity when PSK
        // key establishment is desired but no acceptable identity came).
        if (sel.psk_offered) return Error{Alert::unknown_psk_identity, "no offered PSK identity is known to this server"};
        return Error{Alert::handshake_failure, "the client offered no PSK and this server has no certificate"};
    }
    // Stapling requests (RFC 8446 §4.4.2.1): an ocsp status_request, an
    // (empty) signed_certificate_timestamp request.
    if (const auto* sr = msg::find_extension(ch.extensions, ExtensionType::status_request)) {
        QTLS_TRY(msg::decode_status_request(sr->body));
        sel.staple_ocsp = msg::is_ocsp_status_request(sr->body);
    }
    if (const auto* sct = msg::find_extension(ch.extensions, ExtensionType::signed_certificate_timestamp)) {
        QTLS_TRY(msg::decode_sct_request(sct->body));
        sel.staple_sct = true;
    }
    if (const auto* ca = msg::find_extension(ch.extensions, ExtensionType::certificate_authorities)) {
        QTLS_ASSIGN_OR_RETURN(sel.certificate_authorities, msg::decode_certificate_authorities(ca->body));
    }
    // RFC 7250 §4.2: the client's credential type, when we will ask for one.
    if (config_->client_auth != ClientAuth::none) {
        QTLS_ASSIGN_OR_RETURN(sel.client_certificate_type,
                              choose_client_certificate_type(ch.extensions, config_->client_certificate_types));
    }
    ClientHelloInfo info{sel.server_name, {}, client_alpn, sel.certificate_authorities};
    std::vector<SignatureScheme> typed_schemes;
    for (auto s : client_schemes) typed_schemes.push_back(static_cast<SignatureScheme>(s));
    info.signature_schemes = typed_schemes;
    if (config_->deferred.select_certificate) {
        // Asked for in send_server_flight, once no HelloRetryRequest can follow (qtls/async.h).
        sel.deferred_selection =
            CertificateSelectionRequest{sel.server_name, typed_schemes, client_alpn, sel.certificate_authorities};
        return sel;
    }
    QTLS_TRY(adopt_certificate(ch, sel, config_->cert_resolver->resolve(info), typed_schemes));
    return sel;
}

// The chosen certificate (resolver or application) and the scheme it signs
// with for this client.
Status ServerEngine::adopt_certificate(const msg::ClientHello& ch, Selection& sel,
                                       std::shared_ptr<const CertifiedKey> certificate,
                                       std::span<const SignatureScheme> client_typed_schemes) const {
    std::vector<std::uint16_t> client_schemes;
    for (auto s : client_typed_schemes) client_schemes.push_back(static_cast<std::uint16_t>(s));
    sel.certificate = std::move(certificate);
    if (!sel.certificate || !sel.certificate->key ||
        (sel.certificate->chain.empty() && sel.certificate->raw_public_key.empty()))
        return Error{Alert::handshake_failure, "no certificate for this client (server name / signature schemes)"};
    // RFC 7250: an X.509 chain or a raw public key; staples belong to X.509.
    QTLS_ASSIGN_OR_RETURN(sel.certificate_type, choose_server_certificate_type(ch.extensions, *sel.certificate));
    if (sel.certificate_type.type == CertificateType::raw_public_key) sel.staple_ocsp = sel.staple_sct = false;
    auto scheme = choose_signature_scheme(client_schemes, config_->signature_schemes, sel.certificate->key->schemes());
    if (!scheme) return Error{Alert::handshake_failure, "no signature scheme in common with the certificate"};
    sel.scheme = *scheme;
    return {};
}

// RFC 8446 §4.2.11: accept the first offered PSK we know - a ticket we can
// open, whose suite hash matches and which is still fresh, or an external
// PSK from config.external_psks; its binder must verify.
Status ServerEngine::select_psk(const msg::ClientHello& ch, ByteView raw_hello, Selection& sel) {
    const auto* pre = msg::find_extension(ch.extensions, ExtensionType::pre_shared_key);
    if (!pre || (!config_->ticketer && !config_->external_psks)) return {};
    const auto* modes_ext = msg::find_extension(ch.extensions, ExtensionType::psk_key_exchange_modes);
    if (!modes_ext) return Error{Alert::missing_extension, "pre_shared_key without psk_key_exchange_modes"};
    QTLS_ASSIGN_OR_RETURN(auto modes, msg::decode_psk_key_exchange_modes(modes_ext->body));
    const bool has_shares = msg::find_extension(ch.extensions, ExtensionType::key_share) &&
                            msg::find_extension(ch.extensions, ExtensionType::supported_groups);
    const bool dhe = contains(modes, kPskDheKe) && has_shares;
    const bool ke = contains(modes, kPskKe) && config_->accept_psk_ke;
    if (!dhe && !ke) return {};
    QTLS_ASSIGN_OR_RETURN(msg::OfferedPsks offered, msg::decode_pre_shared_key_client(pre->body));
    sel.psk_offered = true;
    const SuiteInfo* suite = suite_info(sel.suite);
    const std::uint64_t now = now_ms();
    for (std::size_t i = 0; i < offered.identities.size(); ++i) {
        std::optional<ResumptionState> state;
        if (config_->ticketer) state = config_->ticketer->open(offered.identities[i].identity);
        if (!state && config_->external_psks) {
            QTLS_TRY(select_external_psk(offered, i, raw_hello, sel));
            sel.psk_with_dhe = dhe;
            if (sel.resumed) return {};
            continue;
        }
        if (!state || suite_info(state->suite)->hash != suite->hash) continue;
        if (now < state->issued_at_ms || now - state->issued_at_ms >= std::uint64_t{state->lifetime_s} * 1000) continue;
        if (state->server_name != sel.server_name) continue;  // §4.6.1: resume only the same server name
        const std::size_t binders_len = msg::binders_encoded_length(offered);
        if (binders_len > raw_hello.size()) return Error{Alert::decode_error, "PSK binders exceed the ClientHello"};
        Digest hash = binder_hash(transcript_, *provider_, suite->hash, raw_hello.first(raw_hello.size() - binders_len));
        Digest expected = psk_binder({provider_.get(), suite->hash}, state->psk.view(), hash);
        if (!constant_time_equal(expected.view(), offered.binders[i]))
            return Error{Alert::decrypt_error, "PSK binder does not verify"};
        sel.resumed = true;
        sel.psk = state->psk;
        sel.client_ticket_age_ms = offered.identities[i].obfuscated_ticket_age - state->age_add;
        sel.binder = offered.binders[i];
        sel.ticket = std::move(state);
        sel.psk_identity = static_cast<std::uint16_t>(i);
        sel.psk_with_dhe = dhe;
        return {};
    }
    return {};
}

// An external PSK (qtls/external_psk.h) for identity i, if we know it. Its
// hash decides the suite: when the server's preferred suite has another
// hash, the most preferred common suite with the PSK's hash is used
// (RFC 8446 §4.2.11: the server selects a compatible PSK and suite).
Status ServerEngine::select_external_psk(const msg::OfferedPsks& offered, std::size_t i, ByteView raw_hello,
                                         Selection& sel) {
    const Bytes& identity = offered.identities[i].identity;
    if (identity.size() > kMaxExternalPskIdentityLength) return {};
    std::optional<ExternalPsk> psk = config_->external_psks->find(identity);
    if (!psk || !suite_info(psk->suite)) return {};
    const HashAlg hash = suite_info(psk->suite)->hash;
    // After a HelloRetryRequest the suite, and so the transcript hash, is fixed (§4.1.4).
    if (suite_ && suite_->hash != hash) return {};
    std::optional<CipherSuite> suite;
    for (CipherSuite s : config_->cipher_suites)
        if (contains(sel.client_suites, static_cast<std::uint16_t>(s)) && suite_info(s)->hash == hash) {
            suite = s;
            break;
        }
    if (!suite) return {};
    const std::size_t binders_len = msg::binders_encoded_length(offered);
    if (binders_len > raw_hello.size()) return Error{Alert::decode_error, "PSK binders exceed the ClientHello"};
    Digest transcript_hash = binder_hash(transcript_, *provider_, hash, raw_hello.first(raw_hello.size() - binders_len));
    Digest expected = psk_binder({provider_.get(), hash}, psk->key.view(), transcript_hash, true);
    if (!constant_time_equal(expected.view(), offered.binders[i]))
        return Error{Alert::decrypt_error, "external PSK binder does not verify (wrong key?)"};
    sel.suite = *suite;
    sel.resumed = true;
    sel.external_psk = true;
    sel.external_psk_identity = identity;
    sel.psk = std::move(psk->key);
    sel.binder = offered.binders[i];
    sel.psk_identity = static_cast<std::uint16_t>(i);
    return {};
}

Status ServerEngine::on_client_hello(const msg::RawMessage& m) {
    QTLS_ASSIGN_OR_RETURN(msg::ClientHello ch, msg::ClientHello::decode(m.body));
    QTLS_ASSIGN_OR_RETURN(Selection sel, select(ch, m.full));

    if (auto* retry = std::get_if<WaitSecondClientHello>(&state_)) {
        // RFC 8446 §4.1.2: the second ClientHello answers the retry exactly.
        if (sel.suite != retry->suite) return Error{Alert::illegal_parameter, "second ClientHello changed the suite"};
        const auto* ks = msg::find_extension(ch.extensions, ExtensionType::key_share);
        QTLS_ASSIGN_OR_RETURN(auto shares, msg::decode_key_share_client(ks->body));
        if (shares.size() != 1 || shares[0].group != static_cast<std::uint16_t>(retry->group))
            return Error{Alert::illegal_parameter, "second ClientHello lacks the requested key share"};
        sel.group = retry->group;
        sel.client_share = shares[0];
        const auto* cookie = msg::find_extension(ch.extensions, ExtensionType::cookie);
        if (!retry->cookie.empty()) {
            if (!cookie) return Error{Alert::missing_extension, "second ClientHello lacks the cookie"};
            QTLS_ASSIGN_OR_RETURN(Bytes echoed, msg::decode_cookie(cookie->body));
            if (!constant_time_equal(echoed, retry->cookie))
                return Error{Alert::illegal_parameter, "second ClientHello cookie does not match"};
        } else if (cookie) {
            return Error{Alert::illegal_parameter, "second ClientHello carries a cookie never sent"};
        }
        if (msg::find_extension(ch.extensions, ExtensionType::early_data))
            return Error{Alert::illegal_parameter, "early_data in the second ClientHello (RFC 8446 §4.2.10)"};
        transcript_.add(m.full);
        return send_server_flight(ch, sel);
    }

    client_random_ = ch.random;
    if (!sel.client_share) return send_hello_retry_request(ch, sel, m);
    if (config_->force_hello_retry) {
        // Retry towards a common group the client sent no share for, if any.
        const msg::Extension* groups_ext = msg::find_extension(ch.extensions, ExtensionType::supported_groups);
        auto client_groups = msg::decode_supported_groups(groups_ext->body);
        for (NamedGroup g : config_->groups) {
            if (g == sel.group || !contains(*client_groups, static_cast<std::uint16_t>(g))) continue;
            const auto* ks = msg::find_extension(ch.extensions, ExtensionType::key_share);
            auto shares = msg::decode_key_share_client(ks->body);
            bool has_share = std::any_of(shares->begin(), shares->end(),
                                         [&](const auto& s) { return s.group == static_cast<std::uint16_t>(g); });
            if (has_share) continue;
            sel.group = g;
            sel.client_share.reset();
            return send_hello_retry_request(ch, sel, m);
        }
    }
    QTLS_TRY(select_suite(sel.suite));
    transcript_.add(m.full);
    decide_early_data(ch, sel);
    // §7.5: the early exporter exists once a ClientHello offering 0-RTT
    // with a PSK we accepted arrived, whether or not 0-RTT is accepted.
    if (sel.early_data_offered && sel.resumed && !sel.external_psk)
        set_early_exporter(hash_ref(), crypto::EarlySecret::derive(hash_ref(), sel.psk.view())
                                           .early_exporter_master_secret(transcript_.current()));
    return send_server_flight(ch, sel);
}

// RFC 8446 §4.2.10, §8: accept 0-RTT only for the first PSK of a fresh,
// never-seen ClientHello whose ticket, suite and ALPN all match.
void ServerEngine::decide_early_data(const msg::ClientHello& ch, Selection& sel) {
    (void)ch;
    if (!sel.early_data_offered) return;
    negotiated_.early_data_offered = true;
    auto reject = [&](std::string_view why) { sel.early_data_reason = why; };
    const std::uint64_t now = now_ms();
    if (config_->max_early_data == 0) return reject("0-RTT is disabled on this server");
    if (!sel.resumed || sel.psk_identity != 0) return reject("0-RTT needs the first offered PSK");
    if (sel.external_psk) return reject("0-RTT is not accepted with external PSKs");
    if (sel.ticket->max_early_data == 0) return reject("the ticket does not allow 0-RTT");
    if (sel.ticket->suite != sel.suite) return reject("the cipher suite differs from the ticket's");
    if (sel.ticket->alpn != sel.alpn) return reject("the ALPN protocol differs from the ticket's");
    // RFC 9001 §4.6.2, RFC 9000 §7.4.1: the transport parameters (and
    // application settings) the ticket promised must still hold.
    if (sel.ticket->early_data_context != options_.early_data_context)
        return reject("the 0-RTT transport parameters or application settings changed since the ticket");
    const std::uint64_t server_age = now - sel.ticket->issued_at_ms;
    const std::uint64_t client_age = sel.client_ticket_age_ms;
    const std::uint64_t skew = server_age > client_age ? server_age - client_age : client_age - server_age;
    if (skew > config_->early_data_window_ms) return reject("the ticket age is outside the freshness window");
    if (!anti_replay_->first_use(sel.binder, now)) return reject("replayed ClientHello (anti-replay)");
    sel.early_data_accepted = true;
}

// RFC 8446 §4.1.4: ask for a key share of the selected group (and echo a cookie).
Status ServerEngine::send_hello_retry_request(const msg::ClientHello& ch, const Selection& sel,
                                              const msg::RawMessage& m) {
    QTLS_TRY(select_suite(sel.suite));
    transcript_.add(m.full);
    if (!transcript_.rewrite_for_hello_retry()) return Error{Alert::internal_error, "transcript rewrite failed"};
    msg::ServerHello hrr;
    hrr.random = msg::kHelloRetryRequestRandom;
    hrr.legacy_session_id_echo = ch.legacy_session_id;
    hrr.cipher_suite = static_cast<std::uint16_t>(sel.suite);
    put(hrr.extensions, ExtensionType::key_share, msg::encode_key_share_hrr(static_cast<std::uint16_t>(sel.group)));
    if (config_->hello_retry_cookie) {
        Bytes cookie(kCookieLength);
        fill_random(cookie);
        put(hrr.extensions, ExtensionType::cookie, msg::encode_cookie(cookie));
    }
    put(hrr.extensions, ExtensionType::supported_versions, msg::encode_supported_versions_server(msg::kVersionTls13));
    if (hooks_ && hooks_->server_hello) hooks_->server_hello(hrr);
    WaitSecondClientHello next{sel.suite, sel.group, {}};
    if (const auto* c = msg::find_extension(hrr.extensions, ExtensionType::cookie)) {
        QTLS_ASSIGN_OR_RETURN(next.cookie, msg::decode_cookie(c->body));
    }
    send_message(Epoch::initial, hrr.encode());
    negotiated_.hello_retry = true;
    // §4.2.10: a retry always rejects 0-RTT; the record layer then skips the
    // client's early records until the second ClientHello.
    if (msg::find_extension(ch.extensions, ExtensionType::early_data)) {
        negotiated_.early_data_offered = true;
        emit(EarlyDataStatus{false, "the server sent a HelloRetryRequest"});
    }
    state_ = std::move(next);
    return {};
}

Status ServerEngine::send_server_flight(const msg::ClientHello& ch, const Selection& sel) {
    if (sel.deferred_selection) return defer_certificate_selection(ch, sel);
    negotiated_.group = sel.group;
    negotiated_.alpn = sel.alpn;
    negotiated_.server_name = sel.server_name;
    negotiated_.peer_record_size_limit = sel.peer_record_size_limit;
    negotiated_.post_handshake_auth = sel.post_handshake_auth;
    negotiated_.peer_certificate_authorities = sel.certificate_authorities;
    if (!sel.resumed) negotiated_.own_signature_scheme = sel.scheme;
    if (is_quic()) emit(PeerTransportParameters{sel.transport_parameters});

    negotiated_.resumed = sel.resumed && !sel.external_psk;
    negotiated_.external_psk = sel.external_psk;
    negotiated_.external_psk_identity = sel.external_psk_identity;
    if (sel.early_data_offered) {
        negotiated_.early_data_accepted = sel.early_data_accepted;
        emit(EarlyDataStatus{sel.early_data_accepted, sel.early_data_reason});
    }
    if (sel.early_data_accepted) {
        // client_early_traffic_secret over the ClientHello (§7.1), before the
        // ServerHello: the client's 0-RTT data may already be in flight.
        auto early = crypto::EarlySecret::derive(hash_ref(), sel.psk.view());
        Secret secret = early.client_early_traffic_secret(transcript_.current());
        if (keylog_) keylog_->log("CLIENT_EARLY_TRAFFIC_SECRET", client_random_, secret.view());
        emit(TrafficSecret{Epoch::early_data, Direction::read, suite_->suite, std::move(secret)});
    }
    const bool with_dhe = !sel.resumed || sel.psk_with_dhe;
    msg::ServerHello sh;
    fill_random(sh.random);
    sh.legacy_session_id_echo = ch.legacy_session_id;
    sh.cipher_suite = static_cast<std::uint16_t>(sel.suite);
    Secret ecdhe;
    if (with_dhe) {
        QTLS_ASSIGN_OR_RETURN(auto share, provider_->generate_key_share(sel.group));
        QTLS_ASSIGN_OR_RETURN(ecdhe, share->agree(sel.client_share->key_exchange));
        ByteView pub = share->public_key();
        put(sh.extensions, ExtensionType::key_share,
            msg::encode_key_share_server({static_cast<std::uint16_t>(sel.group), Bytes(pub.begin(), pub.end())}));
    } else {
        negotiated_.group.reset();
    }
    put(sh.extensions, ExtensionType::supported_versions, msg::encode_supported_versions_server(msg::kVersionTls13));
    if (sel.resumed)
        put(sh.extensions, ExtensionType::pre_shared_key, msg::encode_pre_shared_key_server(sel.psk_identity));
    if (hooks_ && hooks_->server_hello) hooks_->server_hello(sh);
    send_message(Epoch::initial, sh.encode());

    auto early = crypto::EarlySecret::derive(hash_ref(), sel.resumed ? sel.psk.view() : ByteView{});
    crypto::HandshakeSecret hs = early.next(ecdhe.view());
    observe_secret("handshake_secret", hs.secret());
    Digest ch_sh = transcript_.current();
    Secret server_hs = hs.server_traffic_secret(ch_sh);
    client_hs_secret_ = hs.client_traffic_secret(ch_sh);
    emit_secret(Epoch::handshake, Direction::write, server_hs, "SERVER_HANDSHAKE_TRAFFIC_SECRET");
    emit_secret(Epoch::handshake, Direction::read, client_hs_secret_, "CLIENT_HANDSHAKE_TRAFFIC_SECRET");

    msg::EncryptedExtensions ee;
    if (config_->advertise_groups) {
        std::vector<std::uint16_t> groups;
        for (auto g : config_->groups) groups.push_back(static_cast<std::uint16_t>(g));
        put(ee.extensions, ExtensionType::supported_groups, msg::encode_supported_groups(groups));
    }
    if (config_->record_size_limit != 0 && sel.peer_record_size_limit != 0)
        put(ee.extensions, ExtensionType::record_size_limit, msg::encode_record_size_limit(config_->record_size_limit));
    if (sel.sni_received) put(ee.extensions, ExtensionType::server_name, msg::encode_server_name_ack());
    if (!sel.alpn.empty()) put(ee.extensions, ExtensionType::alpn, msg::encode_alpn_server(sel.alpn));
    if (sel.early_data_accepted) put(ee.extensions, ExtensionType::early_data, msg::encode_early_data());
    if (!sel.resumed && sel.client_certificate_type.answer) {  // RFC 7250 §4.2, only with a CertificateRequest
        negotiated_.client_certificate_type = sel.client_certificate_type.type;
        put(ee.extensions, ExtensionType::client_certificate_type,
            msg::encode_certificate_type_selected(static_cast<std::uint8_t>(sel.client_certificate_type.type)));
    }
    if (!sel.resumed && sel.certificate_type.answer) {  // RFC 7250 §4.2
        negotiated_.server_certificate_type = sel.certificate_type.type;
        put(ee.extensions, ExtensionType::server_certificate_type,
            msg::encode_certificate_type_selected(static_cast<std::uint8_t>(sel.certificate_type.type)));
    }
    if (is_quic()) {
        Bytes tp = options_.quic_transport_parameters;
        if (options_.quic_transport_parameters_callback) {
            QTLS_ASSIGN_OR_RETURN(tp, options_.quic_transport_parameters_callback());
        }
        put(ee.extensions, ExtensionType::quic_transport_parameters, std::move(tp));
    }
    if (hooks_ && hooks_->encrypted_extensions) hooks_->encrypted_extensions(ee);
    send_message(Epoch::handshake, ee.encode());

    // What follows CertificateVerify, which may wait for a deferred
    // signature (qtls/async.h).
    auto finish = [this, server_hs, hs, early_data_accepted = sel.early_data_accepted,
                   resumed = sel.resumed]() -> Status {
        send_message(Epoch::handshake, finished_message(server_hs));
        derive_application_secrets(hs.next());
        emit_secret(Epoch::application, Direction::write, server_app_secret_, "SERVER_TRAFFIC_SECRET_0");

        read_epoch_ = Epoch::handshake;
        if (early_data_accepted && !is_quic()) {
            // §4.5: the client ends its early data with EndOfEarlyData (TCP only).
            read_epoch_ = Epoch::early_data;
            state_ = WaitEndOfEarlyData{};
        } else if (config_->client_auth != ClientAuth::none && !resumed)
            state_ = WaitCertificate{};
        else
            state_ = WaitFinished{};
        return {};
    };
    if (sel.resumed) return finish();
    return send_certificate_flight(sel, std::move(finish));
}

// CertificateRequest, Certificate and CertificateVerify (§4.3.2, §4.4.2, §4.4.3).
Status ServerEngine::send_certificate_flight(const Selection& sel, std::function<Status()> then) {
    if (config_->client_auth != ClientAuth::none) {
        msg::CertificateRequest cr;
        std::vector<std::uint16_t> schemes;
        for (auto s : config_->signature_schemes) schemes.push_back(static_cast<std::uint16_t>(s));
        put(cr.extensions, ExtensionType::signature_algorithms, msg::encode_signature_algorithms(schemes));
        // §4.2.4: the CAs our client verifier trusts, when configured.
        if (!config_->certificate_authorities.empty())
            put(cr.extensions, ExtensionType::certificate_authorities,
                msg::encode_certificate_authorities(config_->certificate_authorities));
        // RFC 8879 §3: the client may compress its Certificate.
        if (!config_->certificate_compression.empty())
            put(cr.extensions, ExtensionType::compress_certificate,
                compress_certificate_offer(config_->certificate_compression));
        if (hooks_ && hooks_->certificate_request) hooks_->certificate_request(cr);
        send_message(Epoch::handshake, cr.encode());
    }

    msg::Certificate cert;
    fill_certificate_entries(*sel.certificate, sel.certificate_type.type, cert);
    // §4.4.2.1: staples go in the leaf's entry, only when the client asked.
    const CertifiedKey& key = *sel.certificate;
    auto& leaf_exts = cert.entries.front().extensions;
    if (sel.staple_ocsp && !key.ocsp_response.empty())
        put(leaf_exts, ExtensionType::status_request, msg::encode_certificate_status(key.ocsp_response));
    if (sel.staple_sct && !key.sct_list.empty())
        put(leaf_exts, ExtensionType::signed_certificate_timestamp, msg::encode_sct_list(key.sct_list));
    if (sel.certificate_compression) {  // RFC 8879 §4
        QTLS_ASSIGN_OR_RETURN(Bytes compressed,
                              compressed_certificate_message(*sel.certificate_compression, cert.encode(), true));
        negotiated_.own_certificate_compression = sel.certificate_compression;
        send_message(Epoch::handshake, compressed);
    } else {
        send_message(Epoch::handshake, cert.encode());
    }

    Bytes input = certificate_verify_input(Side::server, transcript_.current());
    SignRequest request{sel.scheme, std::move(input), sel.certificate};
    return sign_then(config_->deferred.sign, std::move(request),
                     [this, scheme = sel.scheme, then = std::move(then)](Bytes signature) -> Status {
                         msg::CertificateVerify cv;
                         cv.scheme = static_cast<std::uint16_t>(scheme);
                         cv.signature = std::move(signature);
                         send_message(Epoch::handshake, cv.encode());
                         return then();
                     });
}

Status ServerEngine::on_end_of_early_data(const msg::RawMessage& m) {
    QTLS_TRY(msg::EndOfEarlyData::decode(m.body));
    transcript_.add(m.full);
    read_epoch_ = Epoch::handshake;
    state_ = WaitFinished{};
    return {};
}

Status ServerEngine::on_client_certificate(const msg::RawMessage& m) {
    QTLS_ASSIGN_OR_RETURN(msg::Certificate cert, msg::Certificate::decode(m.body));
    if (!cert.context.empty()) return Error{Alert::illegal_parameter, "client Certificate context does not match"};
    if (cert.entries.empty()) {
        // RFC 8446 §4.4.2.4.
        if (config_->client_auth == ClientAuth::required)
            return Error{Alert::certificate_required, "client sent no certificate"};
        transcript_.add(m.full);
        state_ = WaitFinished{};
        return {};
    }
    if (negotiated_.client_certificate_type == CertificateType::raw_public_key) {
        // RFC 7250: one SubjectPublicKeyInfo, trusted only if the verifier knows it.
        QTLS_ASSIGN_OR_RETURN(Bytes spki, raw_public_key_from_certificate(cert));
        QTLS_TRY(config_->client_raw_public_key_verifier->verify(spki, {}));
        negotiated_.peer_raw_public_key = spki;
        transcript_.add(m.full);
        state_ = WaitCertificateVerify{std::move(spki)};
        return {};
    }
    if (cert.entries.size() > kMaxCertificateChainLength)
        return Error{Alert::bad_certificate, "client certificate chain longer than kMaxCertificateChainLength"};
    // We request no staples from clients, so any entry extension is unsolicited.
    QTLS_ASSIGN_OR_RETURN(PeerChain peer, take_peer_chain(cert, StapleRequests{}));
    VerificationRequest request{peer.chain, {}, peer.stapled};
    // The rest may wait for a deferred verification (qtls/async.h).
    return verify_then(config_->deferred.verify_peer, config_->client_verifier.get(), std::move(request),
                       [this, chain = std::move(peer.chain), full = Bytes(m.full.begin(), m.full.end())]() mutable
                       -> Status {
                           QTLS_ASSIGN_OR_RETURN(Bytes spki, certificate_public_key(chain.front()));
                           negotiated_.peer_certificates = std::move(chain);
                           transcript_.add(full);
                           state_ = WaitCertificateVerify{std::move(spki)};
                           return {};
                       });
}

Status ServerEngine::on_client_certificate_verify(const msg::RawMessage& m) {
    QTLS_ASSIGN_OR_RETURN(msg::CertificateVerify cv, msg::CertificateVerify::decode(m.body));
    auto scheme = static_cast<SignatureScheme>(cv.scheme);
    if (!allowed_for_certificate_verify(scheme) || !contains(config_->signature_schemes, scheme))
        return Error{Alert::illegal_parameter, "client CertificateVerify uses a scheme not requested"};
    Bytes input = certificate_verify_input(Side::client, transcript_.current());
    const auto& wait = std::get<WaitCertificateVerify>(state_);
    QTLS_TRY(provider_->verify_signature(scheme, wait.leaf_public_key, input, cv.signature));
    negotiated_.peer_signature_scheme = scheme;
    negotiated_.client_authenticated = true;
    transcript_.add(m.full);
    state_ = WaitFinished{};
    return {};
}

Status ServerEngine::on_client_finished(const msg::RawMessage& m) {
    QTLS_TRY(check_finished(m, client_hs_secret_));
    transcript_.add(m.full);
    derive_resumption_secret();
    client_hs_secret_.wipe();
    emit_secret(Epoch::application, Direction::read, client_app_secret_, "CLIENT_TRAFFIC_SECRET_0");
    state_ = Connected{};
    mark_complete();
    return issue_tickets();
}

// RFC 8446 §4.6.1: tickets go out after the client's Finished, each with its
// own nonce (so its own PSK) and age_add.
Status ServerEngine::issue_tickets() {
    if (!config_->ticketer) return {};
    for (std::uint8_t i = 0; i < config_->tickets_per_connection; ++i) {
        msg::NewSessionTicket nst;
        nst.lifetime = config_->ticket_lifetime_s;
        std::uint8_t age_add[4];
        provider_->random(age_add);
        nst.age_add = (std::uint32_t{age_add[0]} << 24) | (age_add[1] << 16) | (age_add[2] << 8) | age_add[3];
        nst.nonce = {i};
        ResumptionState state;
        state.suite = suite_->suite;
        state.psk = crypto::resumption_psk(hash_ref(), resumption_master_, nst.nonce);
        state.issued_at_ms = now_ms();
        state.age_add = nst.age_add;
        state.lifetime_s = nst.lifetime;
        state.alpn = negotiated_.alpn;
        state.server_name = negotiated_.server_name;
        state.early_data_context = options_.early_data_context;
        // RFC 9001 §4.6.1: a QUIC ticket that allows 0-RTT says 0xffffffff.
        state.max_early_data = config_->max_early_data == 0 ? 0 : is_quic() ? 0xffffffff : config_->max_early_data;
        if (state.max_early_data > 0)
            put(nst.extensions, ExtensionType::early_data, msg::encode_early_data_ticket(state.max_early_data));
        QTLS_ASSIGN_OR_RETURN(nst.ticket, config_->ticketer->seal(state));
        // Post-handshake messages are not part of the transcript.
        emit(HandshakeBytes{Epoch::application, nst.encode()});
    }
    return {};
}

}  // namespace qtls::handshake
