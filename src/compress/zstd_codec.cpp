// Zstandard (RFC 8478) for RFC 8879 algorithm 3.
#include <zstd.h>

#include "compress/codec.h"

namespace qtls::compress {
namespace {

// Compressed once per (certificate, algorithm) on a server, see zlib_codec.cpp.
constexpr int kZstdLevel = 19;

Result<Bytes> zstd_compress(ByteView in) {
    Bytes out(ZSTD_compressBound(in.size()));
    const std::size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), kZstdLevel);
    if (ZSTD_isError(n)) return Error{Alert::internal_error, "zstd compression failed"};
    out.resize(n);
    return out;
}

Status zstd_decompress(ByteView in, MutableByteView out) {
    // One-shot decoding uses `out` itself as the window, whatever window
    // size the frame header claims, and fails with dstSize_tooSmall instead
    // of writing past it; trailing bytes that are not a frame are an error.
    const std::size_t n = ZSTD_decompress(out.data(), out.size(), in.data(), in.size());
    if (ZSTD_isError(n)) return decompression_failed("zstd stream is corrupt or longer than uncompressed_length");
    if (n != out.size()) return decompression_failed("zstd stream length does not match uncompressed_length");
    return {};
}

}  // namespace

const Codec kZstdCodec{CertificateCompression::zstd, zstd_compress, zstd_decompress};

}  // namespace qtls::compress
