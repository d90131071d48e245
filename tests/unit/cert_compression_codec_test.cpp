// Certificate compression (RFC 8879): each algorithm round-trips a real
// Certificate message, the CompressedCertificate and compress_certificate
// codecs re-encode byte-exactly, the sender picks its own preference among
// what the peer offered, and a server's compressed chain is cached.
#include <gtest/gtest.h>

#include "compress/codec.h"
#include "compress/compressed_certificate_cache.h"
#include "handshake/certificate_compression.h"
#include "msg/describe.h"
#include "msg/msg.h"
#include "qtls/config.h"
#include "support/test_pki.h"

namespace qtls::test {
namespace {

using msg::HandshakeType;

// A framed Certificate message for the RSA-4096 leaf: the largest the test PKI has.
Bytes certificate_message(std::uint8_t context_byte = 0) {
    msg::Certificate cert;
    if (context_byte) cert.context = {context_byte};
    for (const auto& der : test_pki().leaf(KeyType::rsa_4096)->chain) cert.entries.push_back({der, {}});
    for (const auto& der : test_pki().leaf(KeyType::ecdsa_p256)->chain) cert.entries.push_back({der, {}});
    return cert.encode();
}

msg::RawMessage raw(const Bytes& framed) {
    msg::RawMessage m;
    m.type = static_cast<HandshakeType>(framed[0]);
    m.full = framed;
    m.body = ByteView(framed).subspan(msg::kHandshakeHeaderSize);
    return m;
}

class PerAlgorithm : public ::testing::TestWithParam<CertificateCompression> {};

TEST_P(PerAlgorithm, CodecRoundTripsACertificateBody) {
    const compress::Codec* codec = compress::find_codec(static_cast<std::uint16_t>(GetParam()));
    ASSERT_NE(codec, nullptr);
    EXPECT_EQ(codec->algorithm, GetParam());
    const Bytes framed = certificate_message();
    ByteView body = ByteView(framed).subspan(msg::kHandshakeHeaderSize);
    auto compressed = codec->compress(body);
    ASSERT_TRUE(compressed.ok());
    EXPECT_LT(compressed->size(), body.size());
    Bytes out(body.size());
    ASSERT_TRUE(codec->decompress(*compressed, out).ok());
    EXPECT_TRUE(std::equal(out.begin(), out.end(), body.begin(), body.end()));
}

TEST_P(PerAlgorithm, CompressedCertificateExpandsToTheSameCertificate) {
    const Bytes framed = certificate_message(7);
    auto message = handshake::compressed_certificate_message(GetParam(), framed, false);
    ASSERT_TRUE(message.ok());
    ASSERT_EQ((*message)[0], static_cast<std::uint8_t>(HandshakeType::compressed_certificate));
    Bytes storage;
    msg::RawMessage cert;
    auto algorithm = handshake::expand_compressed_certificate(raw(*message), {GetParam()},
                                                              kDefaultMaxHandshakeMessageSize, storage, cert);
    ASSERT_TRUE(algorithm.ok()) << algorithm.error().what;
    EXPECT_EQ(*algorithm, GetParam());
    EXPECT_EQ(cert.type, HandshakeType::certificate);
    // The body is the Certificate; `full` stays the message as sent (the
    // transcript takes the CompressedCertificate, RFC 8879 §4).
    EXPECT_TRUE(std::equal(cert.body.begin(), cert.body.end(), framed.begin() + 4, framed.end()));
    EXPECT_EQ(Bytes(cert.full.begin(), cert.full.end()), *message);
    auto decoded = msg::Certificate::decode(cert.body);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->context, Bytes{7});
    EXPECT_EQ(decoded->entries.size(), 2u);
}

TEST_P(PerAlgorithm, ServerChainIsCompressedOncePerAlgorithm) {
    const Bytes framed = certificate_message(static_cast<std::uint8_t>(0x40 + static_cast<int>(GetParam())));
    auto first = handshake::compressed_certificate_message(GetParam(), framed, true);
    ASSERT_TRUE(first.ok());
    const std::size_t hits = compress::compressed_certificate_cache_hits();
    auto second = handshake::compressed_certificate_message(GetParam(), framed, true);
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(*first, *second);
    EXPECT_EQ(compress::compressed_certificate_cache_hits(), hits + 1);
}

INSTANTIATE_TEST_SUITE_P(CertCompression, PerAlgorithm,
                         ::testing::Values(CertificateCompression::zlib, CertificateCompression::brotli,
                                           CertificateCompression::zstd),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(CertCompressionMessage, EncodeDecodeIsExact) {
    msg::CompressedCertificate cc;
    cc.algorithm = 2;
    cc.uncompressed_length = 0x012345;
    cc.compressed = {1, 2, 3};
    const Bytes framed = cc.encode();
    EXPECT_EQ(framed, (Bytes{25, 0, 0, 11, 0, 2, 0x01, 0x23, 0x45, 0, 0, 3, 1, 2, 3}));
    auto back = msg::CompressedCertificate::decode(ByteView(framed).subspan(4));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->algorithm, 2);
    EXPECT_EQ(back->uncompressed_length, 0x012345u);
    EXPECT_EQ(back->compressed, cc.compressed);
    EXPECT_EQ(back->encode(), framed);
}

TEST(CertCompressionExtension, EncodeDecodeIsExact) {
    const Bytes body = handshake::compress_certificate_offer(all_certificate_compressions());
    EXPECT_EQ(body, (Bytes{6, 0, 2, 0, 3, 0, 1}));
    auto back = msg::decode_compress_certificate(body);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, (std::vector<std::uint16_t>{2, 3, 1}));
    // Unknown code points are kept (and later ignored), not rejected.
    auto unknown = msg::decode_compress_certificate(Bytes{4, 0x12, 0x34, 0, 1});
    ASSERT_TRUE(unknown.ok());
    EXPECT_EQ(*unknown, (std::vector<std::uint16_t>{0x1234, 1}));
}

