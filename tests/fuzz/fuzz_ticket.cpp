// Ticket decryption (RFC 8446 §4.6.1: a ticket is opaque to the client, so a
// server must treat every presented identity as hostile): the stateless
// rotating ticketer opening arbitrary bytes and tampered genuine tickets.
//
// Input: mode byte, then
//   mode & 1   the rest is presented as a ticket as is;
//   otherwise  the rest is a list of (u16 offset, u8 xor) edits applied to a
//              genuine ticket sealed by the same ticketer. An edit that
//              changes a byte must make open() fail (the AEAD tag covers
//              everything); a ticket that still opens must carry exactly
//              the sealed state.
#include <chrono>

#include "fuzz/fuzz_support.h"
#include "qtls/session.h"

namespace qtls::fuzz {
namespace {

// Fixed time: rotation never happens inside one run, and runs are identical.
constexpr std::uint64_t kNowMs = 1700000000000ULL;

Ticketer& ticketer() {
    static auto t = [] {
        TicketerOptions o;
        o.provider = fuzz_provider();
        o.rotation = std::chrono::hours(12);
        o.clock = [] { return kNowMs; };
        return rotating_ticketer(o);
    }();
    return *t;
}

const ResumptionState& sealed_state() {
    static const ResumptionState s = [] {
        ResumptionState r;
        r.suite = CipherSuite::aes_128_gcm_sha256;
        r.psk = Secret(Bytes(32, 0x5a));
        r.issued_at_ms = kNowMs;
        r.age_add = 0x01020304;
        r.lifetime_s = 7200;
        r.alpn = "h3";
        r.server_name = "localhost";
        r.max_early_data = 0xffffffff;
        r.early_data_context = Bytes{1, 2, 3};
        return r;
    }();
    return s;
}

const Bytes& genuine_ticket() {
    static const Bytes t = [] {
        auto sealed = ticketer().seal(sealed_state());
        if (!sealed.ok()) invariant_failed("cannot seal the reference ticket", __FILE__, __LINE__);
        return std::move(sealed).value();
    }();
    return t;
}

bool same_state(const ResumptionState& a, const ResumptionState& b) {
    return a.suite == b.suite && a.psk.view().size() == b.psk.view().size() &&
           constant_time_equal(a.psk.view(), b.psk.view()) && a.issued_at_ms == b.issued_at_ms &&
           a.age_add == b.age_add && a.lifetime_s == b.lifetime_s && a.alpn == b.alpn &&
           a.server_name == b.server_name && a.max_early_data == b.max_early_data &&
           a.early_data_context == b.early_data_context;
}

}  // namespace
}  // namespace qtls::fuzz

QTLS_FUZZ_TARGET(ticket) {
    using namespace qtls;
    using namespace qtls::fuzz;
    if (size == 0) return 0;
    ++reach().runs;
    const std::uint8_t mode = data[0];
    ByteView rest(data + 1, size - 1);
    if (mode & 1) {
        (void)ticketer().open(rest);
        return 0;
    }
    Bytes ticket = genuine_ticket();
    bool changed = false;
    for (std::size_t i = 0; i + 3 <= rest.size(); i += 3) {
        const std::size_t offset = (std::size_t{rest[i]} << 8 | rest[i + 1]) % ticket.size();
        ticket[offset] ^= rest[i + 2];
        changed = changed || rest[i + 2] != 0;
    }
    if (ticket == genuine_ticket()) changed = false;  // edits that cancelled out
    auto opened = ticketer().open(ticket);
    if (!changed) {
        QTLS_FUZZ_CHECK(opened.has_value());
        QTLS_FUZZ_CHECK(same_state(*opened, sealed_state()));
    } else {
        QTLS_FUZZ_CHECK(!opened.has_value());
    }
    return 0;
}
