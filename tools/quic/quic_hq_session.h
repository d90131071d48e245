// The sending side both hq-interop apps share (quic_hq.h): each bidi stream
// carries one buffer then FIN (the client's request line, the server's
// file), so writing, flow-control blocking and acknowledgements are the same
// for both roles; the apps add only what they read and answer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include <ngtcp2/ngtcp2.h>

#include "quic_app.h"
#include "quic_common.h"

namespace qtls::cli {

// What we send on one hq-interop stream.
struct HqOutgoing {
    std::string data;
    bool ready = false;      // `data` is complete and may go out
    std::size_t offset = 0;  // bytes handed to ngtcp2
    bool fin_sent = false;
    bool blocked = false;  // flow control, until the peer raises the stream's limit
};

// AppInterface: StreamApp or a role's extension of it (ClientApp).
// Stream: the app's per-stream state, with an `HqOutgoing out` member.
template <class AppInterface, class Stream>
class HqSession : public AppInterface {
public:
    // hq-interop sends nothing that must be kept until acknowledged.
    int acked_stream_data(std::int64_t, std::uint64_t) override { return 0; }

    int extend_max_stream_data(std::int64_t stream_id) override {
        if (HqOutgoing* out = outgoing(stream_id)) out->blocked = false;
        return 0;
    }

    // No uni streams in hq-interop.
    bool extend_max_local_streams_uni() override { return true; }

    long pending(std::int64_t& stream_id, int& fin, ngtcp2_vec* vec, std::size_t veccnt) override {
        stream_id = -1;
        fin = 0;
        if (veccnt == 0) return 0;
        for (auto& [id, s] : streams_) {
            HqOutgoing& out = s.out;
            if (!out.ready || out.fin_sent || out.blocked) continue;
            stream_id = id;
            fin = 1;  // ngtcp2 sends the FIN with the last byte
            const std::size_t left = out.data.size() - out.offset;
            if (left == 0) return 0;  // FIN alone
            vec[0].base = reinterpret_cast<std::uint8_t*>(out.data.data()) + out.offset;
            vec[0].len = left;
            return 1;
        }
        return 0;
    }

    bool written(std::int64_t stream_id, std::size_t n) override {
        if (HqOutgoing* out = outgoing(stream_id)) {
            out->offset += n;
            // The FIN went with the last bytes (ngtcp2 takes FIN only with all data).
            if (out->offset >= out->data.size()) out->fin_sent = true;
        }
        return true;
    }

    void blocked(std::int64_t stream_id) override {
        if (HqOutgoing* out = outgoing(stream_id)) out->blocked = true;
    }

    void shutdown_write(std::int64_t stream_id) override {
        if (HqOutgoing* out = outgoing(stream_id)) out->fin_sent = true;
    }

    // RFC 9000 §20.1 NO_ERROR: hq-interop has no error codes of its own.
    std::uint64_t close_code() const override { return kQuicNoError; }

protected:
    HqOutgoing* outgoing(std::int64_t stream_id) {
        auto it = streams_.find(stream_id);
        return it == streams_.end() ? nullptr : &it->second.out;
    }

    std::map<std::int64_t, Stream> streams_;
};

}  // namespace qtls::cli
