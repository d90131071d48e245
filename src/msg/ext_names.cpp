#include "msg/ext_names.h"

#include <algorithm>

#include "msg/codec_util.h"

namespace qtls::msg {
namespace {

// RFC 6066 §3: NameType host_name(0).
constexpr std::uint8_t kNameTypeHostName = 0;

}  // namespace

// RFC 6066 §3: ServerName server_name_list<1..2^16-1>;
// ServerName { NameType name_type; HostName host_name<1..2^16-1>; }
Bytes encode_server_name(std::string_view host) {
    Bytes out;
    wire::Writer w(out);
    std::size_t list = w.open(2);
    w.u8(kNameTypeHostName);
    std::size_t name = w.open(2);
    w.bytes(as_bytes(host));
    detail::close_vec(w, name);
    detail::close_vec(w, list);
    return out;
}

Result<std::string> decode_server_name(ByteView body) {
    wire::Reader r(body);
    wire::Reader list;
    if (!r.sub16(list) || !r.empty() || list.empty()) return detail::decode_error("malformed server_name");
    std::string host;
    bool have_host = false;
    while (!list.empty()) {
        std::uint8_t type = 0;
        ByteView name;
        if (!list.u8(type)) return detail::decode_error("malformed server_name");
        // RFC 6066 §3: only host_name is defined; the length of any other
        // name type is unknown, so the rest of the list cannot be parsed.
        if (type != kNameTypeHostName) return detail::decode_error("unknown server_name type");
        if (!list.vec16(name) || name.empty()) return detail::decode_error("malformed server_name host_name");
        // RFC 6066 §3: at most one name of each name_type.
        if (have_host) return detail::illegal_parameter("duplicate server_name host_name");
        // An embedded NUL would let "good.example\0.evil" compare unequal to
        // what certificate matching sees.
        if (std::find(name.begin(), name.end(), std::uint8_t{0}) != name.end())
            return detail::illegal_parameter("NUL in server_name");
        host.assign(name.begin(), name.end());
        have_host = true;
    }
    return host;
}

Status decode_server_name_ack(ByteView body) {
    if (!body.empty()) return detail::decode_error("non-empty server_name acknowledgement");
    return {};
}

// RFC 7301 §3.1: ProtocolName protocol_name_list<2..2^16-1>;
// opaque ProtocolName<1..2^8-1>.
Bytes encode_alpn(const std::vector<std::string>& protocols) {
    Bytes out;
    wire::Writer w(out);
    std::size_t list = w.open(2);
    for (const std::string& p : protocols) {
        std::size_t m = w.open(1);
        w.bytes(as_bytes(p));
        detail::close_vec(w, m);
    }
    detail::close_vec(w, list);
    return out;
}

Result<std::vector<std::string>> decode_alpn(ByteView body) {
    wire::Reader r(body);
    wire::Reader list;
    if (!r.sub16(list) || !r.empty() || list.empty()) return detail::decode_error("malformed alpn");
    std::vector<std::string> out;
    while (!list.empty()) {
        ByteView name;
        if (!list.vec8(name) || name.empty()) return detail::decode_error("malformed alpn protocol name");
        out.emplace_back(name.begin(), name.end());
    }
    return out;
}

Bytes encode_alpn_server(std::string_view protocol) { return encode_alpn({std::string(protocol)}); }

// RFC 7301 §3.1: the server's list must contain exactly one name.
Result<std::string> decode_alpn_server(ByteView body) {
    QTLS_ASSIGN_OR_RETURN(std::vector<std::string> names, decode_alpn(body));
    if (names.size() != 1) return detail::decode_error("server alpn must name one protocol");
    return std::move(names.front());
}

// RFC 8446 §4.2.4: DistinguishedName authorities<3..2^16-1>;
// opaque DistinguishedName<1..2^16-1>.
Bytes encode_certificate_authorities(const std::vector<Bytes>& names) {
    Bytes out;
    wire::Writer w(out);
    std::size_t list = w.open(2);
    for (const Bytes& n : names) {
        std::size_t m = w.open(2);
        w.bytes(n);
        detail::close_vec(w, m);
    }
    detail::close_vec(w, list);
    return out;
}

Result<std::vector<Bytes>> decode_certificate_authorities(ByteView body) {
    wire::Reader r(body);
    wire::Reader list;
    if (!r.sub16(list) || !r.empty() || list.empty()) return detail::decode_error("malformed certificate_authorities");
    std::vector<Bytes> out;
    while (!list.empty()) {
        ByteView dn;
        if (!list.vec16(dn) || dn.empty()) return detail::decode_error("malformed distinguished name");
        out.emplace_back(dn.begin(), dn.end());
    }
    return out;
}

}  // namespace qtls::msg
