// quic::Session (RFC 9001 §4) fed arbitrary CRYPTO data, as client or
// server. Input: selector byte (bit 0: 0 = client, 1 = server), then chunks
// as in fuzz_support.h, where the epoch bits are the encryption level and
// ctrl bit 2 set means "a CRYPTO frame": the first two data bytes are its
// offset (relative to what was delivered so far at that level, so reordering
// and duplicates are reachable) and the rest is the frame; otherwise ctrl
// bits 3-7 give the fragmentation of provide_crypto_data.
// Seeds are CRYPTO streams recorded from a real Session pair of the QUIC
// scenario (fixed randomness), so unmutated they complete the handshake.
#include <algorithm>

#include "fuzz/fuzz_support.h"
#include "qtls/quic.h"

using namespace qtls;
using namespace qtls::fuzz;

namespace {

void drain(quic::Session& s) {
    while (auto secret = s.next_secret()) QTLS_FUZZ_CHECK(s.has_secret(secret->level, secret->direction));
    for (quic::Level level : {quic::Level::initial, quic::Level::early_data, quic::Level::handshake,
                              quic::Level::application}) {
        const std::uint64_t before = s.crypto_sent(level);
        ByteView out = s.pending_crypto(level);
        QTLS_FUZZ_CHECK(out.size() <= before);
        s.consume(level, out.size());
        QTLS_FUZZ_CHECK(s.pending_crypto(level).empty() && s.crypto_sent(level) == before);
    }
}

}  // namespace

QTLS_FUZZ_TARGET(quic_session) {
    ++reach().runs;
    const FlightInput in = parse_flights(data, size);
    const Scenario& s = scenario(quic_scenario());
    const bool server = in.selector & 1;
    auto created = server ? quic::Session::server(s.server, {kServerTransportParameters, {}})
                          : quic::Session::client(s.client, {"localhost", kClientTransportParameters});
    if (!created.ok()) invariant_failed("cannot create the QUIC session", __FILE__, __LINE__);
    quic::Session& session = **created;
    if (!session.start().ok()) invariant_failed("session start failed", __FILE__, __LINE__);
    drain(session);
    std::uint64_t delivered[quic::kLevelCount] = {};
    for (const Chunk& c : in.chunks) {
        const auto level = static_cast<quic::Level>(c.epoch());
        const std::size_t li = static_cast<std::size_t>(level);
        Status st;
        if (c.ctrl & 4) {
            if (c.data.size() < 2) continue;
            const auto rel = static_cast<std::int16_t>((c.data[0] << 8) | c.data[1]);
            const std::uint64_t offset =
                rel < 0 && static_cast<std::uint64_t>(-rel) > delivered[li] ? 0 : delivered[li] + rel;
            ByteView frame = ByteView(c.data).subspan(2);
            st = session.provide_crypto_frame(level, offset, frame);
            delivered[li] = std::max(delivered[li], offset + frame.size());
        } else {
            const std::size_t piece = c.ctrl >> 3;
            ByteView rest(c.data);
            do {
                ByteView p = rest.subspan(0, piece == 0 ? rest.size() : std::min(piece, rest.size()));
                rest = rest.subspan(p.size());
                st = session.provide_crypto_data(level, p);
            } while (st.ok() && !rest.empty());
            delivered[li] += c.data.size();
        }
        drain(session);
        if (!st.ok()) {
            QTLS_FUZZ_CHECK(session.alert().has_value());
            QTLS_FUZZ_CHECK(session.crypto_error_code() == quic::crypto_error_code(*session.alert()) ||
                            session.crypto_error_code() == quic::kCryptoBufferExceeded);
            QTLS_FUZZ_CHECK(!session.provide_crypto_data(level, c.data).ok());
            break;
        }
    }
    (void)session.info();
    if (session.handshake_complete()) {
        ++reach().handshakes_completed;
        QTLS_FUZZ_CHECK(session.peer_transport_parameters().has_value());
        std::uint8_t out[16];
        QTLS_FUZZ_CHECK(session.export_keying_material("EXPORTER-qtls-fuzz", {}, out).ok());
    }
    return 0;
}
QTLS_FUZZ_FLIGHT_MUTATOR()
