#include "qtls/secret.h"

#include <algorithm>
#include <cstring>
#include <strings.h>

namespace qtls {

void secure_wipe(void* p, std::size_t n) {
    if (n != 0) explicit_bzero(p, n);
}

bool constant_time_equal(ByteView a, ByteView b) {
    if (a.size() != b.size()) return false;
    std::uint8_t diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<std::uint8_t>(a[i] ^ b[i]);
    return diff == 0;
}

Secret::Secret(ByteView bytes) {
    len_ = std::min(bytes.size(), kMaxSecretLength);
    std::memcpy(buf_.data(), bytes.data(), len_);
}

Secret::Secret(const Secret& o) : buf_(o.buf_), len_(o.len_) {}

Secret& Secret::operator=(const Secret& o) {
    if (this != &o) {
        wipe();
        buf_ = o.buf_;
        len_ = o.len_;
    }
    return *this;
}

Secret::Secret(Secret&& o) noexcept : buf_(o.buf_), len_(o.len_) { o.wipe(); }

Secret& Secret::operator=(Secret&& o) noexcept {
    if (this != &o) {
        wipe();
        buf_ = o.buf_;
        len_ = o.len_;
        o.wipe();
    }
    return *this;
}

void Secret::resize(std::size_t n) { len_ = std::min(n, kMaxSecretLength); }

void Secret::wipe() {
    secure_wipe(buf_.data(), buf_.size());
    len_ = 0;
}

}  // namespace qtls
