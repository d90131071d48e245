// record::Connection fed arbitrary TLS bytes, as client and as server, before
// and after a completed in-memory handshake.
//
// Input: mode byte, then operations.
//   mode bit 0: the connection under test is the client (0) or server (1);
//   mode bit 1: before the handshake (0: a fresh connection reads the peer's
//               bytes, seeds are recorded peer streams) or after an in-memory
//               handshake with a real peer (1);
//   mode bits 2-3: which TCP scenario.
// Operations (op byte, op % 4):
//   0 raw      u16 length, bytes straight to read_tls()/process();
//   1 record   content type, padding, u16 length, content: one record,
//              sealed under the peer's current write secret when the key log
//              has it (handshake or application), else a plaintext record;
//   2 action   op >> 2 picks: the peer writes / updates its key / closes
//              (bytes go to the connection under test), the connection under
//              test writes / updates / closes / reads / frees buffers;
//   3 eof      transport_eof().
#include <optional>

#include "fuzz/fuzz_support.h"
#include "record/record_header.h"
#include "record/record_protection.h"

namespace qtls::fuzz {
namespace {

struct Cursor {
    const std::uint8_t* p;
    std::size_t left;
    std::uint8_t u8() {
        if (left == 0) return 0;
        --left;
        return *p++;
    }
    std::size_t u16() { return (std::size_t{u8()} << 8) | u8(); }
    ByteView take(std::size_t n) {
        n = std::min(n, left);
        ByteView v(p, n);
        p += n;
        left -= n;
        return v;
    }
};

class RecordHarness {
public:
    RecordHarness(Side side, bool after, std::size_t scenario_index)
        : side_(side), scenario_(scenario(scenario_index)) {
        shared_keylog().clear();
        auto client = record::Connection::client(scenario_.client, scenario_.client_options);
        auto server = record::Connection::server(scenario_.server);
        if (!client.ok() || !server.ok()) invariant_failed("cannot create connections", __FILE__, __LINE__);
        if (after) {
            if (!pump_tls(*client, *server, nullptr)) invariant_failed("in-memory handshake failed", __FILE__, __LINE__);
        }
        if (side == Side::client) {
            target_.emplace(std::move(client).value());
            peer_.emplace(std::move(server).value());
        } else {
            target_.emplace(std::move(server).value());
            peer_.emplace(std::move(client).value());
        }
        if (!target_->start().ok()) invariant_failed("start failed", __FILE__, __LINE__);
        discard_output(*target_);
        discard_output(*peer_);
    }

    void run(Cursor& in) {
        int ops = 0;
        while (in.left > 0 && ++ops < 256) {
            const std::uint8_t op = in.u8();
            switch (op % 4) {
                case 0: feed(in.take(in.u16())); break;
                case 1: {
                    const auto type = static_cast<record::ContentType>(in.u8());
                    const std::size_t padding = in.u8();
                    ByteView content = in.take(in.u16());
                    feed(build_record(type, content, padding));
                    break;
                }
                case 2: action(op >> 2, in); break;
                default: target_->transport_eof(); break;
            }
        }
        check_state();
    }

private:
    void feed(ByteView bytes) {
        (void)feed_tls(*target_, bytes, &plaintext_);
        discard_output(*target_);
    }

    static void discard_output(record::Connection& c) { c.consume_tls(c.pending_tls().size()); }

    // The peer's current write secret, as the connection under test reads it.
    const Bytes* peer_write_secret() const {
        const bool peer_is_server = side_ == Side::client;
        const char* app = peer_is_server ? "SERVER_TRAFFIC_SECRET_0" : "CLIENT_TRAFFIC_SECRET_0";
        const char* hs = peer_is_server ? "SERVER_HANDSHAKE_TRAFFIC_SECRET" : "CLIENT_HANDSHAKE_TRAFFIC_SECRET";
        if (target_->handshake_complete())
            if (const Bytes* s = shared_keylog().find(app)) return s;
        return shared_keylog().find(hs);
    }

