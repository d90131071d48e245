#include <chrono>
#include <deque>
#include <list>

#include "qtls/session.h"

namespace qtls {

std::uint64_t system_clock_ms() {
    using namespace std::chrono;
    return static_cast<std::uint64_t>(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

namespace {

class MemorySessionStore final : public ClientSessionStore {
public:
    MemorySessionStore(std::size_t max_servers, std::size_t per_server)
        : max_servers_(max_servers), per_server_(per_server) {}

    void put(const std::string& server_name, StoredSession session) override {
        std::lock_guard lock(mu_);
        auto it = entries_.find(server_name);
        if (it == entries_.end()) {
            if (entries_.size() >= max_servers_ && !order_.empty()) {
                entries_.erase(order_.front());
                order_.pop_front();
            }
            it = entries_.emplace(server_name, std::deque<StoredSession>{}).first;
        } else {
            order_.remove(server_name);
        }
        order_.push_back(server_name);
        auto& q = it->second;
        q.push_back(std::move(session));
        while (q.size() > per_server_) q.pop_front();
    }

    std::optional<StoredSession> take(const std::string& server_name) override {
        std::lock_guard lock(mu_);
        auto it = entries_.find(server_name);
        if (it == entries_.end() || it->second.empty()) return std::nullopt;
        // Newest first: it carries the most recent resumption secret.
        StoredSession s = std::move(it->second.back());
        it->second.pop_back();
        return s;
    }

private:
    std::mutex mu_;
    std::size_t max_servers_;
    std::size_t per_server_;
    std::map<std::string, std::deque<StoredSession>> entries_;
    std::list<std::string> order_;
};

}  // namespace

std::shared_ptr<ClientSessionStore> memory_session_store(std::size_t max_servers, std::size_t per_server) {
    return std::make_shared<MemorySessionStore>(std::max<std::size_t>(1, max_servers),
                                                std::max<std::size_t>(1, per_server));
}

}  // namespace qtls
