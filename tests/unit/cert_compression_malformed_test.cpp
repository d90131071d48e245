// Malformed certificate compression input (RFC 8879 §4): truncated or
// padded CompressedCertificate and compress_certificate bodies, algorithms
// that were not offered, declared lengths above the limit or not matching
// the stream, corrupt streams and decompression bombs. Every case ends in
// the alert RFC 8879 / RFC 8446 §6.2 name, never a crash or an allocation
// the declared length does not bound (run under ASan with QTLS_SANITIZE).
#include <brotli/encode.h>
#include <gtest/gtest.h>

#include <random>

#include "compress/codec.h"
#include "handshake/certificate_compression.h"
#include "msg/msg.h"
#include "qtls/config.h"

namespace qtls::test {
namespace {

using C = CertificateCompression;
using msg::HandshakeType;

constexpr std::size_t kLimit = kDefaultMaxHandshakeMessageSize;

// A Certificate body with one fake certificate of `n` bytes of `fill`.
Bytes certificate_body(std::size_t n, std::uint8_t fill = 0x5a) {
    msg::Certificate cert;
    cert.entries.push_back({Bytes(n, fill), {}});
    Bytes framed = cert.encode();
    return Bytes(framed.begin() + 4, framed.end());
}

Bytes compressed_with(C algorithm, ByteView data) {
    auto out = compress::find_codec(static_cast<std::uint16_t>(algorithm))->compress(data);
    EXPECT_TRUE(out.ok());
    return out.ok() ? *out : Bytes{};
}

Bytes framed(std::uint16_t algorithm, std::uint32_t declared, Bytes data) {
    msg::CompressedCertificate cc;
    cc.algorithm = algorithm;
    cc.uncompressed_length = declared;
    cc.compressed = std::move(data);
    return cc.encode();
}

// The alert expand_compressed_certificate ends in, or nullopt on success.
std::optional<Alert> expand(const Bytes& message, const std::vector<C>& offered, std::size_t limit = kLimit) {
    msg::RawMessage m;
    m.type = HandshakeType::compressed_certificate;
    m.full = message;
    m.body = ByteView(message).subspan(4);
    Bytes storage;
    msg::RawMessage out;
    auto r = handshake::expand_compressed_certificate(m, offered, limit, storage, out);
    if (r.ok()) return std::nullopt;
    return r.error().alert;
}

class PerAlgorithm : public ::testing::TestWithParam<C> {
protected:
    std::uint16_t code() const { return static_cast<std::uint16_t>(GetParam()); }
};

TEST_P(PerAlgorithm, ExactLengthIsAccepted) {
    const Bytes body = certificate_body(3000);
    EXPECT_EQ(expand(framed(code(), static_cast<std::uint32_t>(body.size()), compressed_with(GetParam(), body)),
                     {GetParam()}),
              std::nullopt);
}

TEST_P(PerAlgorithm, DeclaredLengthMismatchIsBadCertificate) {
    const Bytes body = certificate_body(3000);
    const Bytes data = compressed_with(GetParam(), body);
    const auto n = static_cast<std::uint32_t>(body.size());
    EXPECT_EQ(expand(framed(code(), n - 1, data), {GetParam()}), Alert::bad_certificate);  // stream longer
    EXPECT_EQ(expand(framed(code(), n + 1, data), {GetParam()}), Alert::bad_certificate);  // stream shorter
    EXPECT_EQ(expand(framed(code(), 0, data), {GetParam()}), Alert::bad_certificate);
}

// A small stream that expands to 16 MiB - 1 of zeros: the declared length
// is all the output that is ever allocated, whatever the stream says.
TEST_P(PerAlgorithm, DecompressionBombStopsAtTheDeclaredLength) {
    const Bytes zeros(msg::kMaxU24, 0);
    const Bytes bomb = compressed_with(GetParam(), zeros);
    ASSERT_LT(bomb.size(), 64u * 1024);
    // Declared small: the output buffer fills and the stream is refused.
    EXPECT_EQ(expand(framed(code(), 4096, bomb), {GetParam()}), Alert::bad_certificate);
    // Declared honestly: above the configured limit, refused before decompressing.
    EXPECT_EQ(expand(framed(code(), msg::kMaxU24, bomb), {GetParam()}), Alert::bad_certificate);
    EXPECT_EQ(expand(framed(code(), kLimit + 1, bomb), {GetParam()}), Alert::bad_certificate);
}

TEST_P(PerAlgorithm, CorruptTruncatedOrPaddedStreamIsBadCertificate) {
    const Bytes body = certificate_body(2000, 0x33);
    const Bytes data = compressed_with(GetParam(), body);
    const auto n = static_cast<std::uint32_t>(body.size());
    Bytes truncated(data.begin(), data.end() - 1);
    EXPECT_EQ(expand(framed(code(), n, truncated), {GetParam()}), Alert::bad_certificate);
    Bytes padded = data;
    padded.push_back(0);
    EXPECT_EQ(expand(framed(code(), n, padded), {GetParam()}), Alert::bad_certificate);
    Bytes garbage(64);
    for (std::size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<std::uint8_t>(i * 37 + 11);
    EXPECT_EQ(expand(framed(code(), n, garbage), {GetParam()}), Alert::bad_certificate);
    // Every single-byte corruption: an error or (rarely) another valid
    // stream of the same length; never a crash.
    for (std::size_t i = 0; i < data.size(); ++i) {
        Bytes flipped = data;
        flipped[i] ^= 0x41;
        auto alert = expand(framed(code(), n, flipped), {GetParam()});
        if (alert) {
            EXPECT_EQ(*alert, Alert::bad_certificate);
        }
    }
}

TEST_P(PerAlgorithm, AlgorithmNotOfferedIsIllegalParameter) {
    const Bytes body = certificate_body(100);
    const Bytes message = framed(code(), static_cast<std::uint32_t>(body.size()), compressed_with(GetParam(), body));
    std::vector<C> others;
    for (C c : all_certificate_compressions())
        if (c != GetParam()) others.push_back(c);
    EXPECT_EQ(expand(message, others), Alert::illegal_parameter);
    // Nothing offered at all: the message may not appear (RFC 8879 §4).
    EXPECT_EQ(expand(message, {}), Alert::unexpected_message);
}

INSTANTIATE_TEST_SUITE_P(CertCompression, PerAlgorithm, ::testing::Values(C::zlib, C::brotli, C::zstd),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(CertCompressionMalformed, UnknownAlgorithmIsIllegalParameter) {
    const Bytes body = certificate_body(100);
    for (std::uint16_t code : {0, 4, 0x1234, 0xffff})
        EXPECT_EQ(expand(framed(code, static_cast<std::uint32_t>(body.size()), compressed_with(C::zlib, body)),
                         all_certificate_compressions()),
                  Alert::illegal_parameter)
            << code;
}

TEST(CertCompressionMalformed, TruncatedEmptyOrPaddedMessageIsDecodeError) {
    const Bytes good = framed(1, 100, Bytes{1, 2, 3, 4});
    const ByteView body = ByteView(good).subspan(4);
    ASSERT_TRUE(msg::CompressedCertificate::decode(body).ok());
    for (std::size_t n = 0; n < body.size(); ++n) {
        auto r = msg::CompressedCertificate::decode(body.first(n));
        ASSERT_FALSE(r.ok()) << n;
        EXPECT_EQ(r.error().alert, Alert::decode_error) << n;
    }
    Bytes padded(body.begin(), body.end());
    padded.push_back(0);
    EXPECT_EQ(msg::CompressedCertificate::decode(padded).error().alert, Alert::decode_error);
    // compressed_certificate_message<1..2^24-1>: never empty.
    const Bytes empty = {0, 1, 0, 0, 100, 0, 0, 0};
    EXPECT_EQ(msg::CompressedCertificate::decode(empty).error().alert, Alert::decode_error);
    // Through the engine's path the same framing errors stay decode_error.
    Bytes framed_empty = {25, 0, 0, 8};
    framed_empty.insert(framed_empty.end(), empty.begin(), empty.end());
    EXPECT_EQ(expand(framed_empty, all_certificate_compressions()), Alert::decode_error);
}

TEST(CertCompressionMalformed, ExtensionFramingIsDecodeError) {
    const Bytes cases[] = {
        {},                // no list length
        {0},               // empty list: <2..2^8-2>
        {1, 0},            // odd length
        {3, 0, 1, 0},      // odd length
        {4, 0, 1},         // list longer than the body
        {2, 0, 1, 0},      // trailing byte
    };
    for (const Bytes& body : cases) {
        auto r = msg::decode_compress_certificate(body);
        ASSERT_FALSE(r.ok()) << body.size();
        EXPECT_EQ(r.error().alert, Alert::decode_error);
    }
    // The sender's choice reads the peer's extension: the same errors.
    const msg::Extension bad{static_cast<std::uint16_t>(msg::ExtensionType::compress_certificate), Bytes{0}};
    auto chosen = handshake::choose_certificate_compression(all_certificate_compressions(), &bad);
    ASSERT_FALSE(chosen.ok());
    EXPECT_EQ(chosen.error().alert, Alert::decode_error);
}

TEST(CertCompressionMalformed, ExtensionOnlyWhereRfc8879AllowsIt) {
    const auto type = static_cast<std::uint16_t>(msg::ExtensionType::compress_certificate);
    EXPECT_TRUE(msg::extension_allowed(type, HandshakeType::client_hello));
    EXPECT_TRUE(msg::extension_allowed(type, HandshakeType::certificate_request));
    EXPECT_FALSE(msg::extension_allowed(type, HandshakeType::encrypted_extensions));
    EXPECT_FALSE(msg::extension_allowed(type, HandshakeType::server_hello));
    EXPECT_FALSE(msg::extension_allowed(type, HandshakeType::certificate));
    EXPECT_FALSE(msg::extension_allowed(type, HandshakeType::new_session_ticket));
}

// Brotli's decoder allocates a ring buffer as large as the stream's window
// besides the output: a 16 MiB window (lgwin 24) is refused by the decoder
// memory budget, the usual 4 MiB one (lgwin 22, what other implementations
// send) is not.
TEST(CertCompressionMalformed, BrotliWindowIsBoundedByTheDecoderBudget) {
    Bytes data(6u << 20);
    std::mt19937 rng(8879);
    for (auto& b : data) b = static_cast<std::uint8_t>(rng() & 0x0f);  // compressible, but not to nothing
    auto with_window = [&](int lgwin) {
        std::size_t size = BrotliEncoderMaxCompressedSize(data.size());
        Bytes out(size);
        EXPECT_TRUE(BrotliEncoderCompress(1, lgwin, BROTLI_MODE_GENERIC, data.size(), data.data(), &size, out.data()));
        out.resize(size);
        return out;
    };
    const auto n = static_cast<std::uint32_t>(data.size());
    EXPECT_EQ(expand(framed(2, n, with_window(24)), {C::brotli}, msg::kMaxU24), Alert::bad_certificate);
    EXPECT_EQ(expand(framed(2, n, with_window(22)), {C::brotli}, msg::kMaxU24), std::nullopt);
}

}  // namespace
}  // namespace qtls::test