TEST(CertCompressionChoice, OwnPreferenceAmongWhatThePeerOffered) {
    using C = CertificateCompression;
    auto ext = [](std::vector<std::uint16_t> codes) {
        return msg::Extension{static_cast<std::uint16_t>(msg::ExtensionType::compress_certificate),
                              msg::encode_compress_certificate(codes)};
    };
    const msg::Extension peer = ext({1, 3, 0x1234});
    auto chosen = handshake::choose_certificate_compression({C::brotli, C::zstd, C::zlib}, &peer);
    ASSERT_TRUE(chosen.ok());
    EXPECT_EQ(*chosen, C::zstd);
    chosen = handshake::choose_certificate_compression({C::zlib, C::zstd}, &peer);
    ASSERT_TRUE(chosen.ok());
    EXPECT_EQ(*chosen, C::zlib);
    const msg::Extension only_unknown = ext({0x1234});
    chosen = handshake::choose_certificate_compression({C::brotli}, &only_unknown);
    ASSERT_TRUE(chosen.ok());
    EXPECT_FALSE(chosen->has_value());
    chosen = handshake::choose_certificate_compression({C::brotli}, nullptr);
    ASSERT_TRUE(chosen.ok());
    EXPECT_FALSE(chosen->has_value());
}

TEST(CertCompressionNames, ParseWhatToStringPrints) {
    for (CertificateCompression c : all_certificate_compressions())
        EXPECT_EQ(parse_certificate_compression(to_string(c)), c);
    EXPECT_EQ(parse_certificate_compression("ZSTD"), CertificateCompression::zstd);
    EXPECT_FALSE(parse_certificate_compression("lz4").has_value());
    EXPECT_FALSE(parse_certificate_compression("").has_value());
}

TEST(CertCompressionDescribe, TraceNamesAlgorithmAndLength) {
    auto message =
        handshake::compressed_certificate_message(CertificateCompression::zstd, certificate_message(), false);
    ASSERT_TRUE(message.ok());
    const std::string line = msg::describe_messages(*message);
    EXPECT_NE(line.find("CompressedCertificate len="), std::string::npos) << line;
    EXPECT_NE(line.find("algorithm=zstd uncompressed_length="), std::string::npos) << line;
}

TEST(CertCompressionConfig, ValidateRejectsUnknownAndRepeatedAlgorithms) {
    ClientConfig client;
    client.verifier = test_pki().verifier();
    client.certificate_compression = all_certificate_compressions();
    EXPECT_TRUE(validate(client).ok());
    client.certificate_compression = {CertificateCompression::zlib, static_cast<CertificateCompression>(9)};
    EXPECT_FALSE(validate(client).ok());
    ServerConfig server;
    server.cert_resolver = single_cert_resolver(test_pki().leaf(KeyType::ecdsa_p256));
    server.certificate_compression = {CertificateCompression::zstd, CertificateCompression::zstd};
    EXPECT_FALSE(validate(server).ok());
    server.certificate_compression = {CertificateCompression::zstd};
    EXPECT_TRUE(validate(server).ok());
}

}  // namespace
}  // namespace qtls::test
