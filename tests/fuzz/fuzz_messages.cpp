// Every handshake message decoder and the MessageAssembler.
//   selector % 4 == 0: bytes through a MessageAssembler in pieces, each
//                      complete message decoded by its type;
//   selector % 4 == 1: one framed message (type byte, length ignored, body);
//   selector % 4 == 2: the body through every decoder;
//   selector % 4 == 3: the body through the decoder selector / 4 picks.
// A message that decodes must re-encode to the same bytes, and decoding the
// re-encoding must give the same encoding again.
#include "fuzz/fuzz_support.h"
#include "msg/msg.h"

namespace qtls::fuzz {
namespace {

using msg::HandshakeType;

bool same(ByteView a, ByteView b) { return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin()); }

// encode() returns header + body; checks the header and returns the body.
ByteView body_of(const Bytes& full, HandshakeType type) {
    QTLS_FUZZ_CHECK(full.size() >= 4);
    QTLS_FUZZ_CHECK(full[0] == static_cast<std::uint8_t>(type));
    const std::size_t len = (std::size_t{full[1]} << 16) | (std::size_t{full[2]} << 8) | full[3];
    QTLS_FUZZ_CHECK(len == full.size() - 4);
    return ByteView(full).subspan(4);
}

// `exact`: the decoder keeps everything, so the re-encoding is the input.
template <class M, class Decode>
void check(ByteView body, HandshakeType type, Decode decode, bool exact) {
    auto r = decode(body);
    if (!r.ok()) return;
    Bytes first = r.value().encode();
    ByteView first_body = body_of(first, type);
    if (exact) QTLS_FUZZ_CHECK(same(first_body, body));
    auto again = decode(first_body);
    QTLS_FUZZ_CHECK(again.ok());
    Bytes second = again.value().encode();
    QTLS_FUZZ_CHECK(same(first, second));
}

void decode_as(HandshakeType type, ByteView body) {
    switch (type) {
        case HandshakeType::client_hello:
            // A ClientHello without an extension block re-encodes with an
            // empty one: idempotent, not exact.
            check<msg::ClientHello>(body, type, [](ByteView b) { return msg::ClientHello::decode(b); }, false);
            break;
        case HandshakeType::server_hello:
            check<msg::ServerHello>(body, type, [](ByteView b) { return msg::ServerHello::decode(b); }, false);
            break;
        case HandshakeType::new_session_ticket:
            check<msg::NewSessionTicket>(body, type, [](ByteView b) { return msg::NewSessionTicket::decode(b); },
                                         true);
            break;
        case HandshakeType::end_of_early_data:
            check<msg::EndOfEarlyData>(body, type, [](ByteView b) { return msg::EndOfEarlyData::decode(b); }, true);
            break;
        case HandshakeType::encrypted_extensions:
            check<msg::EncryptedExtensions>(body, type,
                                            [](ByteView b) { return msg::EncryptedExtensions::decode(b); }, true);
            break;
        case HandshakeType::certificate:
            check<msg::Certificate>(body, type, [](ByteView b) { return msg::Certificate::decode(b); }, true);
            break;
        case HandshakeType::certificate_request:
            check<msg::CertificateRequest>(body, type, [](ByteView b) { return msg::CertificateRequest::decode(b); },
                                           true);
            break;
        case HandshakeType::certificate_verify:
            check<msg::CertificateVerify>(body, type, [](ByteView b) { return msg::CertificateVerify::decode(b); },
                                          true);
            break;
        case HandshakeType::finished:
            for (std::size_t hash_len : {32, 48, 64})
                check<msg::Finished>(body, type, [hash_len](ByteView b) { return msg::Finished::decode(b, hash_len); },
                                     true);
            break;
        case HandshakeType::key_update:
            check<msg::KeyUpdate>(body, type, [](ByteView b) { return msg::KeyUpdate::decode(b); }, true);
            break;
        case HandshakeType::compressed_certificate:
            check<msg::CompressedCertificate>(
                body, type, [](ByteView b) { return msg::CompressedCertificate::decode(b); }, true);
            break;
        case HandshakeType::message_hash: break;
    }
}

const HandshakeType kTypes[] = {HandshakeType::client_hello,        HandshakeType::server_hello,
                                HandshakeType::new_session_ticket,  HandshakeType::end_of_early_data,
                                HandshakeType::encrypted_extensions, HandshakeType::certificate,
                                HandshakeType::certificate_request, HandshakeType::certificate_verify,
                                HandshakeType::finished,            HandshakeType::key_update,
                                HandshakeType::compressed_certificate};

void assemble(ByteView in) {
    if (in.size() < 2) return;
    const std::size_t piece = in[0] == 0 ? in.size() : in[0];
    const std::size_t max = in[1] % 2 ? msg::kMaxHandshakeMessageSize : 64 + in[1];
    ByteView rest = in.subspan(2);
    msg::MessageAssembler a(max);
    std::size_t fed = 0, taken = 0;
    while (!rest.empty()) {
        ByteView p = rest.subspan(0, std::min(piece, rest.size()));
        rest = rest.subspan(p.size());
        if (!a.append(p).ok()) {
            // Sticky until clear().
            QTLS_FUZZ_CHECK(!a.append({}).ok());
            return;
        }
        fed += p.size();
        for (;;) {
            msg::RawMessage m;
            auto more = a.next(m);
            if (!more.ok()) return;
            if (!*more) break;
            QTLS_FUZZ_CHECK(m.full.size() == m.body.size() + 4);
            QTLS_FUZZ_CHECK(m.body.size() <= max);
            QTLS_FUZZ_CHECK(m.full.data() + 4 == m.body.data());
            QTLS_FUZZ_CHECK(m.full[0] == static_cast<std::uint8_t>(m.type));
            QTLS_FUZZ_CHECK(msg::is_wire_handshake_type(m.full[0]));
            taken += m.full.size();
            // The views die with the next append/next; decode a copy.
            Bytes body(m.body.begin(), m.body.end());
            decode_as(m.type, body);
        }
        QTLS_FUZZ_CHECK(a.buffered() == fed - taken);
        QTLS_FUZZ_CHECK(a.has_partial() == (a.buffered() != 0));
    }
    a.clear();
    QTLS_FUZZ_CHECK(a.buffered() == 0 && a.append(Bytes{20, 0, 0, 0}).ok());
}

}  // namespace
}  // namespace qtls::fuzz

using namespace qtls;
using namespace qtls::fuzz;

QTLS_FUZZ_TARGET(messages) {
    ++reach().runs;
    if (size == 0) return 0;
    const std::uint8_t selector = data[0];
    ByteView in(data + 1, size - 1);
    switch (selector % 4) {
        case 0: assemble(in); break;
        case 1:
            if (in.size() >= 4 && msg::is_wire_handshake_type(in[0]))
                decode_as(static_cast<msg::HandshakeType>(in[0]), in.subspan(4));
            break;
        case 2:
            for (auto t : kTypes) decode_as(t, in);
            break;
        default: decode_as(kTypes[(selector / 4) % std::size(kTypes)], in); break;
    }
    return 0;
}
