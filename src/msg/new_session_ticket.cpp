#include "msg/new_session_ticket.h"

#include "msg/codec_util.h"

namespace qtls::msg {

// RFC 8446 §4.6.1:
//   uint32 ticket_lifetime; uint32 ticket_age_add;
//   opaque ticket_nonce<0..255>; opaque ticket<1..2^16-1>;
//   Extension extensions<0..2^16-2>;
Bytes NewSessionTicket::encode() const {
    Bytes out;
    wire::Writer w(out);
    std::size_t msg = detail::open_message(w, HandshakeType::new_session_ticket);
    w.u32(lifetime);
    w.u32(age_add);
    w.vec8(nonce);
    std::size_t m = w.open(2);
    w.bytes(ticket);
    detail::close_vec(w, m);
    encode_extensions(w, extensions);
    detail::close_vec(w, msg);
    return out;
}

Result<NewSessionTicket> NewSessionTicket::decode(ByteView body) {
    wire::Reader r(body);
    NewSessionTicket t;
    ByteView nonce;
    ByteView ticket;
    if (!r.u32(t.lifetime) || !r.u32(t.age_add) || !r.vec8(nonce) || !r.vec16(ticket))
        return detail::decode_error("truncated NewSessionTicket");
    if (ticket.empty()) return detail::decode_error("empty session ticket");
    QTLS_TRY(decode_extensions(r, HandshakeType::new_session_ticket, t.extensions));
    if (!r.empty()) return detail::decode_error("trailing bytes after NewSessionTicket");
    // §4.6.1: "Servers MUST NOT use any value greater than 604800 seconds".
    if (t.lifetime > kMaxTicketLifetime) return detail::illegal_parameter("ticket lifetime above 7 days");
    t.nonce.assign(nonce.begin(), nonce.end());
    t.ticket.assign(ticket.begin(), ticket.end());
    return t;
}

}  // namespace qtls::msg
