#include "msg/ext_pre_shared_key.h"

#include "msg/codec_util.h"
#include "msg/types.h"

namespace qtls::msg {

// RFC 8446 §4.2.11: OfferedPsks { PskIdentity identities<7..2^16-1>;
//                                 PskBinderEntry binders<33..2^16-1>; }
Bytes encode_pre_shared_key_client(const OfferedPsks& psks) {
    Bytes out;
    wire::Writer w(out);
    std::size_t ids = w.open(2);
    for (const PskIdentity& id : psks.identities) {
        std::size_t m = w.open(2);
        w.bytes(id.identity);
        detail::close_vec(w, m);
        w.u32(id.obfuscated_ticket_age);
    }
    detail::close_vec(w, ids);
    std::size_t binders = w.open(2);
    for (const Bytes& b : psks.binders) {
        std::size_t m = w.open(1);
        w.bytes(b);
        detail::close_vec(w, m);
    }
    detail::close_vec(w, binders);
    return out;
}

Result<OfferedPsks> decode_pre_shared_key_client(ByteView body) {
    wire::Reader r(body);
    wire::Reader ids;
    wire::Reader binders;
    if (!r.sub16(ids) || !r.sub16(binders) || !r.empty()) return detail::decode_error("malformed pre_shared_key");
    if (ids.empty() || binders.empty()) return detail::decode_error("empty pre_shared_key list");
    OfferedPsks out;
    while (!ids.empty()) {
        ByteView identity;
        PskIdentity id;
        if (!ids.vec16(identity) || identity.empty() || !ids.u32(id.obfuscated_ticket_age))
            return detail::decode_error("malformed psk identity");
        id.identity.assign(identity.begin(), identity.end());
        out.identities.push_back(std::move(id));
    }
    while (!binders.empty()) {
        ByteView binder;
        // PskBinderEntry<32..255>.
        if (!binders.vec8(binder) || binder.size() < kMinPskBinderSize)
            return detail::decode_error("malformed psk binder");
        out.binders.emplace_back(binder.begin(), binder.end());
    }
    // §4.2.11: one binder per identity.
    if (out.identities.size() != out.binders.size())
        return detail::illegal_parameter("psk identity and binder counts differ");
    return out;
}

std::size_t binders_encoded_length(const OfferedPsks& psks) {
    std::size_t n = 2;
    for (const Bytes& b : psks.binders) n += 1 + b.size();
    return n;
}

// §4.2.11: uint16 selected_identity.
Bytes encode_pre_shared_key_server(std::uint16_t selected_identity) {
    Bytes out;
    wire::Writer(out).u16(selected_identity);
    return out;
}

Result<std::uint16_t> decode_pre_shared_key_server(ByteView body) {
    wire::Reader r(body);
    std::uint16_t v = 0;
    if (!r.u16(v) || !r.empty()) return detail::decode_error("malformed pre_shared_key");
    return v;
}

}  // namespace qtls::msg
