// hq-interop server: a request is "GET /path\r\n" and FIN on a client bidi
// stream; the answer is the file's raw bytes and FIN. There are no status
// codes, so a missing file resets the stream (RESET_STREAM, RFC 9000 §19.4)
// and the client sees a failure instead of an empty 200.
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "quic_hq.h"
#include "quic_hq_session.h"
#include "quic_server_app.h"
#include "quic_server_files.h"

namespace qtls::cli {

namespace {

// The application error code of a refused request (hq-interop defines none;
// RFC 9114 §8.1 H3_REQUEST_REJECTED is the closest meaning).
constexpr std::uint64_t kHqRequestRejected = 0x10b;

struct HqStream {
    std::string request;
    HqOutgoing out;  // the file; out.ready once the request is answered (or refused)
};

class HqServerApp final : public HqSession<ServerApp, HqStream> {
public:
    explicit HqServerApp(ServerAppHost& host) : host_(host) {}

    bool start() override { return true; }

    int recv_stream_data(std::uint32_t flags, std::int64_t stream_id, const std::uint8_t* data,
                         std::size_t len) override {
        host_.consume(stream_id, len);
        // Only client-initiated bidi streams carry requests (stream id bit 0x2
        // clear, bit 0x1 clear: RFC 9000 §2.1).
        if ((stream_id & 0x3) != 0) return 0;
        HqStream& s = streams_[stream_id];
        if (s.out.ready) return 0;
        if (s.request.size() + len > kMaxHqRequestLine + 2) {
            reject(stream_id, s, "request line too long");
            return 0;
        }
        s.request.append(reinterpret_cast<const char*>(data), len);
        std::string path;
        switch (hq_parse_request(s.request, (flags & NGTCP2_STREAM_DATA_FLAG_FIN) != 0, path)) {
            case HqParse::incomplete: return 0;
            case HqParse::bad: reject(stream_id, s, "malformed request"); return 0;
            case HqParse::ok: break;
        }
        s.out.ready = true;
        auto file = load_served_file(host_.www_dir(), path);
        if (!file) {
            host_.log_response(path, 404, 0);
            s.out.fin_sent = true;  // nothing more goes out on a reset stream
            ngtcp2_conn_shutdown_stream(host_.conn(), 0, stream_id, kHqRequestRejected);
            return 0;
        }
        host_.log_response(path, 200, file->body.size());
        s.out.data = std::move(file->body);
        return 0;
    }

    int stream_close(std::int64_t stream_id, bool, std::uint64_t) override {
        streams_.erase(stream_id);
        if (ngtcp2_is_bidi_stream(stream_id)) ngtcp2_conn_extend_max_streams_bidi(host_.conn(), 1);
        return 0;
    }

    int stream_reset(std::int64_t stream_id) override {
        // The client gave up on the stream: stop answering it.
        if (HqOutgoing* out = outgoing(stream_id)) out->ready = out->fin_sent = true;
        return 0;
    }

private:
    void reject(std::int64_t stream_id, HqStream& s, const char* why) {
        std::fprintf(stderr, "qtls: hq-interop stream %lld: %s\n", static_cast<long long>(stream_id), why);
        s.out.ready = true;
        s.out.fin_sent = true;
        ngtcp2_conn_shutdown_stream(host_.conn(), 0, stream_id, kHqRequestRejected);
    }

    ServerAppHost& host_;
};

}  // namespace

std::unique_ptr<ServerApp> make_hq_server_app(ServerAppHost& host) { return std::make_unique<HqServerApp>(host); }

}  // namespace qtls::cli
