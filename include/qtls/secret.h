/// @file
/// Fixed-capacity byte holders for key material. Secret wipes itself on
/// destruction and on move-from, so traffic secrets never linger on the heap
/// or stack after their owner is gone.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "qtls/types.h"
#include "qtls/export.h"

// Everything declared below is part of the exported API (qtls/export.h).
QTLS_PUBLIC_BEGIN

namespace qtls {

/// Zeroes memory in a way the optimiser may not remove.
void secure_wipe(void* p, std::size_t n);

/// Constant-time comparison of equal-length buffers (false when lengths differ).
bool constant_time_equal(ByteView a, ByteView b);

inline constexpr std::size_t kMaxSecretLength = 64;  ///< SHA-512 output; enough for every TLS 1.3 secret

class Secret {
public:
    Secret() = default;
    explicit Secret(ByteView bytes);
    Secret(const Secret& o);
    Secret& operator=(const Secret& o);
    Secret(Secret&& o) noexcept;
    Secret& operator=(Secret&& o) noexcept;
    ~Secret() { wipe(); }

    ByteView view() const { return {buf_.data(), len_}; }
    MutableByteView mutable_view() { return {buf_.data(), len_}; }
    const std::uint8_t* data() const { return buf_.data(); }
    std::uint8_t* data() { return buf_.data(); }
    std::size_t size() const { return len_; }
    bool empty() const { return len_ == 0; }
    /// Sets the length (<= kMaxSecretLength) without touching contents.
    void resize(std::size_t n);
    void wipe();

private:
    std::array<std::uint8_t, kMaxSecretLength> buf_{};
    std::size_t len_ = 0;
};

/// A hash output: public data (transcript hashes), so no wiping.
struct Digest {
    std::array<std::uint8_t, kMaxSecretLength> bytes{};
    std::size_t len = 0;
    ByteView view() const { return {bytes.data(), len}; }
};

}  // namespace qtls
QTLS_PUBLIC_END
