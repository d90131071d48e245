// zlib (RFC 1950) for RFC 8879 algorithm 1.
#include <zlib.h>

#include "compress/codec.h"

namespace qtls::compress {
namespace {

// Certificates are compressed once per (certificate, algorithm) on a server
// (compressed_certificate_cache.h), so the best ratio is worth its time.
constexpr int kZlibLevel = Z_BEST_COMPRESSION;

Result<Bytes> zlib_compress(ByteView in) {
    uLongf size = compressBound(static_cast<uLong>(in.size()));
    Bytes out(size);
    if (compress2(out.data(), &size, in.data(), static_cast<uLong>(in.size()), kZlibLevel) != Z_OK)
        return Error{Alert::internal_error, "zlib compression failed"};
    out.resize(size);
    return out;
}

Status zlib_decompress(ByteView in, MutableByteView out) {
    z_stream zs{};
    if (inflateInit(&zs) != Z_OK) return Error{Alert::internal_error, "zlib inflateInit failed"};
    zs.next_in = const_cast<Bytef*>(in.data());  // zlib's API is not const-correct; it only reads
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    // One call with Z_FINISH and the whole output buffer: inflate writes
    // straight into `out` (no sliding window is allocated) and stops when
    // it is full, so a stream longer than declared ends in Z_BUF_ERROR.
    const int rc = inflate(&zs, Z_FINISH);
    const bool exact = zs.avail_out == 0 && zs.avail_in == 0;
    inflateEnd(&zs);
    if (rc != Z_STREAM_END) return decompression_failed("zlib stream is corrupt or longer than uncompressed_length");
    if (!exact) return decompression_failed("zlib stream length does not match uncompressed_length");
    return {};
}

}  // namespace

const Codec kZlibCodec{CertificateCompression::zlib, zlib_compress, zlib_decompress};

}  // namespace qtls::compress
