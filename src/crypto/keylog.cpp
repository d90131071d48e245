// The NSS key log format (SSLKEYLOGFILE, also described in
// draft-ietf-tls-keylogfile): one "<label> <client_random hex> <secret hex>"
// line per secret, which Wireshark and friends use to decrypt captures.
#include "qtls/keylog.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <mutex>
#include <string>

#include "qtls/secret.h"

namespace qtls {

namespace {

class FileKeyLog final : public KeyLog {
public:
    explicit FileKeyLog(int fd) : fd_(fd) {}
    ~FileKeyLog() override { ::close(fd_); }
    FileKeyLog(const FileKeyLog&) = delete;
    FileKeyLog& operator=(const FileKeyLog&) = delete;

    void log(std::string_view label, ByteView client_random, ByteView secret) override {
        static constexpr char kHex[] = "0123456789abcdef";
        std::string line;
        line.reserve(label.size() + 2 * client_random.size() + 2 * secret.size() + 3);
        line.append(label);
        line.push_back(' ');
        for (std::uint8_t b : client_random) {
            line.push_back(kHex[b >> 4]);
            line.push_back(kHex[b & 15]);
        }
        line.push_back(' ');
        for (std::uint8_t b : secret) {
            line.push_back(kHex[b >> 4]);
            line.push_back(kHex[b & 15]);
        }
        line.push_back('\n');
        {
            // One write(2) per line under the lock: lines from concurrent
            // connections never interleave, and each reaches the file at once
            // (a reader can decrypt a capture while the process still runs).
            std::lock_guard<std::mutex> lock(mu_);
            const char* p = line.data();
            std::size_t left = line.size();
            while (left > 0) {
                const ssize_t n = ::write(fd_, p, left);
                if (n < 0 && errno == EINTR) continue;
                if (n <= 0) break;  // nothing sensible to do: key logging is best effort
                p += n;
                left -= static_cast<std::size_t>(n);
            }
        }
        secure_wipe(line.data(), line.size());
    }

private:
    std::mutex mu_;
    int fd_;
};

}  // namespace

std::shared_ptr<KeyLog> keylog_file(const std::string& path) {
    if (path.empty()) return nullptr;
    // 0600: the file holds traffic secrets, so only the owner may read it.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return nullptr;
    return std::make_shared<FileKeyLog>(fd);
}

std::shared_ptr<KeyLog> keylog_from_env() {
    const char* path = std::getenv("SSLKEYLOGFILE");
    if (!path || !*path) return nullptr;
    return keylog_file(path);
}

}  // namespace qtls
