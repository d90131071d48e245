// hq-interop, the QUIC interop runner's HTTP/0.9 over QUIC: the client
// sends "GET /path\r\n" and FIN on a bidi stream; the server answers with
// the raw file and FIN (no status, no headers). Shared by both tools.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace qtls::cli {

// A request line longer than this is refused (paths are file names).
inline constexpr std::size_t kMaxHqRequestLine = 4096;

std::string hq_request(const std::string& path);

enum class HqParse { incomplete, ok, bad };
// Parses the bytes received so far on a request stream. `fin`: the client
// finished the stream. On ok, `path` is the requested path (starts with '/').
HqParse hq_parse_request(std::string_view received, bool fin, std::string& path);

}  // namespace qtls::cli
