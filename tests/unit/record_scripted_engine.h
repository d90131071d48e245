// A scripted stand-in for the handshake Engine, so the record layer can be
// tested on its own: it emits prepared events once enough handshake bytes
// have arrived at an epoch, and implements KeyUpdate (RFC 8446 §4.6.3,
// §7.2) for real so both ends of a pair keep their keys in step.
#pragma once

#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "crypto/hkdf_label.h"
#include "qtls/engine.h"
#include "qtls/provider.h"

namespace qtls::test {

class ScriptedEngine : public Engine {
public:
    struct Step {
        Epoch epoch;
        std::size_t after_bytes;  // fires once this many bytes arrived at `epoch`
        std::vector<Event> events;
    };

    ScriptedEngine(Side side, std::vector<Step> steps) : side_(side), steps_(std::move(steps)) {
        negotiated_.suite = CipherSuite::aes_128_gcm_sha256;
    }

    Status start() override {
        fire();
        return {};
    }

    Status provide(Epoch epoch, ByteView bytes) override {
        if (provide_error) return *provide_error;
        auto& buf = received[static_cast<std::size_t>(epoch)];
        buf.insert(buf.end(), bytes.begin(), bytes.end());
        provided.emplace_back(epoch, Bytes(bytes.begin(), bytes.end()));
        if (epoch == Epoch::application) handle_post_handshake();
        fire();
        return {};
    }

    std::optional<Event> poll() override {
        if (queue_.empty()) return std::nullopt;
        Event e = std::move(queue_.front());
        queue_.pop_front();
        if (std::holds_alternative<HandshakeComplete>(e)) complete_ = true;
        if (auto* s = std::get_if<TrafficSecret>(&e); s && s->epoch == Epoch::application) {
            (s->direction == Direction::read ? app_read_ : app_write_) = s->secret;
        }
        return e;
    }

    bool handshake_complete() const override { return complete_; }
    Side side() const override { return side_; }
    const Negotiated& negotiated() const override { return negotiated_; }

    Status send_key_update(bool request_peer_update) override {
        if (!complete_) return make_error(Alert::internal_error, "scripted: key update before completion");
        ++key_updates_sent;
        // KeyUpdate: msg_type 24, length 1, request_update (§4.6.3).
        queue_.push_back(HandshakeBytes{Epoch::application, Bytes{24, 0, 0, 1, request_peer_update ? std::uint8_t{1} : std::uint8_t{0}}});
        queue_.push_back(TrafficSecret{Epoch::application, Direction::write, negotiated_.suite, next_secret(app_write_)});
        return {};
    }

    Status export_keying_material(std::string_view, ByteView, MutableByteView) const override {
        return make_error(Alert::internal_error, "scripted: no exporter");
    }
    void set_hooks_for_testing(std::shared_ptr<detail::EngineHooks>) override {}

    // Queues events now (as if produced by the last provide()).
    void inject(Event e) { queue_.push_back(std::move(e)); }

    Negotiated negotiated_;
    std::optional<Error> provide_error;
    std::array<Bytes, kEpochCount> received;
    std::vector<std::pair<Epoch, Bytes>> provided;
    int key_updates_sent = 0;
    int key_updates_received = 0;

private:
    // RFC 8446 §7.2: application_traffic_secret_N+1 =
    //   HKDF-Expand-Label(application_traffic_secret_N, "traffic upd", "", Hash.length).
    static Secret next_secret(const Secret& current) {
        return crypto::expand_label_secret(*openssl_provider(), HashAlg::sha256, current.view(), "traffic upd", {},
                                           current.size());
    }

    void fire() {
        while (next_ < steps_.size() &&
               received[static_cast<std::size_t>(steps_[next_].epoch)].size() >= steps_[next_].after_bytes) {
            for (auto& e : steps_[next_].events) queue_.push_back(std::move(e));
            ++next_;
        }
    }

    // Parses whole messages at the application epoch; answers KeyUpdate.
    void handle_post_handshake() {
        Bytes& buf = received[static_cast<std::size_t>(Epoch::application)];
        while (post_offset_ + 4 <= buf.size()) {
            const std::size_t len = (std::size_t{buf[post_offset_ + 1]} << 16) | (std::size_t{buf[post_offset_ + 2]} << 8) |
                                    buf[post_offset_ + 3];
            if (post_offset_ + 4 + len > buf.size()) break;
            if (buf[post_offset_] == 24 && len == 1) {
                ++key_updates_received;
                const bool requested = buf[post_offset_ + 4] == 1;
                app_read_ = next_secret(app_read_);
                queue_.push_back(TrafficSecret{Epoch::application, Direction::read, negotiated_.suite, app_read_});
                if (requested) (void)send_key_update(false);
            }
            post_offset_ += 4 + len;
        }
    }

    Side side_;
    std::vector<Step> steps_;
    std::size_t next_ = 0;
    std::deque<Event> queue_;
    bool complete_ = false;
    Secret app_read_;
    Secret app_write_;
    std::size_t post_offset_ = 0;
};

}  // namespace qtls::test
