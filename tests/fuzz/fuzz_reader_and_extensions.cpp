// The bounded Reader and every extension body decoder. The first byte picks
// the decoder; the rest is the extension body. Where the encoding is
// canonical, whatever decodes must re-encode to the same bytes (otherwise a
// decoder accepted something it should not, or an encoder is wrong).
// Selector 0 runs a small Reader program that checks the Reader's own
// bookkeeping.
#include <cstring>

#include "fuzz/fuzz_support.h"
#include "msg/msg.h"
#include "wire/reader.h"

namespace qtls::fuzz {
namespace {

using msg::HandshakeType;

bool same(ByteView a, ByteView b) { return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin()); }

// The view must lie inside [base, base + size).
bool inside(ByteView v, ByteView base) {
    if (v.empty()) return true;
    return v.data() >= base.data() && v.data() + v.size() <= base.data() + base.size();
}

// Interprets `program` as Reader operations on `input` (the program's second
// half), checking after each that position() + remaining() == size and that
// every returned view lies inside the input.
void reader_program(ByteView all) {
    const std::size_t split = all.empty() ? 0 : all[0] % (all.size() + 1);
    ByteView program = all.subspan(0, split);
    ByteView input = all.subspan(split);
    wire::Reader stack[4] = {wire::Reader(input)};
    int depth = 0;
    for (std::size_t pc = 0; pc < program.size(); ++pc) {
        wire::Reader& r = stack[depth];
        const std::size_t before = r.remaining();
        const std::uint8_t op = program[pc];
        std::size_t arg = pc + 1 < program.size() ? program[pc + 1] : 0;
        bool ok = false;
        std::size_t consumed_expected = 0;
        switch (op % 16) {
            case 0: { std::uint8_t v; ok = r.u8(v); consumed_expected = 1; break; }
            case 1: { std::uint16_t v; ok = r.u16(v); consumed_expected = 2; break; }
            case 2: { std::uint32_t v; ok = r.u24(v); consumed_expected = 3; QTLS_FUZZ_CHECK(!ok || v < (1u << 24)); break; }
            case 3: { std::uint32_t v; ok = r.u32(v); consumed_expected = 4; break; }
            case 4: { std::uint64_t v; ok = r.u64(v); consumed_expected = 8; break; }
            case 5: {
                ByteView v;
                ok = r.bytes(arg, v);
                ++pc;
                consumed_expected = arg;
                QTLS_FUZZ_CHECK(!ok || (v.size() == arg && inside(v, input)));
                break;
            }
            case 6: { ok = r.skip(arg); ++pc; consumed_expected = arg; break; }
            case 7: case 8: case 9: {
                ByteView v;
                ok = op % 16 == 7 ? r.vec8(v) : op % 16 == 8 ? r.vec16(v) : r.vec24(v);
                QTLS_FUZZ_CHECK(!ok || inside(v, input));
                consumed_expected = ok ? v.size() + static_cast<std::size_t>(op % 16 - 6) : 0;
                break;
            }
            case 10: case 11: case 12: {
                if (depth + 1 >= 4) break;
                wire::Reader sub;
                ok = op % 16 == 10 ? r.sub8(sub) : op % 16 == 11 ? r.sub16(sub) : r.sub24(sub);
                if (ok) {
                    QTLS_FUZZ_CHECK(inside(sub.rest(), input));
                    QTLS_FUZZ_CHECK(sub.remaining() + static_cast<std::size_t>(op % 16 - 9) == before - r.remaining());
                    stack[++depth] = sub;
                }
                continue;
            }
            case 13: if (depth > 0) --depth; continue;
            case 14: { ByteView rest = r.rest(); QTLS_FUZZ_CHECK(rest.size() == r.remaining() && inside(rest, input)); continue; }
            default: QTLS_FUZZ_CHECK(r.empty() == (r.remaining() == 0)); continue;
        }
        if (ok) {
            QTLS_FUZZ_CHECK(before - r.remaining() == consumed_expected);
        } else if (op % 16 <= 6) {
            // A failed fixed-size read consumes nothing. (A failed vecN may
            // have consumed its length prefix: callers treat any failure as
            // decode_error, so that is allowed.)
            QTLS_FUZZ_CHECK(r.remaining() == before);
        } else {
            QTLS_FUZZ_CHECK(r.remaining() <= before);
        }
    }
    for (int d = 0; d <= depth; ++d) QTLS_FUZZ_CHECK(inside(stack[d].rest(), input));
}

// Decode; if it succeeds, the canonical re-encoding must reproduce `body`.
template <class Decoded, class Encode>
void round_trip(ByteView body, const Result<Decoded>& r, Encode encode) {
    if (!r.ok()) return;
    Bytes again = encode(r.value());
    QTLS_FUZZ_CHECK(same(again, body));
}

const HandshakeType kContexts[] = {HandshakeType::client_hello,        HandshakeType::server_hello,
                                   HandshakeType::encrypted_extensions, HandshakeType::certificate,
                                   HandshakeType::certificate_request, HandshakeType::new_session_ticket};

}  // namespace
}  // namespace qtls::fuzz

