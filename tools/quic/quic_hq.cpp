#include "quic_hq.h"

namespace qtls::cli {

std::string hq_request(const std::string& path) { return "GET " + path + "\r\n"; }

HqParse hq_parse_request(std::string_view received, bool fin, std::string& path) {
    const std::size_t eol = received.find('\n');
    if (eol == std::string_view::npos) {
        if (received.size() > kMaxHqRequestLine) return HqParse::bad;
        // Some clients end the line with FIN alone.
        if (!fin) return HqParse::incomplete;
    }
    std::string_view line = received.substr(0, eol == std::string_view::npos ? received.size() : eol);
    if (line.size() > kMaxHqRequestLine) return HqParse::bad;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    constexpr std::string_view kGet = "GET ";
    if (line.substr(0, kGet.size()) != kGet) return HqParse::bad;
    line.remove_prefix(kGet.size());
    // HTTP/1.0-style "GET /path HTTP/1.0" lines: keep only the target.
    if (const std::size_t sp = line.find(' '); sp != std::string_view::npos) line = line.substr(0, sp);
    if (line.empty() || line.front() != '/') return HqParse::bad;
    path.assign(line);
    return HqParse::ok;
}

}  // namespace qtls::cli
