#include "support/test_pki.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "crypto/libcrypto_ptr.h"

namespace qtls::test {

namespace {

using crypto::BioPtr;
using crypto::PkeyCtxPtr;
using crypto::PkeyPtr;
using crypto::X509Ptr;

constexpr long kDay = 24 * 60 * 60;

// Generation failing means the environment is broken, not the code under
// test: stop loudly rather than let every test fail on a null pointer.
[[noreturn]] void die(const char* what) {
    std::fprintf(stderr, "test PKI: %s\n", what);
    ERR_print_errors_fp(stderr);
    std::abort();
}

PkeyPtr generate_rsa(const char* algorithm, int bits) {
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, algorithm, nullptr));
    EVP_PKEY* key = nullptr;
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) != 1 ||
        EVP_PKEY_generate(ctx.get(), &key) != 1)
        die("RSA key generation failed");
    return PkeyPtr(key);
}

PkeyPtr parse_key_pem(const std::string& pem) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    ERR_clear_error();
    return key;
}

std::string key_pem(EVP_PKEY* key);

// RSA generation dominates test time (RSA-4096 takes seconds) and ctest runs
// every test in its own process, so RSA keys are kept in the build directory
// and reused. Written to a temporary name and renamed, so concurrent test
// processes only ever see complete files; a damaged file is regenerated.
PkeyPtr cached_rsa(const char* stem, const char* algorithm, int bits) {
    const std::string dir = std::string(QTLS_BINARY_DIR) + "/test-pki-keys";
    const std::string path = dir + "/" + stem + ".key";
    if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
        std::string pem;
        char buf[4096];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) pem.append(buf, n);
        std::fclose(f);
        if (PkeyPtr key = parse_key_pem(pem); key && EVP_PKEY_is_a(key.get(), algorithm) &&
                                              EVP_PKEY_get_bits(key.get()) == bits)
            return key;
    }
    PkeyPtr key = generate_rsa(algorithm, bits);
    ::mkdir(dir.c_str(), 0700);
    std::string tmp = path + ".XXXXXX";
    const int fd = ::mkstemp(tmp.data());
    if (fd >= 0) {
        const std::string pem = key_pem(key.get());
        const bool ok = ::write(fd, pem.data(), pem.size()) == static_cast<ssize_t>(pem.size());
        ::close(fd);
        if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) ::unlink(tmp.c_str());
    }
    return key;  // caching is an optimisation: failures above are harmless
}

PkeyPtr generate_key(KeyType type) {
    EVP_PKEY* key = nullptr;
    switch (type) {
        case KeyType::ecdsa_p256: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"); break;
        case KeyType::ecdsa_p384: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"); break;
        case KeyType::ed25519: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"); break;
        case KeyType::rsa_2048: return cached_rsa("rsa_2048", "RSA", 2048);
        case KeyType::rsa_pss_2048: return cached_rsa("rsa_pss_2048", "RSA-PSS", 2048);
        case KeyType::rsa_4096: return cached_rsa("rsa_4096", "RSA", 4096);
    }
    if (!key) die("key generation failed");
    return PkeyPtr(key);
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (!ext) die("cannot build extension");
    const int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    if (ok != 1) die("cannot add extension");
}

struct CertSpec {
    const char* common_name;
    bool ca = false;
    const char* san = nullptr;  // subjectAltName value, nullptr for none
    const char* eku = nullptr;  // extendedKeyUsage value, nullptr for none
    long not_before = -kDay;    // seconds from now; a day back tolerates clock skew
    long not_after = 365 * kDay;
};

