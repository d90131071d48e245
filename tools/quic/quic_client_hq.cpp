// hq-interop client: one request line + FIN per bidi stream; the response
// is the raw body, complete at FIN (quic_hq.h).
#include <map>

#include "quic_client_app.h"
#include "quic_common.h"
#include "quic_hq.h"

namespace qtls::cli {

namespace {

class HqClientApp final : public ClientApp {
public:
    explicit HqClientApp(AppHost& host) : host_(host) {}

    bool start() override { return true; }
    bool ready() const override { return true; }

    bool submit(Request& r, std::int64_t stream_id) override {
        Stream& s = streams_[stream_id];
        s.request = &r;
        s.line = hq_request(r.url.path);
        return true;
    }

    int recv_stream_data(std::uint32_t flags, std::int64_t stream_id, const std::uint8_t* data,
                         std::size_t len) override {
        host_.consume(stream_id, len);
        auto it = streams_.find(stream_id);
        if (it == streams_.end() || it->second.request == nullptr) return 0;  // not ours: ignore
        Request& r = *it->second.request;
        if (r.done) return 0;
        if (r.status == 0) host_.on_status(r, 200);
        if (len > 0) host_.on_body(r, data, len);
        if (flags & NGTCP2_STREAM_DATA_FLAG_FIN) host_.on_complete(r);
        return 0;
    }

    int acked_stream_data(std::int64_t, std::uint64_t) override { return 0; }

    int stream_close(std::int64_t stream_id, bool app_error_set, std::uint64_t app_error) override {
        auto it = streams_.find(stream_id);
        if (it == streams_.end()) return 0;
        if (Request* r = it->second.request; r && !r->done)
            host_.on_failed(*r, app_error_set ? "stream closed with error " + std::to_string(app_error)
                                              : "stream closed before the response ended");
        streams_.erase(it);
        return 0;
    }

    int stream_reset(std::int64_t stream_id) override {
        auto it = streams_.find(stream_id);
        if (it != streams_.end() && it->second.request && !it->second.request->done)
            host_.on_failed(*it->second.request, "stream reset by the server");
        return 0;
    }

    int extend_max_stream_data(std::int64_t stream_id) override {
        if (auto it = streams_.find(stream_id); it != streams_.end()) it->second.blocked = false;
        return 0;
    }
    bool extend_max_local_streams_uni() override { return true; }

    long pending(std::int64_t& stream_id, int& fin, ngtcp2_vec* vec, std::size_t veccnt) override {
        stream_id = -1;
        fin = 0;
        if (veccnt == 0) return 0;
        for (auto& [id, s] : streams_) {
            if (s.fin_sent || s.blocked) continue;
            stream_id = id;
            fin = 1;
            vec[0].base = reinterpret_cast<std::uint8_t*>(s.line.data()) + s.offset;
            vec[0].len = s.line.size() - s.offset;
            return 1;
        }
        return 0;
    }

    bool written(std::int64_t stream_id, std::size_t n) override {
        auto it = streams_.find(stream_id);
        if (it == streams_.end()) return true;
        Stream& s = it->second;
        s.offset += n;
        // The FIN goes with the last byte (ngtcp2 takes FIN only with all data).
        if (s.offset >= s.line.size()) s.fin_sent = true;
        return true;
    }

    void blocked(std::int64_t stream_id) override {
        // Until the peer raises the stream's limit (extend_max_stream_data).
        if (auto it = streams_.find(stream_id); it != streams_.end()) it->second.blocked = true;
    }

    void shutdown_write(std::int64_t stream_id) override {
        if (auto it = streams_.find(stream_id); it != streams_.end()) it->second.fin_sent = true;
    }

    std::uint64_t close_code() const override { return kQuicNoError; }

private:
    struct Stream {
        Request* request = nullptr;
        std::string line;
        std::size_t offset = 0;
        bool fin_sent = false;
        bool blocked = false;
    };

    AppHost& host_;
    std::map<std::int64_t, Stream> streams_;
};

}  // namespace

std::unique_ptr<ClientApp> make_hq_client_app(AppHost& host) { return std::make_unique<HqClientApp>(host); }

}  // namespace qtls::cli
