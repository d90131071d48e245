// Certificate handling on arbitrary DER: certificate_public_key, subject and
// DNS names, the X509_STORE verifier (trusting the fixed fuzz CA, fixed
// time), the SNI resolver, signature verification against whatever SPKI the
// certificate yields, and the PEM/DER loaders.
//
// Input: mode byte, then
//   mode & 3   peer name: "localhost", "127.0.0.1", "" or (3) a name given
//              as a length byte and bytes;
//   mode & 4   the rest is a chain of u16-length-prefixed DER certificates
//              (else one DER certificate);
//   mode & 8   the verifier checks client certificates (clientAuth);
//   mode & 16  the rest is also parsed as PEM chain and private key.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz/fuzz_support.h"

namespace qtls::fuzz {
namespace {

std::string write_ca_file() {
    char path[] = "/tmp/qtls-fuzz-ca-XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0) invariant_failed("cannot create the CA file", __FILE__, __LINE__);
    const std::string& pem = fixed_certificate_pem();
    if (write(fd, pem.data(), pem.size()) != static_cast<ssize_t>(pem.size()))
        invariant_failed("cannot write the CA file", __FILE__, __LINE__);
    close(fd);
    return path;
}

CertVerifier& verifier(bool client_certificates) {
    static const std::string ca = [] {
        std::string p = write_ca_file();
        static std::string remove_at_exit;
        remove_at_exit = p;
        std::atexit([] { std::remove(remove_at_exit.c_str()); });
        return p;
    }();
    static auto make = [](bool client) {
        X509VerifierOptions o;
        o.ca_file = ca;
        o.fixed_time = 1700000000;  // 2023-11-14: inside the fixed certificate's validity
        o.client_certificates = client;
        auto v = x509_verifier(o);
        if (!v.ok()) invariant_failed("cannot build the x509 verifier", __FILE__, __LINE__);
        return std::move(v).value();
    };
    static const auto server_side = make(false);
    static const auto client_side = make(true);
    return client_certificates ? *client_side : *server_side;
}

const SignatureScheme kSchemes[] = {SignatureScheme::ed25519, SignatureScheme::ecdsa_secp256r1_sha256,
                                    SignatureScheme::ecdsa_secp384r1_sha384, SignatureScheme::rsa_pss_rsae_sha256,
                                    SignatureScheme::rsa_pss_pss_sha256};

}  // namespace
}  // namespace qtls::fuzz

using namespace qtls;
using namespace qtls::fuzz;

QTLS_FUZZ_TARGET(x509) {
    ++reach().runs;
    if (size == 0) return 0;
    const std::uint8_t mode = data[0];
    ByteView rest(data + 1, size - 1);
    std::string name;
    switch (mode & 3) {
        case 0: name = "localhost"; break;
        case 1: name = "127.0.0.1"; break;
        case 2: break;
        default: {
            const std::size_t n = rest.empty() ? 0 : std::min<std::size_t>(rest[0], rest.size() - 1);
            if (!rest.empty()) {
                name.assign(reinterpret_cast<const char*>(rest.data() + 1), n);
                rest = rest.subspan(1 + n);
            }
        }
    }
    std::vector<Bytes> chain;
    if (mode & 4) {
        while (rest.size() >= 2 && chain.size() < 8) {
            const std::size_t len = std::min<std::size_t>((std::size_t{rest[0]} << 8) | rest[1], rest.size() - 2);
            chain.emplace_back(rest.begin() + 2, rest.begin() + 2 + static_cast<std::ptrdiff_t>(len));
            rest = rest.subspan(2 + len);
        }
    } else {
        chain.emplace_back(rest.begin(), rest.end());
    }
    if (chain.empty()) return 0;

    const Bytes& leaf = chain.front();
    auto spki = certificate_public_key(leaf);
    (void)certificate_subject(leaf);
    (void)certificate_dns_names(leaf);
    if (spki.ok()) {
        ++reach().certificates_parsed;
        // Whatever key the certificate holds, verification must fail cleanly.
        const Bytes message(100, 0x20);
        const Bytes signature(mode & 0x20 ? 64 : 256, 0x01);
        const auto& openssl = *openssl_provider();
        for (SignatureScheme s : kSchemes) (void)openssl.verify_signature(s, *spki, message, signature);
    }
    Status verified = verifier((mode & 8) != 0).verify(chain, name);
    if (verified.ok()) QTLS_FUZZ_CHECK(spki.ok());

    SniCertResolver resolver;
    auto key = std::make_shared<CertifiedKey>();
    key->chain = chain;
    key->key = fixed_certified_key()->key;
    if (resolver.add(key).ok()) {
        const SignatureScheme schemes[] = {SignatureScheme::ed25519};
        ClientHelloInfo hello{name, schemes, {}};
        (void)resolver.resolve(hello);
    }

    if (mode & 16) {
        ByteView all(data + 1, size - 1);
        (void)load_certificate_chain(all);
        (void)load_private_key(all);
    }
    return 0;
}
