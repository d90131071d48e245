#include "msg/ext_key_share.h"

#include <bitset>

#include "msg/codec_util.h"

namespace qtls::msg {
namespace {

void write_entry(wire::Writer& w, const KeyShareEntry& e) {
    w.u16(e.group);
    std::size_t m = w.open(2);
    w.bytes(e.key_exchange);
    detail::close_vec(w, m);
}

// KeyShareEntry { NamedGroup group; opaque key_exchange<1..2^16-1>; }
bool read_entry(wire::Reader& r, KeyShareEntry& e) {
    ByteView kx;
    if (!r.u16(e.group) || !r.vec16(kx) || kx.empty()) return false;
    e.key_exchange.assign(kx.begin(), kx.end());
    return true;
}

}  // namespace

// RFC 8446 §4.2.8: KeyShareEntry client_shares<0..2^16-1>.
Bytes encode_key_share_client(const std::vector<KeyShareEntry>& shares) {
    Bytes out;
    wire::Writer w(out);
    std::size_t list = w.open(2);
    for (const KeyShareEntry& e : shares) write_entry(w, e);
    detail::close_vec(w, list);
    return out;
}

Result<std::vector<KeyShareEntry>> decode_key_share_client(ByteView body) {
    wire::Reader r(body);
    wire::Reader list;
    if (!r.sub16(list) || !r.empty()) return detail::decode_error("malformed key_share");
    std::vector<KeyShareEntry> out;
    std::bitset<65536> seen;  // linear duplicate check
    while (!list.empty()) {
        KeyShareEntry e;
        if (!read_entry(list, e)) return detail::decode_error("malformed key_share entry");
        // §4.2.8: clients MUST NOT offer multiple shares for the same group;
        // servers MAY treat it as illegal_parameter.
        if (seen.test(e.group)) return detail::illegal_parameter("duplicate key_share group");
        seen.set(e.group);
        out.push_back(std::move(e));
    }
    return out;
}

// §4.2.8: KeyShareEntry server_share.
Bytes encode_key_share_server(const KeyShareEntry& share) {
    Bytes out;
    wire::Writer w(out);
    write_entry(w, share);
    return out;
}

Result<KeyShareEntry> decode_key_share_server(ByteView body) {
    wire::Reader r(body);
    KeyShareEntry e;
    if (!read_entry(r, e) || !r.empty()) return detail::decode_error("malformed key_share");
    return e;
}

// §4.2.8: NamedGroup selected_group (HelloRetryRequest).
Bytes encode_key_share_hrr(std::uint16_t selected_group) {
    Bytes out;
    wire::Writer(out).u16(selected_group);
    return out;
}

Result<std::uint16_t> decode_key_share_hrr(ByteView body) {
    wire::Reader r(body);
    std::uint16_t g = 0;
    if (!r.u16(g) || !r.empty()) return detail::decode_error("malformed key_share");
    return g;
}

}  // namespace qtls::msg
