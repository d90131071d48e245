// hq-interop client: one request line + FIN per bidi stream; the response
// is the raw body, complete at FIN (quic_hq.h).
#include <map>

#include "quic_client_app.h"
#include "quic_common.h"
#include "quic_hq.h"
#include "quic_hq_session.h"

namespace qtls::cli {

namespace {

struct HqClientStream {
    Request* request = nullptr;
    HqOutgoing out;  // the request line
};

class HqClientApp final : public HqSession<ClientApp, HqClientStream> {
public:
    explicit HqClientApp(AppHost& host) : host_(host) {}

    bool start() override { return true; }
    bool ready() const override { return true; }

    bool submit(Request& r, std::int64_t stream_id) override {
        HqClientStream& s = streams_[stream_id];
        s.request = &r;
        s.out.data = hq_request(r.url.path);
        s.out.ready = true;
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

private:
    AppHost& host_;
};

}  // namespace

std::unique_ptr<ClientApp> make_hq_client_app(AppHost& host) { return std::make_unique<HqClientApp>(host); }

}  // namespace qtls::cli
