// hq-interop server: a request is "GET /path\r\n" and FIN on a client bidi
// stream; the answer is the file's raw bytes and FIN. There are no status
// codes, so a missing file resets the stream (RESET_STREAM, RFC 9000 §19.4)
// and the client sees a failure instead of an empty 200.
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "quic_hq.h"
#include "quic_server_app.h"
#include "quic_server_files.h"

namespace qtls::cli {

namespace {

// The application error code of a refused request (hq-interop defines none;
// RFC 9114 §8.1 H3_REQUEST_REJECTED is the closest meaning).
constexpr std::uint64_t kHqRequestRejected = 0x10b;

struct HqStream {
    std::string request;
    bool answered = false;
    std::string body;
    std::size_t offset = 0;  // bytes handed to ngtcp2
    bool fin_sent = false;
    bool blocked = false;
};

class HqServerApp final : public ServerApp {
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
        if (s.answered) return 0;
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
        s.answered = true;
        auto file = load_served_file(host_.www_dir(), path);
        if (!file) {
            host_.log_response(path, 404, 0);
            s.fin_sent = true;  // nothing more goes out on a reset stream
            ngtcp2_conn_shutdown_stream(host_.conn(), 0, stream_id, kHqRequestRejected);
            return 0;
        }
        host_.log_response(path, 200, file->body.size());
        s.body = std::move(file->body);
        return 0;
    }

    int acked_stream_data(std::int64_t, std::uint64_t) override { return 0; }

    int stream_close(std::int64_t stream_id, bool, std::uint64_t) override {
        streams_.erase(stream_id);
        if (ngtcp2_is_bidi_stream(stream_id)) ngtcp2_conn_extend_max_streams_bidi(host_.conn(), 1);
        return 0;
    }

    int stream_reset(std::int64_t stream_id) override {
        // The client gave up on the stream: stop answering it.
        if (auto it = streams_.find(stream_id); it != streams_.end()) it->second.answered = it->second.fin_sent = true;
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
            if (!s.answered || s.fin_sent || s.blocked) continue;
            stream_id = id;
            fin = 1;
            const std::size_t left = s.body.size() - s.offset;
            if (left == 0) return 0;  // FIN alone
            vec[0].base = reinterpret_cast<std::uint8_t*>(s.body.data()) + s.offset;
            vec[0].len = left;
            return 1;
        }
        return 0;
    }

    bool written(std::int64_t stream_id, std::size_t n) override {
        auto it = streams_.find(stream_id);
        if (it == streams_.end()) return true;
        HqStream& s = it->second;
        s.offset += n;
        if (s.offset >= s.body.size()) s.fin_sent = true;  // the FIN went with the last bytes
        return true;
    }

    void blocked(std::int64_t stream_id) override {
        if (auto it = streams_.find(stream_id); it != streams_.end()) it->second.blocked = true;
    }

    void shutdown_write(std::int64_t stream_id) override {
        if (auto it = streams_.find(stream_id); it != streams_.end()) it->second.fin_sent = true;
    }

    std::uint64_t close_code() const override { return 0; }  // RFC 9000 §20.1 NO_ERROR

private:
    void reject(std::int64_t stream_id, HqStream& s, const char* why) {
        std::fprintf(stderr, "qtls: hq-interop stream %lld: %s\n", static_cast<long long>(stream_id), why);
        s.answered = true;
        s.fin_sent = true;
        ngtcp2_conn_shutdown_stream(host_.conn(), 0, stream_id, kHqRequestRejected);
    }

    ServerAppHost& host_;
    std::map<std::int64_t, HqStream> streams_;
};

}  // namespace

std::unique_ptr<ServerApp> make_hq_server_app(ServerAppHost& host) { return std::make_unique<HqServerApp>(host); }

}  // namespace qtls::cli
