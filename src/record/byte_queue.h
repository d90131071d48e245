// A contiguous FIFO of bytes for the record layer's buffers: TLS bytes in
// and out, and received plaintext. Space is reused: consuming everything
// rewinds the offsets, and a full buffer is compacted before it grows, so a
// connection in steady state does not allocate per record. Memory is wiped
// when it is released.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

#include "qtls/types.h"

namespace qtls::record {

class ByteQueue {
public:
    ByteQueue() = default;
    ByteQueue(ByteQueue&& o) noexcept { *this = std::move(o); }
    ByteQueue& operator=(ByteQueue&& o) noexcept;
    ByteQueue(const ByteQueue&) = delete;
    ByteQueue& operator=(const ByteQueue&) = delete;
    ~ByteQueue() { free_storage(); }

    std::size_t size() const { return tail_ - head_; }
    bool empty() const { return head_ == tail_; }
    std::size_t capacity() const { return cap_; }

    ByteView data() const { return {buf_.get() + head_, size()}; }
    MutableByteView mutable_data() { return {buf_.get() + head_, size()}; }

    // Drops up to n bytes from the front.
    void consume(std::size_t n);
    void clear() { head_ = tail_ = 0; }

    // Returns n writable bytes at the back, compacting or growing first when
    // needed; commit() then appends what was written.
    MutableByteView prepare(std::size_t n);
    void commit(std::size_t n) { tail_ += n; }
    void append(ByteView bytes);

    // Bytes that fit at the back without growing (after compaction).
    std::size_t room() const { return cap_ - size(); }
    // Allocates exactly `n` bytes of capacity up front when empty.
    void reserve(std::size_t n);

    // Frees the storage (wiped) when nothing is queued.
    void release();
    // Releases when empty and the capacity exceeds `keep`.
    void trim(std::size_t keep) {
        if (empty() && cap_ > keep) release();
    }

private:
    void compact();
    void free_storage();

    std::unique_ptr<std::uint8_t[]> buf_;
    std::size_t cap_ = 0;
    std::size_t head_ = 0;
    std::size_t tail_ = 0;
};

}  // namespace qtls::record
