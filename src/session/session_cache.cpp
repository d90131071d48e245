// The stateful session cache (qtls/session.h, session_cache_ticketer): the
// ticket is only an id; the state never leaves the server.
#include <list>
#include <map>
#include <mutex>

#include "qtls/session.h"

namespace qtls {

namespace {

using SessionId = std::array<std::uint8_t, kSessionCacheIdLength>;

bool expired(const ResumptionState& s, std::uint64_t now_ms) {
    return now_ms < s.issued_at_ms || now_ms - s.issued_at_ms >= std::uint64_t{s.lifetime_s} * 1000;
}

class SessionCacheTicketer final : public Ticketer {
public:
    SessionCacheTicketer(std::size_t capacity, ProviderPtr provider, Clock clock)
        : capacity_(capacity),
          provider_(provider ? std::move(provider) : default_provider()),
          clock_(clock ? std::move(clock) : Clock(system_clock_ms)) {}

    Result<Bytes> seal(const ResumptionState& state) override {
        if (capacity_ == 0) return Error{Alert::internal_error, "session cache with capacity 0"};
        SessionId id{};
        provider_->random(id);
        const std::uint64_t now = clock_();
        std::lock_guard lock(mu_);
        drop_expired(now);
        while (entries_.size() >= capacity_) erase(order_.front());  // least recently issued
        order_.push_back(id);
        entries_.emplace(id, Entry{state, std::prev(order_.end())});
        return Bytes(id.begin(), id.end());
    }

    std::optional<ResumptionState> open(ByteView ticket) override {
        if (ticket.size() != kSessionCacheIdLength) return std::nullopt;
        SessionId id{};
        std::copy(ticket.begin(), ticket.end(), id.begin());
        const std::uint64_t now = clock_();
        std::lock_guard lock(mu_);
        auto it = entries_.find(id);
        if (it == entries_.end()) return std::nullopt;
        ResumptionState state = std::move(it->second.state);
        erase(id);  // single use
        if (expired(state, now)) return std::nullopt;
        return state;
    }

private:
    struct Entry {
        ResumptionState state;
        std::list<SessionId>::iterator position;
    };

    void erase(const SessionId& id) {
        auto it = entries_.find(id);
        if (it == entries_.end()) return;
        order_.erase(it->second.position);
        entries_.erase(it);
    }

    // Issue order is expiry order when every ticket has the same lifetime
    // (one server config); the front is the first to expire.
    void drop_expired(std::uint64_t now) {
        while (!order_.empty() && expired(entries_.at(order_.front()).state, now)) erase(order_.front());
    }

    const std::size_t capacity_;
    const ProviderPtr provider_;
    const Clock clock_;
    std::mutex mu_;
    std::list<SessionId> order_;  // oldest first
    std::map<SessionId, Entry> entries_;
};

}  // namespace

std::shared_ptr<Ticketer> session_cache_ticketer(std::size_t capacity, ProviderPtr provider, Clock clock) {
    return std::make_shared<SessionCacheTicketer>(capacity, std::move(provider), std::move(clock));
}

}  // namespace qtls