using namespace qtls;
using namespace qtls::fuzz;

QTLS_FUZZ_TARGET(reader_and_extensions) {
    ++reach().runs;
    if (size == 0) return 0;
    const std::uint8_t selector = data[0];
    ByteView body(data + 1, size - 1);
    switch (selector % 32) {
        case 0: reader_program(body); break;
        case 1: round_trip(body, msg::decode_supported_groups(body), msg::encode_supported_groups); break;
        case 2: round_trip(body, msg::decode_signature_algorithms(body), msg::encode_signature_algorithms); break;
        case 3:
            round_trip(body, msg::decode_signature_algorithms_cert(body), msg::encode_signature_algorithms_cert);
            break;
        case 4:
            round_trip(body, msg::decode_supported_versions_client(body), msg::encode_supported_versions_client);
            break;
        case 5:
            round_trip(body, msg::decode_supported_versions_server(body), msg::encode_supported_versions_server);
            break;
        case 6: round_trip(body, msg::decode_psk_key_exchange_modes(body), msg::encode_psk_key_exchange_modes); break;
        case 7: {
            Status s = msg::decode_early_data(body);
            QTLS_FUZZ_CHECK(!s.ok() || body.empty());
            break;
        }
        case 8: round_trip(body, msg::decode_early_data_ticket(body), msg::encode_early_data_ticket); break;
        case 9: round_trip(body, msg::decode_cookie(body), [](const Bytes& c) { return msg::encode_cookie(c); }); break;
        case 10: {
            Status s = msg::decode_post_handshake_auth(body);
            QTLS_FUZZ_CHECK(!s.ok() || body.empty());
            break;
        }
        case 11: round_trip(body, msg::decode_record_size_limit(body), msg::encode_record_size_limit); break;
        case 12: (void)msg::decode_status_request(body); break;
        case 13:
            round_trip(body, msg::decode_certificate_status(body),
                       [](const Bytes& r) { return msg::encode_certificate_status(r); });
            break;
        case 14:
            round_trip(body, msg::decode_server_name(body),
                       [](const std::string& h) { return msg::encode_server_name(h); });
            break;
        case 15: {
            Status s = msg::decode_server_name_ack(body);
            QTLS_FUZZ_CHECK(!s.ok() || body.empty());
            break;
        }
        case 16: round_trip(body, msg::decode_alpn(body), msg::encode_alpn); break;
        case 17:
            round_trip(body, msg::decode_alpn_server(body),
                       [](const std::string& p) { return msg::encode_alpn_server(p); });
            break;
        case 18: round_trip(body, msg::decode_certificate_authorities(body), msg::encode_certificate_authorities); break;
        case 19: round_trip(body, msg::decode_key_share_client(body), msg::encode_key_share_client); break;
        case 20: round_trip(body, msg::decode_key_share_server(body), msg::encode_key_share_server); break;
        case 21: round_trip(body, msg::decode_key_share_hrr(body), msg::encode_key_share_hrr); break;
        case 22: {
            auto r = msg::decode_pre_shared_key_client(body);
            round_trip(body, r, msg::encode_pre_shared_key_client);
            if (r.ok()) QTLS_FUZZ_CHECK(msg::binders_encoded_length(r.value()) <= body.size());
            break;
        }
        case 23: round_trip(body, msg::decode_pre_shared_key_server(body), msg::encode_pre_shared_key_server); break;
        case 24:
            round_trip(body, msg::decode_sct_list(body), [](const Bytes& l) { return msg::encode_sct_list(l); });
            break;
        case 25: {
            Status s = msg::decode_sct_request(body);
            QTLS_FUZZ_CHECK(!s.ok() || body.empty());
            break;
        }
        default: {
            // The generic extension block in one of the message contexts
            // (selector / 32 picks it; odd values as a HelloRetryRequest).
            const std::size_t ctx = (selector / 32) % std::size(kContexts);
            const bool hrr = kContexts[ctx] == msg::HandshakeType::server_hello && (selector % 32) % 2 == 1;
            wire::Reader r(body);
            msg::Extensions exts;
            Status s = msg::decode_extensions(r, kContexts[ctx], exts, hrr);
            if (s.ok()) {
                for (const auto& e : exts) {
                    QTLS_FUZZ_CHECK(msg::extension_allowed(e.type, kContexts[ctx], hrr));
                    QTLS_FUZZ_CHECK(msg::find_extension(exts, static_cast<msg::ExtensionType>(e.type)) != nullptr);
                }
                Bytes again;
                wire::Writer w(again);
                msg::encode_extensions(w, exts);
                const std::size_t used = body.size() - r.remaining();
                QTLS_FUZZ_CHECK(same(again, body.subspan(0, used)));
            }
            break;
        }
    }
    return 0;
}
