// load_certified_key: every failure names the file at fault (FileError) and
// says why, so a server that will not start points at the right file.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <string>

#include "crypto/libcrypto_ptr.h"
#include "qtls/certs.h"
#include "support/temp_dir.h"
#include "support/test_pki.h"

namespace qtls {
namespace {

using test::KeyType;
using test::TempDir;
using test::test_pki;

constexpr std::string_view kEncrypted =
    "the private key is encrypted and qtls takes no passphrase; decrypt it first (openssl pkey -in KEY -out KEY.plain)";

// The same key as PKCS#8 EncryptedPrivateKeyInfo (RFC 5958 §3).
std::string encrypted_pkcs8(const std::string& key_pem) {
    crypto::BioPtr in(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
    crypto::PkeyPtr key(PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, nullptr));
    EXPECT_TRUE(key);
    if (!key) return {};
    crypto::BioPtr out(BIO_new(BIO_s_mem()));
    char pass[] = "passphrase";
    EXPECT_EQ(PEM_write_bio_PKCS8PrivateKey(out.get(), key.get(), EVP_aes_256_cbc(), pass, sizeof pass - 1, nullptr,
                                            nullptr),
              1);
    char* data = nullptr;
    const long len = BIO_get_mem_data(out.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

FileError expect_failure(const std::string& cert, const std::string& key) {
    FileError failure;
    auto loaded = load_certified_key(cert, key, &failure);
    EXPECT_FALSE(loaded) << "loaded " << cert << " / " << key;
    if (!loaded) {
        EXPECT_EQ(failure.error.what, loaded.error().what);
    }
    return failure;
}

class CertifiedKeyErrors : public ::testing::Test {
protected:
    TempDir dir;
    const test::IssuedCert& ec = test_pki().issued(KeyType::ecdsa_p256);
    const std::string cert = dir.write("ec.pem", ec.cert_pem);
    const std::string key = dir.write("ec.key", ec.key_pem);
};

TEST_F(CertifiedKeyErrors, GoodPairLoadsAndLeavesFailureUntouched) {
    FileError failure;
    auto loaded = load_certified_key(cert, key, &failure);
    ASSERT_TRUE(loaded) << failure.message();
    EXPECT_TRUE(failure.path.empty());
}

TEST_F(CertifiedKeyErrors, MissingCertificate) {
    const std::string missing = dir.path() + "/missing.pem";
    const FileError failure = expect_failure(missing, key);
    EXPECT_EQ(failure.path, missing);
    EXPECT_EQ(failure.error.what, "no such file");
    EXPECT_EQ(failure.message(), missing + ": no such file");
}

TEST_F(CertifiedKeyErrors, MissingKey) {
    const std::string missing = dir.path() + "/missing.key";
    const FileError failure = expect_failure(cert, missing);
    EXPECT_EQ(failure.path, missing);
    EXPECT_EQ(failure.error.what, "no such file");
}

TEST_F(CertifiedKeyErrors, EncryptedPkcs8Key) {
    const std::string encrypted = dir.write("encrypted.key", encrypted_pkcs8(ec.key_pem));
    const FileError failure = expect_failure(cert, encrypted);
    EXPECT_EQ(failure.path, encrypted);
    EXPECT_EQ(failure.error.what, kEncrypted);
}

TEST_F(CertifiedKeyErrors, KeyOfAnotherCertificate) {
    const std::string other = dir.write("other.key", test_pki().issued(KeyType::ed25519).key_pem);
    const FileError failure = expect_failure(cert, other);
    EXPECT_EQ(failure.path, other);
    EXPECT_EQ(failure.error.what, "private key does not match the certificate");
}

TEST_F(CertifiedKeyErrors, CertificateFileWithoutCertificate) {
    // Swapped arguments are a common slip: the key file has no CERTIFICATE.
    const FileError failure = expect_failure(key, key);
    EXPECT_EQ(failure.path, key);
    EXPECT_EQ(failure.error.what, "no certificate found in PEM input");
}

TEST_F(CertifiedKeyErrors, KeyFileWithoutKey) {
    const std::string not_a_key = dir.write("not-a-key.pem", ec.cert_pem);
    const FileError failure = expect_failure(cert, not_a_key);
    EXPECT_EQ(failure.path, not_a_key);
    EXPECT_EQ(failure.error.what, "no private key found in PEM input");
}

TEST_F(CertifiedKeyErrors, DirectoryGivenAsFile) {
    const std::string sub = dir.mkdir("sub");
    EXPECT_EQ(expect_failure(sub, key).error.what, "is a directory, not a file");
    EXPECT_EQ(expect_failure(cert, sub).path, sub);
}

}  // namespace
}  // namespace qtls