// issuer/issuer_key null: self-signed.
X509Ptr issue(const CertSpec& spec, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
    X509Ptr cert(X509_new());
    if (!cert) die("out of memory");
    std::uint64_t serial = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof serial) != 1) die("RAND_bytes failed");
    serial >>= 1;  // positive, as RFC 5280 §4.1.2.2 requires
    X509_NAME* name = X509_get_subject_name(cert.get());
    if (X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
        ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert.get()), serial) != 1 ||
        !X509_gmtime_adj(X509_getm_notBefore(cert.get()), spec.not_before) ||
        !X509_gmtime_adj(X509_getm_notAfter(cert.get()), spec.not_after) ||
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("qtls test"), -1, -1, 0) != 1 ||
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(spec.common_name), -1, -1, 0) != 1 ||
        X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name) != 1 ||
        X509_set_pubkey(cert.get(), key) != 1)
        die("cannot fill in the certificate");

    X509* signer_cert = issuer ? issuer : cert.get();
    if (spec.ca) {
        add_ext(cert.get(), signer_cert, NID_basic_constraints, "critical,CA:TRUE");
        add_ext(cert.get(), signer_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
        add_ext(cert.get(), signer_cert, NID_subject_key_identifier, "hash");
    } else {
        add_ext(cert.get(), signer_cert, NID_basic_constraints, "critical,CA:FALSE");
        add_ext(cert.get(), signer_cert, NID_key_usage, "critical,digitalSignature");
        add_ext(cert.get(), signer_cert, NID_subject_key_identifier, "hash");
        add_ext(cert.get(), signer_cert, NID_authority_key_identifier, "keyid:always");
        if (spec.eku) add_ext(cert.get(), signer_cert, NID_ext_key_usage, spec.eku);
        if (spec.san) add_ext(cert.get(), signer_cert, NID_subject_alt_name, spec.san);
    }
    // Both CAs are P-256, so ECDSA with SHA-256 (RFC 5758 §3.2).
    if (X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) <= 0) die("cannot sign the certificate");
    return cert;
}

std::string bio_string(BIO* bio) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

std::string cert_pem(X509* cert) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) die("cannot write certificate PEM");
    return bio_string(bio.get());
}

Bytes cert_der(X509* cert) {
    unsigned char* der = nullptr;
    const int len = i2d_X509(cert, &der);
    if (len <= 0) die("cannot encode certificate");
    Bytes out(der, der + len);
    OPENSSL_free(der);
    return out;
}

std::string key_pem(EVP_PKEY* key) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        die("cannot write key PEM");
    return bio_string(bio.get());
}

constexpr const char* kServerNames = "DNS:localhost,DNS:example.com,IP:127.0.0.1,IP:::1";

bool write_file(const std::string& path, const std::string& contents, mode_t mode) {
    // Created with its final mode (and fixed up if it already existed), so a
    // key file is never readable by others, not even briefly.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) return false;
    bool ok = ::fchmod(fd, mode) == 0;
    std::size_t done = 0;
    while (ok && done < contents.size()) {
        const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) done += static_cast<std::size_t>(n);
    }
    return ::close(fd) == 0 && ok;
}

IssuedCert make_issued(KeyType type, const CertSpec& spec, X509* issuer, EVP_PKEY* issuer_key) {
    PkeyPtr key = generate_key(type);
    X509Ptr cert = issue(spec, key.get(), issuer, issuer_key);
    IssuedCert out;
    out.cert_pem = cert_pem(cert.get());
    out.key_pem = key_pem(key.get());
    // Through the public loader, so every test also exercises it.
    Result<std::shared_ptr<Signer>> signer = load_private_key(as_bytes(out.key_pem));
    if (!signer) die("load_private_key refused a generated key");
    auto ck = std::make_shared<CertifiedKey>();
    ck->chain.push_back(cert_der(cert.get()));
    ck->key = std::move(signer).value();
    out.certified = std::move(ck);
    return out;
}

}  // namespace

struct TestPki::Impl {
    PkeyPtr ca_key, untrusted_ca_key;
    X509Ptr ca, untrusted_ca;
};

std::string_view key_type_name(KeyType type) {
    switch (type) {
        case KeyType::ecdsa_p256: return "ecdsa_p256";
        case KeyType::ecdsa_p384: return "ecdsa_p384";
        case KeyType::rsa_2048: return "rsa_2048";
        case KeyType::rsa_pss_2048: return "rsa_pss_2048";
        case KeyType::ed25519: return "ed25519";
        case KeyType::rsa_4096: return "rsa_4096";
    }
    return "unknown";
}

