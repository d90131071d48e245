#include "record/byte_queue.h"

#include <algorithm>
#include <cstring>

#include "qtls/secret.h"

namespace qtls::record {

ByteQueue& ByteQueue::operator=(ByteQueue&& o) noexcept {
    if (this != &o) {
        free_storage();
        buf_ = std::move(o.buf_);
        cap_ = o.cap_;
        head_ = o.head_;
        tail_ = o.tail_;
        o.cap_ = o.head_ = o.tail_ = 0;
    }
    return *this;
}

void ByteQueue::consume(std::size_t n) {
    head_ += std::min(n, size());
    if (head_ == tail_) head_ = tail_ = 0;
}

void ByteQueue::compact() {
    if (head_ == 0) return;
    const std::size_t n = size();
    if (n > 0) std::memmove(buf_.get(), buf_.get() + head_, n);
    head_ = 0;
    tail_ = n;
}

MutableByteView ByteQueue::prepare(std::size_t n) {
    if (cap_ - tail_ < n) {
        compact();
        if (cap_ - tail_ < n) {
            const std::size_t needed = tail_ + n;
            const std::size_t grown = std::max(needed, cap_ + cap_ / 2);
            auto fresh = std::make_unique_for_overwrite<std::uint8_t[]>(grown);
            if (tail_ > 0) std::memcpy(fresh.get(), buf_.get(), tail_);
            if (buf_) secure_wipe(buf_.get(), cap_);
            buf_ = std::move(fresh);
            cap_ = grown;
        }
    }
    return {buf_.get() + tail_, n};
}

void ByteQueue::append(ByteView bytes) {
    if (bytes.empty()) return;
    MutableByteView dst = prepare(bytes.size());
    std::memcpy(dst.data(), bytes.data(), bytes.size());
    commit(bytes.size());
}

void ByteQueue::reserve(std::size_t n) {
    if (!empty() || cap_ >= n) return;
    release();
    buf_ = std::make_unique_for_overwrite<std::uint8_t[]>(n);
    cap_ = n;
}

void ByteQueue::release() {
    if (empty()) free_storage();
}

void ByteQueue::free_storage() {
    if (buf_) secure_wipe(buf_.get(), cap_);
    buf_.reset();
    cap_ = head_ = tail_ = 0;
}

}  // namespace qtls::record
