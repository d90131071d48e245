#include "quic_server_files.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

namespace qtls::cli {

namespace {

namespace fs = std::filesystem;

// A handful of types the tools serve; anything else is opaque bytes.
std::string content_type_of(const fs::path& file) {
    const std::string ext = file.extension().string();
    if (ext == ".html" || ext == ".htm") return "text/html";
    if (ext == ".txt") return "text/plain";
    if (ext == ".css") return "text/css";
    if (ext == ".js") return "application/javascript";
    if (ext == ".json") return "application/json";
    if (ext == ".png") return "image/png";
    if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
    return "application/octet-stream";
}

// "a/../b" style segments are refused outright rather than normalised: a
// client that sends them is probing, and refusing is simplest to verify.
bool safe_relative(const std::string& rel) {
    std::size_t start = 0;
    while (start <= rel.size()) {
        const std::size_t end = rel.find('/', start);
        const std::string seg = rel.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (seg == "..") return false;
        if (seg.find('\0') != std::string::npos || seg.find('\\') != std::string::npos) return false;
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return true;
}

}  // namespace

std::optional<ServedFile> load_served_file(const std::string& www_dir, const std::string& path) {
    if (www_dir.empty() || path.empty() || path.front() != '/') return std::nullopt;
    const std::size_t query = path.find_first_of("?#");
    std::string rel = path.substr(1, query == std::string::npos ? std::string::npos : query - 1);
    if (rel.empty() || rel.back() == '/') rel += "index.html";
    if (!safe_relative(rel)) return std::nullopt;

    std::error_code ec;
    const fs::path root = fs::canonical(www_dir, ec);
    if (ec) return std::nullopt;
    const fs::path file = fs::canonical(root / rel, ec);
    if (ec) return std::nullopt;
    // Symlinks may not lead out of the served directory either.
    const std::string root_s = root.string(), file_s = file.string();
    if (file_s.size() <= root_s.size() || file_s.compare(0, root_s.size(), root_s) != 0 ||
        file_s[root_s.size()] != '/')
        return std::nullopt;
    if (!fs::is_regular_file(file, ec) || ec) return std::nullopt;
    const std::uintmax_t size = fs::file_size(file, ec);
    if (ec || size > kMaxServedFile) return std::nullopt;

    std::ifstream in(file, std::ios::binary);
    if (!in) return std::nullopt;
    ServedFile out;
    out.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) return std::nullopt;
    out.content_type = content_type_of(file);
    return out;
}

}  // namespace qtls::cli
