// What `qtls quic-server --www DIR` serves: GET /path answers DIR/path,
// "/" (and any path ending in "/") answers index.html, and nothing outside
// DIR is ever opened (no "..", no symlink escape). Shared by the HTTP/3 and
// hq-interop server apps.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace qtls::cli {

// Responses are read into memory whole; larger files are refused (the tool
// serves test files, the interop runner's are at most a few tens of MB).
inline constexpr std::uintmax_t kMaxServedFile = 256ull * 1024 * 1024;

struct ServedFile {
    std::string body;
    std::string content_type;
};

// The file for request path `path` (as sent, starting with '/'; a query or
// fragment is ignored) under `www_dir`, or nullopt when there is none, it
// is not a regular file inside `www_dir`, or it cannot be read. An empty
// `www_dir` serves nothing.
std::optional<ServedFile> load_served_file(const std::string& www_dir, const std::string& path);

}  // namespace qtls::cli
