// The default CertVerifier: RFC 5280 path building and validation by
// libcrypto's X509_STORE, then the RFC 6125 name check (RFC 8446 §4.4.2.4
// leaves both to the application).
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <string>

#include "crypto/libcrypto_ptr.h"
#include "qtls/certs.h"
#include "x509/decode.h"
#include "x509/decode_cache.h"
#include "x509/ocsp_staple.h"
#include "x509/pins.h"
#include "x509/trust_store.h"
#include "x509/verify_error.h"

namespace qtls {

namespace {

// inet_pton accepts exactly the textual IPv4/IPv6 forms (no hostnames, no
// shorthand like "127.1"), which is what an IP-literal SNI target looks like.
bool is_ip_literal(const std::string& name) {
    unsigned char buf[16];
    return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

// "[::1]" as written in URLs names the same address as "::1".
std::string strip_brackets(std::string_view name) {
    if (name.size() >= 2 && name.front() == '[' && name.back() == ']') name = name.substr(1, name.size() - 2);
    return std::string(name);
}

bool name_matches(X509* leaf, std::string_view peer_name) {
    const std::string name = strip_brackets(peer_name);
    int rc;
    if (is_ip_literal(name)) {
        // iPAddress subjectAltName entries only (RFC 5280 §4.2.1.6).
        rc = X509_check_ip_asc(leaf, name.c_str(), 0);
    } else {
        // RFC 6125 §6.4.3: a wildcard is the whole left-most label only
        // ("*.example.com", never "w*.example.com").
        rc = X509_check_host(leaf, name.data(), name.size(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, nullptr);
    }
    ERR_clear_error();
    return rc == 1;
}

class X509Verifier final : public CertVerifier {
public:
    X509Verifier(crypto::X509StorePtr store, const X509VerifierOptions& options)
        : store_(std::move(store)),
          purpose_(options.client_certificates ? X509_PURPOSE_SSL_CLIENT : X509_PURPOSE_SSL_SERVER),
          fixed_time_(options.fixed_time),
          pins_(options.spki_sha256_pins),
          check_ocsp_(options.check_ocsp_staple),
          require_ocsp_(options.require_ocsp_staple) {
        // The OCSP signer's chain (check_ocsp_staple) is built from the
        // store's own parameters, so a fixed time must live there too.
        if (fixed_time_ != 0)
            X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store_.get()), static_cast<time_t>(fixed_time_));
    }

    Status verify(std::span<const Bytes> chain, std::string_view peer_name) override {
        return verify_stapled(chain, peer_name, StapledResponses{});
    }

    Status verify_stapled(std::span<const Bytes> chain, std::string_view peer_name,
                          const StapledResponses& stapled) override {
        if (chain.empty()) return Error{Alert::bad_certificate, "empty certificate chain"};
        crypto::X509Ptr leaf = decoded_.get(chain[0]);
        if (!leaf) return Error{Alert::bad_certificate, "malformed certificate"};
        // Everything after the leaf only helps build a path; trust comes from
        // the store alone (RFC 8446 §4.4.2: the chain may be unordered and
        // may include unneeded certificates).
        crypto::X509StackPtr untrusted(sk_X509_new_null());
        if (!untrusted) return Error{Alert::internal_error, "out of memory"};
        for (std::size_t i = 1; i < chain.size(); ++i) {
            crypto::X509Ptr cert = decoded_.get(chain[i]);
            if (!cert) return Error{Alert::bad_certificate, "malformed certificate"};
            if (sk_X509_push(untrusted.get(), cert.get()) <= 0) return Error{Alert::internal_error, "out of memory"};
            cert.release();  // now owned by the stack
        }

        crypto::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
        if (!ctx || X509_STORE_CTX_init(ctx.get(), store_.get(), leaf.get(), untrusted.get()) != 1) {
            ERR_clear_error();
            return Error{Alert::internal_error, "cannot initialise certificate verification"};
        }
        // A server certificate needs serverAuth, a client one clientAuth
        // (RFC 5280 §4.2.1.12), checked along the whole chain.
        X509_STORE_CTX_set_purpose(ctx.get(), purpose_);
        if (fixed_time_ != 0)
            X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx.get()), static_cast<time_t>(fixed_time_));

        const int rc = X509_verify_cert(ctx.get());
        const int err = X509_STORE_CTX_get_error(ctx.get());
        ERR_clear_error();
        if (rc != 1) return x509::verify_error_to_alert(err == X509_V_OK ? X509_V_ERR_UNSPECIFIED : err);

        if (!peer_name.empty() && !name_matches(leaf.get(), peer_name))
            return Error{Alert::bad_certificate, "certificate does not match the server name"};
        // Pins narrow what the CA path already allows (RFC 7469 §2.6).
        QTLS_TRY(x509::check_spki_pins(X509_STORE_CTX_get0_chain(ctx.get()), pins_));
        return check_staple(stapled, X509_STORE_CTX_get0_chain(ctx.get()));
    }

private:
    // RFC 6066 §8 / RFC 8446 §4.4.2.1, on the chain X509_verify_cert built.
    Status check_staple(const StapledResponses& stapled, STACK_OF(X509) * verified) {
        if (stapled.ocsp_response.empty()) {
            if (require_ocsp_) return Error{Alert::bad_certificate_status_response, "no OCSP response was stapled"};
            return {};
        }
        if (!check_ocsp_) return {};
        const std::int64_t now = fixed_time_ != 0 ? fixed_time_ : static_cast<std::int64_t>(std::time(nullptr));
        return x509::check_ocsp_staple(stapled.ocsp_response, verified, store_.get(), now);
    }

    crypto::X509StorePtr store_;
    int purpose_;
    std::int64_t fixed_time_;
    std::vector<Bytes> pins_;
    bool check_ocsp_;
    bool require_ocsp_;
    x509::DecodedCertCache decoded_;  // the parse only; every check reruns
};

}  // namespace

Result<std::shared_ptr<CertVerifier>> x509_verifier(const X509VerifierOptions& options, FileError* failure) {
    for (const Bytes& pin : options.spki_sha256_pins)
        if (pin.size() != x509::kSpkiPinSize)
            return Error{Alert::internal_error, "an SPKI pin must be a 32-byte SHA-256 digest"};
    QTLS_ASSIGN_OR_RETURN(crypto::X509StorePtr store, x509::load_trust_store(options, failure));
    return std::shared_ptr<CertVerifier>(std::make_shared<X509Verifier>(std::move(store), options));
}

}  // namespace qtls
