#include "common/read_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <memory>

#include "qtls/secret.h"

namespace qtls {

namespace {
struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};

// The usual reasons, spelled out: callers add the path (FileError).
Error open_failure(int err) {
    switch (err) {
        case ENOENT: return Error{Alert::internal_error, "no such file"};
        case EACCES: return Error{Alert::internal_error, "permission denied"};
        default: return Error{Alert::internal_error, "cannot open file"};
    }
}
}  // namespace

Result<Bytes> read_file(const std::string& path, std::size_t max_size) {
    std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rbe"));
    if (!f) return open_failure(errno);
    // fopen() opens a directory for reading; its "size" would then be some
    // filesystem's idea of an end offset.
    struct stat st {};
    if (::fstat(::fileno(f.get()), &st) == 0 && S_ISDIR(st.st_mode))
        return Error{Alert::internal_error, "is a directory, not a file"};
    // Key files hold secrets: size the buffer up front so growth never leaves
    // a freed copy behind, and wipe the bounce buffer afterwards.
    Bytes out;
    if (std::fseek(f.get(), 0, SEEK_END) == 0) {
        const long size = std::ftell(f.get());
        if (size > 0 && static_cast<unsigned long>(size) > max_size)
            return Error{Alert::internal_error, "file is too large"};
        if (size > 0) out.reserve(static_cast<std::size_t>(size));
        std::rewind(f.get());
    }
    std::uint8_t buf[16384];
    bool too_large = false;
    for (;;) {
        const std::size_t n = std::fread(buf, 1, sizeof buf, f.get());
        if (n == 0) break;
        if (out.size() + n > max_size) {
            too_large = true;
            break;
        }
        out.insert(out.end(), buf, buf + n);
    }
    secure_wipe(buf, sizeof buf);
    if (too_large) {
        secure_wipe(out.data(), out.size());
        return Error{Alert::internal_error, "file is too large"};
    }
    if (std::ferror(f.get())) {
        secure_wipe(out.data(), out.size());
        return Error{Alert::internal_error, "cannot read file"};
    }
    return out;
}

}  // namespace qtls