    Bytes build_record(record::ContentType type, ByteView content, std::size_t padding) {
        const Bytes* secret = peer_write_secret();
        if (secret && secret->empty()) secret = nullptr;
        if (secret && (!sealer_ || *secret != sealer_secret_)) {
            auto created = record::RecordProtection::create(*fuzz_provider(), target_->negotiated().suite, *secret);
            sealer_.reset();
            if (created.ok()) {
                sealer_.emplace(std::move(created).value());
                sealer_secret_ = *secret;
            }
        }
        content = content.subspan(0, std::min(content.size(), record::kMaxPlaintextFragment));
        if (!sealer_ || !secret) {
            Bytes rec(record::kRecordHeaderLength + content.size());
            record::write_record_header(rec.data(), type, record::kRecordVersion, content.size());
            std::copy(content.begin(), content.end(), rec.begin() + record::kRecordHeaderLength);
            return rec;
        }
        padding = std::min(padding, record::kMaxInnerPlaintext - 1 - content.size());
        Bytes rec(record::sealed_record_length(content.size(), padding));
        std::copy(content.begin(), content.end(), rec.begin() + record::kRecordHeaderLength);
        if (!sealer_->seal(type, content.size(), padding, rec).ok()) return {};
        return rec;
    }

    // Moves whatever `from` queued into the connection under test.
    void from_peer() {
        ByteView out = peer_->pending_tls();
        Bytes data(out.begin(), out.end());
        peer_->consume_tls(data.size());
        feed(data);
    }

    void action(std::uint8_t what, Cursor& in) {
        switch (what % 10) {
            case 0: {
                ByteView data = in.take(in.u8());
                (void)peer_->write(data);
                from_peer();
                break;
            }
            case 1: (void)peer_->key_update(in.u8() & 1); from_peer(); break;
            case 2: peer_->send_close_notify(); from_peer(); break;
            case 3: {
                ByteView data = in.take(in.u16());
                (void)target_->write(data);
                discard_output(*target_);
                break;
            }
            case 4: {
                ByteView parts[2] = {in.take(in.u8()), in.take(in.u8())};
                (void)target_->writev(parts);
                discard_output(*target_);
                break;
            }
            case 5: (void)target_->key_update(in.u8() & 1); discard_output(*target_); break;
            case 6: target_->send_close_notify(); discard_output(*target_); break;
            case 7: {
                (void)target_->process();
                plaintext_ += drain_plaintext(*target_);
                discard_output(*target_);
                break;
            }
            case 8: target_->release_buffers(); break;
            default: {
                std::uint8_t out[16];
                (void)target_->export_keying_material("EXPORTER-qtls-fuzz", {}, out);
                break;
            }
        }
    }

    void check_state() {
        const record::CloseState st = target_->close_state();
        if (st == record::CloseState::failed) QTLS_FUZZ_CHECK(target_->error().has_value());
        if (st == record::CloseState::truncated) QTLS_FUZZ_CHECK(target_->error().has_value());
        if (!target_->handshake_complete()) QTLS_FUZZ_CHECK(plaintext_ == 0);
        if (plaintext_ > 0) ++reach().records_opened;
        if (target_->handshake_complete()) ++reach().handshakes_completed;
        // Whatever state it is in, the connection must answer these.
        std::uint8_t buf[8];
        (void)target_->read(buf);
        (void)target_->write(ByteView(buf, 0));
        (void)target_->buffer_capacity();
        target_->release_buffers();
    }

    Side side_;
    const Scenario& scenario_;
    std::optional<record::Connection> target_;
    std::optional<record::Connection> peer_;
    std::optional<record::RecordProtection> sealer_;
    Bytes sealer_secret_;
    std::size_t plaintext_ = 0;
};

}  // namespace
}  // namespace qtls::fuzz

using namespace qtls;
using namespace qtls::fuzz;

QTLS_FUZZ_TARGET(record) {
    ++reach().runs;
    if (size == 0) return 0;
    const std::uint8_t mode = data[0];
    const auto& tcp = tcp_scenarios();
    RecordHarness h(mode & 1 ? Side::server : Side::client, (mode & 2) != 0, tcp[(mode >> 2) % tcp.size()]);
    Cursor in{data + 1, size - 1};
    h.run(in);
    return 0;
}
