// Keys held outside the library (an HSM, a remote signer): qtls asks the
// Signer which schemes it can produce and for exactly one signature.
#include <gtest/gtest.h>

#include "support/engine_harness.h"
#include "support/test_pki.h"

namespace qtls::test {
namespace {

// Stands in for an HSM: the private key never leaves it; the library only
// sees schemes() and sign().
class RemoteSigner : public Signer {
public:
    explicit RemoteSigner(std::shared_ptr<Signer> key) : key_(std::move(key)) {}
    std::vector<SignatureScheme> schemes() const override { return key_->schemes(); }
    Result<Bytes> sign(SignatureScheme scheme, ByteView message) override {
        ++calls;
        last_scheme = scheme;
        if (fail) return Error{Alert::internal_error, "HSM unavailable"};
        return key_->sign(scheme, message);
    }
    int calls = 0;
    bool fail = false;
    std::optional<SignatureScheme> last_scheme;

private:
    std::shared_ptr<Signer> key_;
};

struct SignerPair {
    std::shared_ptr<RemoteSigner> signer;
    std::shared_ptr<ClientConfig> client = std::make_shared<ClientConfig>();
    std::shared_ptr<ServerConfig> server = std::make_shared<ServerConfig>();

    explicit SignerPair(KeyType type) {
        auto real = test_pki().leaf(type);
        signer = std::make_shared<RemoteSigner>(real->key);
        auto key = std::make_shared<CertifiedKey>();
        key->chain = real->chain;
        key->key = signer;
        server->cert_resolver = single_cert_resolver(key);
        client->verifier = test_pki().verifier();
    }
    PumpResult run() {
        auto c = Engine::client(client, {"localhost", Transport::tcp, {}});
        auto s = Engine::server(server, {});
        return pump(**c, **s);
    }
};

TEST(CustomSigner, AskedOnceWithASchemeItOffered) {
    for (KeyType type : {KeyType::ecdsa_p256, KeyType::rsa_2048, KeyType::ed25519}) {
        SignerPair p(type);
        auto r = p.run();
        ASSERT_TRUE(r.ok) << key_type_name(type);
        EXPECT_EQ(p.signer->calls, 1);
        ASSERT_TRUE(p.signer->last_scheme);
        auto offered = p.signer->schemes();
        EXPECT_NE(std::find(offered.begin(), offered.end(), *p.signer->last_scheme), offered.end());
    }
}

TEST(CustomSigner, FailureEndsTheHandshakeWithInternalError) {
    SignerPair p(KeyType::ecdsa_p256);
    p.signer->fail = true;
    auto r = p.run();
    EXPECT_FALSE(r.ok);
    ASSERT_TRUE(r.server.alert);
    EXPECT_EQ(r.server.alert->alert, Alert::internal_error);
}

TEST(CustomSigner, ClientCertificateFromASigner) {
    SignerPair p(KeyType::ecdsa_p256);
    auto real = test_pki().client();
    auto client_signer = std::make_shared<RemoteSigner>(real->key);
    auto key = std::make_shared<CertifiedKey>();
    key->chain = real->chain;
    key->key = client_signer;
    p.client->client_certificate = key;
    p.server->client_auth = ClientAuth::required;
    p.server->client_verifier = test_pki().verifier(true);
    ASSERT_TRUE(p.run().ok);
    EXPECT_EQ(client_signer->calls, 1);
}

}  // namespace
}  // namespace qtls::test
