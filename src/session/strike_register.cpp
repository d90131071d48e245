// RFC 8446 §8.2: a ClientHello recording, bounded in time and size.
#include <atomic>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_set>

#include "qtls/session.h"

namespace qtls {

namespace {

class StrikeRegister final : public AntiReplay {
public:
    StrikeRegister(std::size_t capacity, std::uint32_t window_ms) : capacity_(capacity), window_ms_(window_ms) {}

    bool first_use(ByteView id, std::uint64_t now_ms) override {
        std::string key(id.begin(), id.end());
        std::lock_guard lock(mu_);
        // Forget entries older than the window: tickets that old are refused
        // by the freshness check before they get here.
        while (!order_.empty() && now_ms - order_.front().second > window_ms_) {
            seen_.erase(order_.front().first);
            order_.pop_front();
        }
        if (seen_.count(key) != 0) {
            ++replays_;
            return false;
        }
        if (seen_.size() >= capacity_) return false;  // full: fail safe, reject 0-RTT
        seen_.insert(key);
        order_.emplace_back(std::move(key), now_ms);
        return true;
    }

    std::uint64_t replays_rejected() const override { return replays_.load(); }

private:
    std::mutex mu_;
    std::size_t capacity_;
    std::uint32_t window_ms_;
    std::unordered_set<std::string> seen_;
    std::deque<std::pair<std::string, std::uint64_t>> order_;
    std::atomic<std::uint64_t> replays_{0};
};

}  // namespace

std::shared_ptr<AntiReplay> strike_register(std::size_t capacity, std::uint32_t window_ms) {
    return std::make_shared<StrikeRegister>(capacity, window_ms);
}

}  // namespace qtls
