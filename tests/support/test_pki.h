// An in-memory test PKI, generated with libcrypto the first time a test asks
// for it and cached for the rest of the process: a trusted CA, server leaves
// for every key type qtls signs with, a client certificate and the usual
// broken cases (expired, wrong host, untrusted issuer).
//
// Server leaves carry subjectAltName DNS:localhost, DNS:example.com,
// IP:127.0.0.1 and IP:::1, extendedKeyUsage serverAuth, and are valid from a
// day ago for a year. Chains hold the leaf only (the CA is the trust anchor).
// CAs and certificates are fresh in every process; RSA keys are reused from
// ${QTLS_BINARY_DIR}/test-pki-keys because generating them is slow.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "qtls/certs.h"

namespace qtls::test {

enum class KeyType { ecdsa_p256, ecdsa_p384, rsa_2048, rsa_pss_2048, ed25519, rsa_4096 };

inline constexpr KeyType kAllKeyTypes[] = {KeyType::ecdsa_p256,   KeyType::ecdsa_p384, KeyType::rsa_2048,
                                           KeyType::rsa_pss_2048, KeyType::ed25519,    KeyType::rsa_4096};

// "ecdsa_p256", "rsa_pss_2048", ...: also the file stem write_to_dir uses.
std::string_view key_type_name(KeyType type);

// One issued certificate in file form plus its loaded CertifiedKey.
struct IssuedCert {
    std::string cert_pem;  // the leaf alone
    std::string key_pem;   // unencrypted PKCS#8
    std::shared_ptr<const CertifiedKey> certified;
};

class TestPki {
public:
    TestPki();
    ~TestPki();
    TestPki(const TestPki&) = delete;
    TestPki& operator=(const TestPki&) = delete;

    const std::string& ca_pem() const { return ca_pem_; }
    const Bytes& ca_der() const { return ca_der_; }
    // A temporary file holding ca_pem, under ${QTLS_BINARY_DIR}/test-pki-tmp
    // (removed at process exit).
    const std::string& ca_file() const { return ca_file_; }
    // The second CA, which no verifier trusts.
    const std::string& untrusted_ca_pem() const { return untrusted_ca_pem_; }

    // Server leaf signed by the CA; each type is generated on first use.
    std::shared_ptr<const CertifiedKey> leaf(KeyType type) const { return issued(type).certified; }
    // EC P-256, extendedKeyUsage clientAuth, no subjectAltName.
    std::shared_ptr<const CertifiedKey> client() const { return issued("client").certified; }
    // A P-256 server leaf whose notAfter is yesterday.
    std::shared_ptr<const CertifiedKey> expired() const { return issued("expired").certified; }
    // A P-256 server leaf for DNS:wrong.example only.
    std::shared_ptr<const CertifiedKey> wrong_host() const { return issued("wrong_host").certified; }
    // A P-256 server leaf (usual names) issued by the untrusted CA.
    std::shared_ptr<const CertifiedKey> untrusted() const { return issued("untrusted").certified; }

    const IssuedCert& issued(KeyType type) const { return issued(key_type_name(type)); }
    // By file stem: a key_type_name, "client", "expired", "wrong_host" or "untrusted".
    const IssuedCert& issued(std::string_view name) const;

    // A fresh server leaf from the trusted CA with the given subjectAltName
    // (OpenSSL config syntax, e.g. "DNS:*.example.org") and CN; not cached.
    IssuedCert issue_custom(KeyType type, const std::string& san, const std::string& common_name) const;

    // Writes ca.pem, untrusted_ca.pem and <stem>.pem / <stem>.key (mode 0600)
    // for every issued certificate, creating dir when missing. Returns the
    // path of ca.pem, or "" on failure.
    std::string write_to_dir(const std::string& dir) const;

    // x509_verifier trusting the CA only; nullptr (and a test failure) if it
    // cannot be built.
    std::shared_ptr<CertVerifier> verifier(bool client_certs = false) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::string ca_pem_;
    Bytes ca_der_;
    std::string untrusted_ca_pem_;
    std::string ca_file_;
    std::string temp_dir_;
    int owner_pid_ = 0;
    mutable std::mutex mu_;
    mutable std::map<std::string, std::unique_ptr<IssuedCert>, std::less<>> issued_;
};

// The process-wide instance.
const TestPki& test_pki();

}  // namespace qtls::test
