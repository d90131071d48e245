// One certificate compression algorithm (RFC 8879 §3) behind a small
// interface: the engine only sees compress() and a bounded decompress().
#pragma once

#include <cstdint>

#include "qtls/cert_compression.h"
#include "qtls/error.h"
#include "qtls/types.h"

namespace qtls::compress {

struct Codec {
    CertificateCompression algorithm;
    // The compressed form of `in`; an error only when the library fails.
    Result<Bytes> (*compress)(ByteView in);
    // Decompresses `in` into exactly `out`: the stream must end cleanly,
    // consume all of `in` and produce exactly out.size() bytes, else
    // bad_certificate (RFC 8879 §4). Output never goes beyond `out`, so the
    // declared length bounds a decompression bomb; what the library needs
    // besides (window, tables) is bounded by a constant per algorithm.
    Status (*decompress)(ByteView in, MutableByteView out);
};

// The codec for an algorithm code point; nullptr for one qtls does not implement.
const Codec* find_codec(std::uint16_t algorithm);

// One per file: zlib_codec.cpp, brotli_codec.cpp, zstd_codec.cpp.
extern const Codec kZlibCodec;
extern const Codec kBrotliCodec;
extern const Codec kZstdCodec;

inline Error decompression_failed(std::string_view what) { return Error{Alert::bad_certificate, what}; }

}  // namespace qtls::compress
