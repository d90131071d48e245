// Choosing the server's certificate (RFC 8446 §4.4.2.2): by the client's
// server_name (RFC 6066 §3) and by the signature_algorithms it offered.
#include <openssl/err.h>

#include <algorithm>

#include "crypto/signer_openssl.h"
#include "qtls/certs.h"
#include "x509/decode.h"

namespace qtls {

namespace {

class SingleCertResolver final : public ServerCertResolver {
public:
    explicit SingleCertResolver(std::shared_ptr<const CertifiedKey> key) : key_(std::move(key)) {}
    std::shared_ptr<const CertifiedKey> resolve(const ClientHelloInfo&) override { return key_; }

private:
    std::shared_ptr<const CertifiedKey> key_;
};

// DNS names compare case-insensitively (RFC 4343); a trailing root dot names
// the same host (RFC 6066 §3 forbids it in SNI, but be lenient).
std::string normalise(std::string_view name) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    std::string out(name);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');  // ASCII only, whatever the locale
    return out;
}

// "*.example.com" covers exactly one extra label (RFC 6125 §6.4.3): it
// matches "a.example.com" but neither "example.com" nor "a.b.example.com".
bool wildcard_matches(const std::string& pattern, const std::string& host) {
    if (pattern.size() < 3 || pattern[0] != '*' || pattern[1] != '.') return false;
    const std::string_view suffix = std::string_view(pattern).substr(1);  // ".example.com"
    if (host.size() <= suffix.size()) return false;
    if (std::string_view(host).substr(host.size() - suffix.size()) != suffix) return false;
    const std::string_view label = std::string_view(host).substr(0, host.size() - suffix.size());
    return !label.empty() && label.find('.') == std::string_view::npos;
}

bool offers_any(std::span<const SignatureScheme> client, const std::vector<SignatureScheme>& ours) {
    return std::any_of(ours.begin(), ours.end(), [&](SignatureScheme s) {
        return std::find(client.begin(), client.end(), s) != client.end();
    });
}

}  // namespace

std::shared_ptr<ServerCertResolver> single_cert_resolver(std::shared_ptr<const CertifiedKey> key) {
    return std::make_shared<SingleCertResolver>(std::move(key));
}

Status SniCertResolver::add(std::shared_ptr<const CertifiedKey> key) {
    if (!key || !key->key) return Error{Alert::internal_error, "certified key without a private key"};
    if (key->chain.empty()) return Error{Alert::internal_error, "certified key without a certificate"};
    if (!x509::decode_certificate(key->chain[0]))
        return Error{Alert::internal_error, "certified key has a malformed leaf certificate"};
    Entry e;
    for (const std::string& name : certificate_dns_names(key->chain[0])) e.names.push_back(normalise(name));
    e.schemes = key->key->schemes();
    e.key = std::move(key);
    entries_.push_back(std::move(e));
    return {};
}

std::shared_ptr<const CertifiedKey> SniCertResolver::resolve(const ClientHelloInfo& hello) {
    if (entries_.empty()) return default_;
    const std::span<const SignatureScheme> offered = hello.signature_schemes;
    // Without a list there is nothing to prefer by.
    auto usable = [&](const Entry& e) { return offered.empty() || offers_any(offered, e.schemes); };

    // Exact names first, then wildcards; within either, a certificate whose
    // key can answer the client's signature_algorithms beats one that cannot
    // (RFC 8446 §4.4.2.2). A name match that cannot sign is still returned:
    // the handshake then fails with a clear alert instead of presenting a
    // certificate for some other name.
    const std::string host = normalise(hello.server_name);
    if (!host.empty()) {
        for (bool wildcard : {false, true}) {
            const Entry* first = nullptr;
            for (const Entry& e : entries_) {
                const bool match = std::any_of(e.names.begin(), e.names.end(), [&](const std::string& n) {
                    return wildcard ? wildcard_matches(n, host) : n == host;
                });
                if (!match) continue;
                if (usable(e)) return e.key;
                if (!first) first = &e;
            }
            if (first) return first->key;
        }
    }
    if (default_) return default_;
    for (const Entry& e : entries_)
        if (usable(e)) return e.key;
    return entries_.front().key;
}

Result<std::shared_ptr<const CertifiedKey>> load_certified_key(const std::string& cert_pem_path,
                                                               const std::string& key_path, FileError* failure) {
    auto fail = [failure](const std::string& path, Error e) {
        if (failure) *failure = FileError{path, e};
        return e;
    };
    auto chain = load_certificate_chain_file(cert_pem_path);
    if (!chain) return fail(cert_pem_path, chain.error());
    auto key = crypto::decode_private_key_file(key_path);
    if (!key) return fail(key_path, key.error());
    crypto::X509Ptr leaf = x509::decode_certificate(chain->front());
    if (!leaf) return fail(cert_pem_path, Error{Alert::internal_error, "invalid certificate in PEM input"});
    // A mismatched pair would only show up as a CertificateVerify failure at
    // the peer (RFC 8446 §4.4.3); catch it at load time instead.
    const EVP_PKEY* cert_key = X509_get0_pubkey(leaf.get());
    const bool same = cert_key && EVP_PKEY_eq(cert_key, key->get()) == 1;
    ERR_clear_error();
    if (!same) return fail(key_path, Error{Alert::internal_error, "private key does not match the certificate"});
    auto signer = crypto::make_openssl_signer(std::move(*key));
    if (!signer) return fail(key_path, signer.error());
    auto ck = std::make_shared<CertifiedKey>();
    ck->chain = std::move(*chain);
    ck->key = std::move(*signer);
    return std::shared_ptr<const CertifiedKey>(std::move(ck));
}

}  // namespace qtls
