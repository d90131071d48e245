// Post-handshake client authentication (RFC 8446 §4.6.2), both sides.
//
// After the handshake a server may send a CertificateRequest with a fresh,
// non-empty certificate_request_context to a client that offered the
// post_handshake_auth extension (§4.2.6). The client answers with
// Certificate, CertificateVerify (only with a non-empty certificate) and
// Finished. Their handshake context is the handshake transcript through the
// client Finished followed by the CertificateRequest (§4.4, "Post-Handshake"
// row), and the Finished key comes from the current
// client_application_traffic_secret_N. Each exchange starts from the
// handshake transcript again, so the main transcript is never extended: the
// exchange's own messages are hashed on top of it with current_with().
// None of this exists over QUIC (RFC 9001 §4.4).
#include <algorithm>

#include "crypto/key_schedule.h"
#include "handshake/certificate_compression.h"
#include "handshake/client.h"
#include "handshake/peer_chain.h"
#include "handshake/server.h"
#include "handshake/signatures.h"
#include "qtls/certs.h"

namespace qtls::handshake {

namespace {
// Length of the certificate_request_context a server generates. §4.6.2
// requires it to be unique per connection; 32 random bytes make a repeat
// negligible (the field allows up to 255, §4.3.2).
constexpr std::size_t kPostHandshakeContextLength = 32;
}  // namespace

// ---- client ----

Result<std::optional<SignatureScheme>> ClientEngine::client_certificate_scheme(const msg::CertificateRequest& cr,
                                                                               CertificateType type) const {
    const auto& key = config_->client_certificate;
    const bool can_present = key && key->key &&
                             (type == CertificateType::raw_public_key ? !key->raw_public_key.empty()
                                                                      : !key->chain.empty());
    if (!can_present) return std::optional<SignatureScheme>{};
    // CertificateRequest::decode guarantees signature_algorithms (§4.3.2).
    std::vector<std::uint16_t> server_schemes;
    if (const auto* sa = msg::find_extension(cr.extensions, msg::ExtensionType::signature_algorithms)) {
        QTLS_ASSIGN_OR_RETURN(server_schemes, msg::decode_signature_algorithms(sa->body));
    }
    return choose_signature_scheme(server_schemes, config_->signature_schemes, key->key->schemes());
}

Status ClientEngine::on_post_handshake_certificate_request(const msg::RawMessage& m) {
    // §4.6.2: without our extension (never sent over QUIC) the request is unexpected.
    if (!negotiated_.post_handshake_auth)
        return Error{Alert::unexpected_message, "post-handshake CertificateRequest without post_handshake_auth"};
    QTLS_ASSIGN_OR_RETURN(msg::CertificateRequest cr, msg::CertificateRequest::decode(m.body));
    // §4.3.2: the context is empty only during the handshake itself.
    if (cr.context.empty())
        return Error{Alert::illegal_parameter, "post-handshake CertificateRequest with an empty context"};
    if (const auto* ca = msg::find_extension(cr.extensions, msg::ExtensionType::certificate_authorities)) {
        QTLS_ASSIGN_OR_RETURN(negotiated_.peer_certificate_authorities, msg::decode_certificate_authorities(ca->body));
    }
    // Post-handshake answers carry X.509: the server's post-handshake path
    // verifies chains only (raw keys are negotiated for the handshake).
    QTLS_ASSIGN_OR_RETURN(std::optional<SignatureScheme> scheme, client_certificate_scheme(cr, CertificateType::x509));

    Bytes exchange(m.full.begin(), m.full.end());  // handshake context: the transcript, then these messages
    Bytes flight;
    msg::Certificate cert;
    cert.context = cr.context;
    if (scheme)
        for (const auto& der : config_->client_certificate->chain) cert.entries.push_back({der, {}});
    // RFC 8879 §3: compressed when the request offers an algorithm of ours.
    QTLS_ASSIGN_OR_RETURN(Bytes encoded, certificate_message_to_send(cert, config_->certificate_compression,
                                                                     cr.extensions,
                                                                     negotiated_.own_certificate_compression));
    exchange.insert(exchange.end(), encoded.begin(), encoded.end());
    flight.insert(flight.end(), encoded.begin(), encoded.end());
    // What CertificateVerify signs, over the exchange so far (§4.4.3).
    Bytes input = scheme ? certificate_verify_input(Side::client, transcript_.current_with(exchange)) : Bytes{};
    // CertificateVerify (with a certificate) and Finished; the signature
    // may be deferred (qtls/async.h), so the rest of the answer waits here.
    auto finish = [this, scheme, exchange = std::move(exchange), flight = std::move(flight)](
                      Bytes signature) mutable -> Status {
        Bytes encoded;
        if (scheme) {
            msg::CertificateVerify cv;
            cv.scheme = static_cast<std::uint16_t>(*scheme);
            cv.signature = std::move(signature);
            encoded = cv.encode();
            exchange.insert(exchange.end(), encoded.begin(), encoded.end());
            flight.insert(flight.end(), encoded.begin(), encoded.end());
        }
        // §4.4: the Finished key of a post-handshake message is derived from
        // the current client_application_traffic_secret_N.
        Digest verify =
            crypto::finished_verify_data(hash_ref(), client_app_secret_, transcript_.current_with(exchange));
        msg::Finished fin;
        fin.verify_data.assign(verify.view().begin(), verify.view().end());
        encoded = fin.encode();
        flight.insert(flight.end(), encoded.begin(), encoded.end());
        // Post-handshake messages stay out of the handshake transcript.
        emit(HandshakeBytes{Epoch::application, std::move(flight)});
        if (scheme) {
            negotiated_.own_signature_scheme = scheme;
            negotiated_.client_authenticated = true;
        }
        ++negotiated_.post_handshake_auths;
        return {};
    };
    if (!scheme) return finish({});
    SignRequest request{*scheme, std::move(input), config_->client_certificate};
    return sign_then(config_->deferred.sign, std::move(request), std::move(finish));
}

// ---- server ----

Status ServerEngine::request_client_certificate(bool certificate_required) {
    if (const auto& e = latched_error()) return *e;
    if (is_quic())
        return Error{Alert::internal_error, "QUIC forbids post-handshake client authentication (RFC 9001 §4.4)"};
    if (!handshake_complete())
        return Error{Alert::internal_error, "post-handshake CertificateRequest before the handshake completed"};
    if (!negotiated_.post_handshake_auth)
        return Error{Alert::internal_error, "the client did not offer post_handshake_auth (RFC 8446 §4.6.2)"};
    if (!config_->client_verifier && !config_->deferred.verify_peer)
        return Error{Alert::internal_error, "post-handshake client authentication needs ServerConfig::client_verifier"};
    if (post_handshake_auth_)
        return Error{Alert::internal_error, "a post-handshake CertificateRequest is already outstanding"};

    msg::CertificateRequest cr;
    cr.context.resize(kPostHandshakeContextLength);
    fill_random(cr.context);
    std::vector<std::uint16_t> schemes;
    for (auto s : config_->signature_schemes) schemes.push_back(static_cast<std::uint16_t>(s));
    cr.extensions.push_back({static_cast<std::uint16_t>(msg::ExtensionType::signature_algorithms),
                             msg::encode_signature_algorithms(schemes)});
    // RFC 8446 §4.2.4, as in the handshake's CertificateRequest.
    if (!config_->certificate_authorities.empty())
        cr.extensions.push_back({static_cast<std::uint16_t>(msg::ExtensionType::certificate_authorities),
                                 msg::encode_certificate_authorities(config_->certificate_authorities)});
    if (!config_->certificate_compression.empty())  // RFC 8879 §3
        cr.extensions.push_back({static_cast<std::uint16_t>(msg::ExtensionType::compress_certificate),
                                 compress_certificate_offer(config_->certificate_compression)});
    if (hooks_ && hooks_->certificate_request) hooks_->certificate_request(cr);
    PostHandshakeAuth pending;
    pending.context = cr.context;
    pending.certificate_required = certificate_required;
    pending.exchange = cr.encode();
    emit(HandshakeBytes{Epoch::application, pending.exchange});
    post_handshake_auth_ = std::move(pending);
    return {};
}

Status ServerEngine::on_post_handshake_message(const msg::RawMessage& m) {
    using Expect = PostHandshakeAuth::Expect;
    if (post_handshake_auth_) {
        const Expect expect = post_handshake_auth_->expect;
        if (expect == Expect::certificate && m.type == msg::HandshakeType::certificate)
            return on_post_handshake_certificate(m);
        if (expect == Expect::certificate && m.type == msg::HandshakeType::compressed_certificate) {
            // RFC 8879 §4: stands in for the Certificate (the transcript keeps it as sent).
            return receive_compressed_certificate(m, config_->certificate_compression,
                                                  config_->max_handshake_message_size,
                                                  negotiated_.peer_certificate_compression,
                                                  [this](const msg::RawMessage& c) { return on_post_handshake_certificate(c); });
        }
        if (expect == Expect::certificate_verify && m.type == msg::HandshakeType::certificate_verify)
            return on_post_handshake_certificate_verify(m);
        if (expect == Expect::finished && m.type == msg::HandshakeType::finished) return on_post_handshake_finished(m);
        // Once the client's answer has begun nothing may interrupt it.
        if (expect != Expect::certificate)
            return Error{Alert::unexpected_message, "message inside the client's post-handshake authentication"};
    }
    // Certificate, CertificateVerify or Finished without a request fall
    // through to the base: unexpected_message.
    return EngineBase::on_post_handshake_message(m);
}

Status ServerEngine::on_post_handshake_certificate(const msg::RawMessage& m) {
    auto& pha = *post_handshake_auth_;
    QTLS_ASSIGN_OR_RETURN(msg::Certificate cert, msg::Certificate::decode(m.body));
    if (!constant_time_equal(cert.context, pha.context))
        return Error{Alert::illegal_parameter, "client Certificate does not answer the CertificateRequest context"};
    pha.exchange.insert(pha.exchange.end(), m.full.begin(), m.full.end());
    if (cert.entries.empty()) {
        // §4.4.2.4: the server may continue without a certificate or abort.
        if (pha.certificate_required)
            return Error{Alert::certificate_required, "client sent no certificate after the handshake"};
        pha.expect = PostHandshakeAuth::Expect::finished;
        return {};
    }
    // We request no staples from clients, so any entry extension is unsolicited.
    QTLS_ASSIGN_OR_RETURN(PeerChain peer, take_peer_chain(cert, StapleRequests{}));
    VerificationRequest request{peer.chain, {}, peer.stapled};
    // The rest may wait for a deferred verification (qtls/async.h).
    return verify_then(config_->deferred.verify_peer, config_->client_verifier.get(), std::move(request),
                       [this, chain = std::move(peer.chain)]() mutable -> Status {
                           auto& waiting = *post_handshake_auth_;
                           QTLS_ASSIGN_OR_RETURN(waiting.leaf_public_key, certificate_public_key(chain.front()));
                           waiting.chain = std::move(chain);
                           waiting.expect = PostHandshakeAuth::Expect::certificate_verify;
                           return {};
                       });
}

Status ServerEngine::on_post_handshake_certificate_verify(const msg::RawMessage& m) {
    auto& pha = *post_handshake_auth_;
    QTLS_ASSIGN_OR_RETURN(msg::CertificateVerify cv, msg::CertificateVerify::decode(m.body));
    auto scheme = static_cast<SignatureScheme>(cv.scheme);
    const auto& ours = config_->signature_schemes;
    if (!allowed_for_certificate_verify(scheme) || std::find(ours.begin(), ours.end(), scheme) == ours.end())
        return Error{Alert::illegal_parameter, "client CertificateVerify uses a scheme not requested"};
    Bytes input = certificate_verify_input(Side::client, transcript_.current_with(pha.exchange));
    QTLS_TRY(provider_->verify_signature(scheme, pha.leaf_public_key, input, cv.signature));
    pha.scheme = scheme;
    pha.exchange.insert(pha.exchange.end(), m.full.begin(), m.full.end());
    pha.expect = PostHandshakeAuth::Expect::finished;
    return {};
}

Status ServerEngine::on_post_handshake_finished(const msg::RawMessage& m) {
    auto& pha = *post_handshake_auth_;
    QTLS_ASSIGN_OR_RETURN(msg::Finished fin, msg::Finished::decode(m.body, hash_len()));
    // §4.4: keyed with the client's current application traffic secret.
    Digest expected =
        crypto::finished_verify_data(hash_ref(), client_app_secret_, transcript_.current_with(pha.exchange));
    if (!constant_time_equal(expected.view(), fin.verify_data))
        return Error{Alert::decrypt_error, "post-handshake Finished verify_data does not match"};
    if (!pha.chain.empty()) {
        negotiated_.peer_certificates = std::move(pha.chain);
        negotiated_.peer_signature_scheme = pha.scheme;
        negotiated_.client_authenticated = true;
    }
    ++negotiated_.post_handshake_auths;
    post_handshake_auth_.reset();
    return {};
}

}  // namespace qtls::handshake
