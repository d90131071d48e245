// Where a verifier's roots come from (X509VerifierOptions): a PEM bundle of
// one or more roots, an OpenSSL hashed directory, the system store; and the
// error, naming the file and the reason, for each way a source can be unusable.
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "crypto/libcrypto_ptr.h"
#include "qtls/certs.h"
#include "support/temp_dir.h"
#include "support/test_pki.h"
#include "x509/trust_store.h"

namespace qtls {
namespace {

using test::KeyType;
using test::TempDir;
using test::test_pki;

Status verify(const X509VerifierOptions& options, const CertifiedKey& leaf) {
    auto v = x509_verifier(options);
    if (!v) return v.error();
    return (*v)->verify(leaf.chain, "localhost");
}

// Builds a verifier that must fail, and returns what it said about which file.
FileError expect_failure(const X509VerifierOptions& options) {
    FileError failure;
    auto v = x509_verifier(options, &failure);
    EXPECT_FALSE(v) << "the verifier was built";
    if (!v) {
        EXPECT_EQ(failure.error.what, v.error().what);
    }
    return failure;
}

// The subject-hash name `openssl rehash` gives a CA: "<8 hex>.0".
std::string hashed_name(const std::string& ca_pem) {
    crypto::BioPtr bio(BIO_new_mem_buf(ca_pem.data(), static_cast<int>(ca_pem.size())));
    crypto::X509Ptr ca(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    EXPECT_TRUE(ca);
    if (!ca) return "invalid";
    char name[16];
    std::snprintf(name, sizeof name, "%08lx.0", X509_subject_name_hash(ca.get()));
    return name;
}

std::size_t roots_loaded(const X509VerifierOptions& options) {
    auto store = x509::load_trust_store(options, nullptr);
    EXPECT_TRUE(store) << (store ? "" : store.error().what);
    return store ? x509::trust_store_size(store->get()) : 0;
}

// Sets an environment variable for the scope of one test.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::string& value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        ::setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() {
        if (old_) ::setenv(name_, old_->c_str(), 1);
        else ::unsetenv(name_);
    }

private:
    const char* name_;
    std::optional<std::string> old_;
};

// One unusable source of roots and the reason the verifier must give.
struct BadSource {
    std::string path;
    std::string_view reason;
};

// Each case alone in `field` (ca_file or ca_dir) must fail, naming its path.
void expect_each_refused(const std::vector<BadSource>& cases, std::string X509VerifierOptions::*field) {
    for (const BadSource& c : cases) {
        SCOPED_TRACE(c.path);
        X509VerifierOptions options;
        options.*field = c.path;
        const FileError failure = expect_failure(options);
        EXPECT_EQ(failure.path, c.path);
        EXPECT_EQ(failure.error.what, c.reason);
        EXPECT_EQ(failure.message(), c.path + ": " + std::string(c.reason));
    }
}

TEST(X509TrustStore, BundleWithSeveralRoots) {
    TempDir dir;
    X509VerifierOptions options;
    options.ca_file = dir.write("bundle.pem", test_pki().untrusted_ca_pem() + "\n" + test_pki().ca_pem());
    EXPECT_EQ(roots_loaded(options), 2u);
    // A leaf of either CA verifies: every root in the bundle is trusted.
    EXPECT_TRUE(verify(options, *test_pki().leaf(KeyType::ecdsa_p256)));
    EXPECT_TRUE(verify(options, *test_pki().untrusted()));

    options.ca_file = dir.write("one.pem", test_pki().ca_pem());
    EXPECT_EQ(roots_loaded(options), 1u);
    const Status st = verify(options, *test_pki().untrusted());
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().alert, Alert::unknown_ca);
}

TEST(X509TrustStore, BundleErrorsNameTheFileAndReason) {
    TempDir dir;
    expect_each_refused({
        {dir.path() + "/missing.pem", "no such file"},
        {dir.write("empty.pem", ""), "the CA bundle is empty"},
        {dir.write("blank.pem", "\n  \n"), "the CA bundle is empty"},
        {dir.write("ca.der", std::string(test_pki().ca_der().begin(), test_pki().ca_der().end())),
         "the CA bundle is not PEM (no -----BEGIN line; convert DER with openssl x509)"},
        {dir.write("key.pem", test_pki().issued(KeyType::ecdsa_p256).key_pem), "no certificate found in PEM input"},
        {dir.write("damaged.pem", test_pki().ca_pem() + "-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n"),
         "malformed PEM block in certificate input"},
        {dir.mkdir("a-directory"), "is a directory, not a file"},
        },
        &X509VerifierOptions::ca_file);
}

