// CRYPTO frame reassembly by offset (RFC 9000 §19.6, §7.5; RFC 9001 §4.1.3).
#include <algorithm>

#include "qtls/quic.h"

namespace qtls::quic {

std::size_t CryptoReassembler::buffered() const {
    std::size_t n = 0;
    for (const auto& [offset, bytes] : pending_) n += bytes.size();
    return n;
}

Result<Bytes> CryptoReassembler::add(std::uint64_t offset, ByteView data) {
    if (exceeded_) return Error{Alert::internal_error, "CRYPTO_BUFFER_EXCEEDED"};
    const std::uint64_t end = offset + data.size();
    if (end < offset) return Error{Alert::decode_error, "CRYPTO frame offset overflows"};
    // RFC 9000 §7.5: data beyond what we are willing to buffer.
    if (end > read_offset_ + kMaxBufferedCryptoData) {
        exceeded_ = true;
        return Error{Alert::internal_error, "CRYPTO_BUFFER_EXCEEDED"};
    }
    if (end <= read_offset_) return Bytes{};  // a retransmission of what TLS already has

    // Trim the part TLS already has, then store the piece, trimming it
    // against the pieces already held so that pieces never overlap.
    std::uint64_t start = std::max(offset, read_offset_);
    ByteView piece = data.subspan(static_cast<std::size_t>(start - offset));
    while (!piece.empty()) {
        auto next = pending_.upper_bound(start);
        // A held piece starting at or before `start` may cover its beginning.
        if (next != pending_.begin()) {
            auto prev = std::prev(next);
            const std::uint64_t prev_end = prev->first + prev->second.size();
            if (prev_end > start) {
                const std::uint64_t skip = std::min<std::uint64_t>(prev_end - start, piece.size());
                start += skip;
                piece = piece.subspan(static_cast<std::size_t>(skip));
                continue;
            }
        }
        std::size_t take = piece.size();
        if (next != pending_.end() && next->first < start + take) take = static_cast<std::size_t>(next->first - start);
        pending_.emplace(start, Bytes(piece.begin(), piece.begin() + static_cast<std::ptrdiff_t>(take)));
        start += take;
        piece = piece.subspan(take);
    }

    Bytes ready;
    for (auto it = pending_.begin(); it != pending_.end() && it->first == read_offset_; it = pending_.erase(it)) {
        ready.insert(ready.end(), it->second.begin(), it->second.end());
        read_offset_ += it->second.size();
    }
    return ready;
}

}  // namespace qtls::quic