TestPki::TestPki() : impl_(std::make_unique<Impl>()) {
    // CAs valid from a year back, so tests can verify at fixed past times.
    const CertSpec ca{.common_name = "qtls test CA", .ca = true, .not_before = -365 * kDay, .not_after = 3650 * kDay};
    CertSpec untrusted_ca = ca;
    untrusted_ca.common_name = "qtls untrusted CA";
    impl_->ca_key = generate_key(KeyType::ecdsa_p256);
    impl_->ca = issue(ca, impl_->ca_key.get(), nullptr, nullptr);
    impl_->untrusted_ca_key = generate_key(KeyType::ecdsa_p256);
    impl_->untrusted_ca = issue(untrusted_ca, impl_->untrusted_ca_key.get(), nullptr, nullptr);
    ca_pem_ = cert_pem(impl_->ca.get());
    ca_der_ = cert_der(impl_->ca.get());
    untrusted_ca_pem_ = cert_pem(impl_->untrusted_ca.get());

    // Under the build directory, so a test process that dies before its
    // static destructors run leaves litter there rather than in /tmp.
    const std::string parent = std::string(QTLS_BINARY_DIR) + "/test-pki-tmp";
    ::mkdir(parent.c_str(), 0700);
    std::string dir = parent + "/ca-XXXXXX";
    if (!::mkdtemp(dir.data())) die("mkdtemp failed");
    temp_dir_ = dir;
    owner_pid_ = ::getpid();
    ca_file_ = temp_dir_ + "/ca.pem";
    if (!write_file(ca_file_, ca_pem_, 0644)) die("cannot write the CA file");
}

TestPki::~TestPki() {
    // A forked child exiting normally runs this too; the files belong to the parent.
    if (::getpid() != owner_pid_) return;
    ::unlink(ca_file_.c_str());
    ::rmdir(temp_dir_.c_str());
}

const IssuedCert& TestPki::issued(std::string_view name) const {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = issued_.find(name); it != issued_.end()) return *it->second;

    KeyType type = KeyType::ecdsa_p256;
    bool known = false;
    for (KeyType t : kAllKeyTypes)
        if (key_type_name(t) == name) type = t, known = true;
    CertSpec spec{.common_name = "localhost", .san = kServerNames, .eku = "serverAuth"};
    X509* issuer = impl_->ca.get();
    EVP_PKEY* issuer_key = impl_->ca_key.get();
    if (name == "client") {
        spec = {.common_name = "qtls test client", .eku = "clientAuth"};
    } else if (name == "expired") {
        spec.not_before = -30 * kDay;
        spec.not_after = -kDay;
    } else if (name == "wrong_host") {
        spec.common_name = "wrong.example";
        spec.san = "DNS:wrong.example";
    } else if (name == "untrusted") {
        issuer = impl_->untrusted_ca.get();
        issuer_key = impl_->untrusted_ca_key.get();
    } else if (!known) {
        die("unknown test certificate name");
    }

    auto out = std::make_unique<IssuedCert>(make_issued(type, spec, issuer, issuer_key));
    const IssuedCert& ref = *out;
    issued_.emplace(std::string(name), std::move(out));
    return ref;
}

IssuedCert TestPki::issue_custom(KeyType type, const std::string& san, const std::string& common_name) const {
    const CertSpec spec{.common_name = common_name.c_str(), .san = san.c_str(), .eku = "serverAuth"};
    return make_issued(type, spec, impl_->ca.get(), impl_->ca_key.get());
}

std::string TestPki::write_to_dir(const std::string& dir) const {
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return {};
    if (!write_file(dir + "/ca.pem", ca_pem_, 0644)) return {};
    if (!write_file(dir + "/untrusted_ca.pem", untrusted_ca_pem_, 0644)) return {};
    std::vector<std::string> stems;
    for (KeyType t : kAllKeyTypes) stems.emplace_back(key_type_name(t));
    for (const char* s : {"client", "expired", "wrong_host", "untrusted"}) stems.emplace_back(s);
    for (const std::string& stem : stems) {
        const IssuedCert& c = issued(stem);
        if (!write_file(dir + "/" + stem + ".pem", c.cert_pem, 0644)) return {};
        if (!write_file(dir + "/" + stem + ".key", c.key_pem, 0600)) return {};
    }
    return dir + "/ca.pem";
}

std::shared_ptr<CertVerifier> TestPki::verifier(bool client_certs) const {
    X509VerifierOptions options;
    options.ca_file = ca_file_;
    options.client_certificates = client_certs;
    Result<std::shared_ptr<CertVerifier>> v = x509_verifier(options);
    if (!v) {
        ADD_FAILURE() << "x509_verifier: " << v.error().what;
        return nullptr;
    }
    return std::move(v).value();
}

const TestPki& test_pki() {
    static const TestPki pki;
    return pki;
}

}  // namespace qtls::test