TEST(X509TrustStore, HashedDirectoryVerifiesOnlyWhatItHolds) {
    TempDir dir;
    X509VerifierOptions options;
    options.ca_dir = dir.mkdir("roots");
    dir.write("roots/" + hashed_name(test_pki().ca_pem()), test_pki().ca_pem());
    const Status st = verify(options, *test_pki().leaf(KeyType::ed25519));
    EXPECT_TRUE(st) << st.error().what;

    // The same leaf against a directory holding only the other CA.
    options.ca_dir = dir.mkdir("other");
    dir.write("other/" + hashed_name(test_pki().untrusted_ca_pem()), test_pki().untrusted_ca_pem());
    const Status other = verify(options, *test_pki().leaf(KeyType::ed25519));
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().alert, Alert::unknown_ca);
    EXPECT_TRUE(verify(options, *test_pki().untrusted()));
}

TEST(X509TrustStore, DirectoryErrorsNameTheDirectoryAndReason) {
    TempDir dir;
    const std::string unhashed = dir.mkdir("unhashed");
    dir.write("unhashed/ca.pem", test_pki().ca_pem());  // not rehashed: X509_LOOKUP_hash_dir cannot find it
    expect_each_refused({
        {dir.path() + "/missing", "no such directory"},
        {dir.write("file.pem", test_pki().ca_pem()), "not a directory"},
        {dir.mkdir("empty"), "the directory holds no hashed certificate names (run openssl rehash on it)"},
        {unhashed, "the directory holds no hashed certificate names (run openssl rehash on it)"},
        },
        &X509VerifierOptions::ca_dir);
}

TEST(X509TrustStore, SystemStoreLoadsButDoesNotTrustALocalCa) {
    X509VerifierOptions options;
    options.system_roots = true;
    // Debian's ca-certificates bundle holds well over a hundred roots.
    EXPECT_GT(roots_loaded(options), 0u);
    const Status st = verify(options, *test_pki().leaf(KeyType::ecdsa_p256));
    ASSERT_FALSE(st) << "a locally generated CA is in the system store";
    EXPECT_EQ(st.error().alert, Alert::unknown_ca);
}

TEST(X509TrustStore, MissingSystemStoreIsAnError) {
    TempDir dir;
    const std::string file = dir.path() + "/no-bundle.pem";
    ScopedEnv cert_file("SSL_CERT_FILE", file);
    ScopedEnv cert_dir("SSL_CERT_DIR", dir.mkdir("no-certs"));
    X509VerifierOptions options;
    options.system_roots = true;
    const FileError failure = expect_failure(options);
    EXPECT_EQ(failure.path, file);
    EXPECT_EQ(failure.error.what, "the system trust store is missing or empty (install ca-certificates)");
}

TEST(X509TrustStore, SourcesCombine) {
    TempDir dir;
    X509VerifierOptions options;
    options.ca_file = dir.write("ca.pem", test_pki().ca_pem());
    options.ca_dir = dir.mkdir("roots");
    dir.write("roots/" + hashed_name(test_pki().untrusted_ca_pem()), test_pki().untrusted_ca_pem());
    options.system_roots = true;
    EXPECT_TRUE(verify(options, *test_pki().leaf(KeyType::ecdsa_p256)));
    EXPECT_TRUE(verify(options, *test_pki().untrusted()));
    // One bad source fails the whole store, naming that source.
    options.ca_dir = dir.path() + "/missing";
    EXPECT_EQ(expect_failure(options).path, options.ca_dir);
}

TEST(X509TrustStore, NoSourceIsAnError) {
    const FileError failure = expect_failure(X509VerifierOptions{});
    EXPECT_EQ(failure.path, "");
    EXPECT_EQ(failure.error.what, "no trust anchors configured (ca_file, ca_dir or system_roots)");
}

}  // namespace
}  // namespace qtls
