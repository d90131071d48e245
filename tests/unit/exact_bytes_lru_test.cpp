// ExactBytesLru (src/common/exact_bytes_lru.h), the cache behind the decoded
// certificate and decoded key caches: exact-byte keys, least recently used
// eviction, a bounded size.
#include <gtest/gtest.h>

#include <memory>

#include "common/exact_bytes_lru.h"

namespace qtls {
namespace {

using Handle = std::shared_ptr<int>;
struct ShareHandle {
    Handle operator()(const Handle& h) const { return h; }
};
using Lru = ExactBytesLru<Handle, ShareHandle>;

Bytes key(std::initializer_list<std::uint8_t> bytes) { return Bytes(bytes); }

TEST(ExactBytesLru, HitsOnlyOnTheExactBytes) {
    Lru lru(4);
    const Handle one = std::make_shared<int>(1);
    lru.insert(key({1, 2, 3}), one);
    EXPECT_EQ(lru.find(key({1, 2, 3})), one);
    EXPECT_FALSE(lru.find(key({1, 2})));        // a prefix
    EXPECT_FALSE(lru.find(key({1, 2, 3, 4})));  // an extension
    EXPECT_FALSE(lru.find(key({1, 2, 4})));
    EXPECT_FALSE(lru.find(ByteView{}));
}

TEST(ExactBytesLru, EvictsTheLeastRecentlyUsed) {
    Lru lru(2);
    lru.insert(key({1}), std::make_shared<int>(1));
    lru.insert(key({2}), std::make_shared<int>(2));
    ASSERT_TRUE(lru.find(key({1})));  // {2} is now the least recently used
    lru.insert(key({3}), std::make_shared<int>(3));
    EXPECT_EQ(lru.size(), 2u);
    EXPECT_TRUE(lru.find(key({1})));
    EXPECT_FALSE(lru.find(key({2})));
    EXPECT_EQ(*lru.find(key({3})), 3);
}

TEST(ExactBytesLru, NullAndZeroCapacityStoreNothing) {
    Lru lru(2);
    lru.insert(key({1}), nullptr);
    EXPECT_EQ(lru.size(), 0u);
    Lru off(0);
    off.insert(key({1}), std::make_shared<int>(1));
    EXPECT_EQ(off.size(), 0u);
    EXPECT_FALSE(off.find(key({1})));
}

}  // namespace
}  // namespace qtls
