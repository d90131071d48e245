// Tracks handshake-message boundaries across received handshake records, so
// the record layer can enforce RFC 8446 §5.1: a handshake message split over
// several records must not have records of any other type between its
// pieces. Only the 4-byte message header (msg_type, uint24 length, §4) is
// read; the Engine parses the messages themselves.
#pragma once

#include <cstddef>
#include <cstdint>

#include "qtls/types.h"

namespace qtls::record {

class HandshakeFraming {
public:
    // Accounts for one handshake fragment.
    void add(ByteView fragment) {
        std::size_t i = 0;
        while (i < fragment.size()) {
            if (remaining_ > 0) {
                const std::size_t take = fragment.size() - i < remaining_ ? fragment.size() - i : remaining_;
                remaining_ -= take;
                i += take;
                continue;
            }
            // Header byte: msg_type, then three length bytes.
            if (header_seen_ > 0) length_ = (length_ << 8) | fragment[i];
            ++header_seen_;
            ++i;
            if (header_seen_ == kHeaderLength) {
                remaining_ = length_;
                header_seen_ = 0;
                length_ = 0;
            }
        }
    }

    // True while a message has started but not ended.
    bool mid_message() const { return remaining_ > 0 || header_seen_ > 0; }

private:
    static constexpr std::size_t kHeaderLength = 4;
    std::size_t header_seen_ = 0;
    std::uint32_t length_ = 0;
    std::size_t remaining_ = 0;
};

}  // namespace qtls::record
