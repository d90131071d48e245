// Brotli (RFC 7932) for RFC 8879 algorithm 2.
#include <brotli/decode.h>
#include <brotli/encode.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "compress/codec.h"

namespace qtls::compress {
namespace {

// Quality 8 of 11: on a 1-5 KB chain it compresses in tens of
// microseconds, within 1% of quality 11's size, which takes milliseconds
// (quality 9's larger hasher costs more still); a client certificate is
// compressed per handshake. A 1 MiB window covers any certificate message
// qtls accepts by default and keeps what a peer's decoder must allocate small.
constexpr int kBrotliQuality = 8;
constexpr int kBrotliWindowBits = 20;
// What the decoder may allocate besides the output (which is `out`): the
// ring buffer for the default 4 MiB window (RFC 7932 §9.1, what other
// implementations send), which it grows by reallocation (old and new alive
// at once), plus Huffman tables and context maps. A stream that needs more
// (a 16 MiB window) fails with bad_certificate.
constexpr std::size_t kBrotliDecoderMemoryBudget = 8u << 20;

Result<Bytes> brotli_compress(ByteView in) {
    std::size_t size = BrotliEncoderMaxCompressedSize(in.size());
    if (size == 0) return Error{Alert::internal_error, "input too large for brotli"};
    Bytes out(size);
    if (!BrotliEncoderCompress(kBrotliQuality, kBrotliWindowBits, BROTLI_MODE_GENERIC, in.size(), in.data(), &size,
                               out.data()))
        return Error{Alert::internal_error, "brotli compression failed"};
    out.resize(size);
    return out;
}

// The decoder's allocator: every block carries its size in front, so the
// budget is charged on allocation and refunded on free.
struct Budget {
    std::size_t left;
};
constexpr std::size_t kHeader = alignof(std::max_align_t);

void* budget_alloc(void* opaque, std::size_t size) {
    auto* budget = static_cast<Budget*>(opaque);
    if (size > budget->left) return nullptr;  // the decoder reports an allocation error
    auto* block = static_cast<unsigned char*>(std::malloc(kHeader + size));
    if (!block) return nullptr;
    std::memcpy(block, &size, sizeof size);
    budget->left -= size;
    return block + kHeader;
}

void budget_free(void* opaque, void* address) {
    if (!address) return;
    auto* block = static_cast<unsigned char*>(address) - kHeader;
    std::size_t size = 0;
    std::memcpy(&size, block, sizeof size);
    static_cast<Budget*>(opaque)->left += size;
    std::free(block);
}

Status brotli_decompress(ByteView in, MutableByteView out) {
    Budget budget{kBrotliDecoderMemoryBudget};
    BrotliDecoderState* s = BrotliDecoderCreateInstance(budget_alloc, budget_free, &budget);
    if (!s) return Error{Alert::internal_error, "brotli decoder could not be created"};
    std::size_t avail_in = in.size();
    const std::uint8_t* next_in = in.data();
    std::size_t avail_out = out.size();
    std::uint8_t* next_out = out.data();
    // The whole input and the whole output buffer in one call: the decoder
    // stops at the end of the stream, at the end of `out`
    // (NEEDS_MORE_OUTPUT: longer than declared) or at an error.
    const BrotliDecoderResult rc =
        BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out, &next_out, nullptr);
    BrotliDecoderDestroyInstance(s);
    if (rc != BROTLI_DECODER_RESULT_SUCCESS)
        return decompression_failed("brotli stream is corrupt, too demanding or longer than uncompressed_length");
    if (avail_in != 0 || avail_out != 0)
        return decompression_failed("brotli stream length does not match uncompressed_length");
    return {};
}

}  // namespace

const Codec kBrotliCodec{CertificateCompression::brotli, brotli_compress, brotli_decompress};

}  // namespace qtls::compress
