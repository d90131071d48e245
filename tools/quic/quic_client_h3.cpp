// HTTP/3 client (RFC 9114) through nghttp3: a control stream and the two
// QPACK streams (RFC 9204 §4.2), then one GET per bidi stream. We advertise
// a QPACK dynamic table capacity of 0, so the server's encoder never
// references a dynamic table we would have to keep.
#include <nghttp3/nghttp3.h>

#include <map>
#include <string>
#include <vector>

#include "quic_client_app.h"
#include "quic_common.h"
#include "quic_h3_session.h"

namespace qtls::cli {

namespace {

constexpr char kUserAgent[] = "qtls-quic-client";

class H3ClientApp final : public H3Session<ClientApp> {
public:
    H3ClientApp(AppHost& host, const QuicUrl& origin) : H3Session(host), host_(host), authority_(origin.authority) {}

    bool start() override {
        if (h3_ != nullptr) return true;
        nghttp3_callbacks cb{};
        cb.acked_stream_data = nullptr;
        cb.stream_close = [](nghttp3_conn*, std::int64_t, std::uint64_t, void*, void*) { return 0; };
        cb.recv_data = [](nghttp3_conn*, std::int64_t stream_id, const std::uint8_t* data, std::size_t len, void* ud,
                          void* sud) {
            auto* self = static_cast<H3ClientApp*>(ud);
            // DATA payload is consumed here, so its flow-control credit
            // goes back at once (nghttp3 returns only framing as consumed).
            self->host_.consume(stream_id, len);
            if (auto* r = static_cast<Request*>(sud); r && !r->done) self->host_.on_body(*r, data, len);
            return 0;
        };
        cb.deferred_consume = [](nghttp3_conn*, std::int64_t stream_id, std::size_t consumed, void* ud, void*) {
            static_cast<H3ClientApp*>(ud)->host_.consume(stream_id, consumed);
            return 0;
        };
        cb.recv_header = [](nghttp3_conn*, std::int64_t, std::int32_t token, nghttp3_rcbuf*, nghttp3_rcbuf* value,
                            std::uint8_t, void* ud, void* sud) {
            auto* r = static_cast<Request*>(sud);
            if (r == nullptr || token != NGHTTP3_QPACK_TOKEN__STATUS) return 0;
            const nghttp3_vec v = nghttp3_rcbuf_get_buf(value);
            int status = 0;
            for (std::size_t i = 0; i < v.len && i < 3; ++i) {
                if (v.base[i] < '0' || v.base[i] > '9') return 0;
                status = status * 10 + (v.base[i] - '0');
            }
            static_cast<H3ClientApp*>(ud)->host_.on_status(*r, status);
            return 0;
        };
        cb.end_stream = [](nghttp3_conn*, std::int64_t, void* ud, void* sud) {
            if (auto* r = static_cast<Request*>(sud); r && !r->done)
                static_cast<H3ClientApp*>(ud)->host_.on_complete(*r);
            return 0;
        };
        cb.reset_stream = [](nghttp3_conn*, std::int64_t, std::uint64_t code, void* ud, void* sud) {
            if (auto* r = static_cast<Request*>(sud); r && !r->done)
                static_cast<H3ClientApp*>(ud)->host_.on_failed(*r, "stream reset by the server, code " +
                                                                        std::to_string(code));
            return 0;
        };
        return create(cb, /*server=*/false, this) && open_uni_streams();
    }

    bool ready() const override { return bound_; }

    bool submit(Request& r, std::int64_t stream_id) override {
        const std::string method = "GET", scheme = "https";
        const nghttp3_nv nva[] = {h3_header(":method", method), h3_header(":scheme", scheme),
                                  h3_header(":authority", authority_), h3_header(":path", r.url.path),
                                  h3_header("user-agent", kUserAgent)};
        // No body: a null data reader ends the stream after HEADERS.
        return nghttp3_conn_submit_request(h3_, stream_id, nva, sizeof nva / sizeof nva[0], nullptr, &r) == 0;
    }

private:
    AppHost& host_;
    std::string authority_;
};

}  // namespace

std::unique_ptr<ClientApp> make_h3_client_app(AppHost& host, const QuicUrl& origin) {
    return std::make_unique<H3ClientApp>(host, origin);
}

}  // namespace qtls::cli
