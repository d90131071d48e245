#include "qtls/log.h"

#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>

namespace qtls {

namespace {

std::mutex& default_mutex() {
    static std::mutex m;
    return m;
}

std::shared_ptr<const Logger>& default_slot() {
    static std::shared_ptr<const Logger> logger;
    return logger;
}

// One stderr line is assembled in memory and written with a single write(),
// so lines from the client and server of one process do not interleave.
void write_stderr_line(std::string_view tag, LogLevel level, std::string_view component, std::string_view message) {
    using namespace std::chrono;
    const auto now = system_clock::now();
    const std::time_t secs = system_clock::to_time_t(now);
    const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    std::string line;
    line.reserve(message.size() + tag.size() + component.size() + 32);
    line += stamp;
    line += ' ';
    line += tag;
    line += ' ';
    line += to_string(level);
    // A logger tagged with its side ("client") gets the engine's lines with
    // the same component; say the side once ("client trace: ...").
    if (component != tag) {
        line += ' ';
        line += component;
    }
    line += ": ";
    line += message;
    line += '\n';
    std::size_t off = 0;
    while (off < line.size()) {
        ssize_t n = ::write(STDERR_FILENO, line.data() + off, line.size() - off);
        if (n <= 0) return;  // stderr gone: diagnostics are best effort
        off += static_cast<std::size_t>(n);
    }
}

}  // namespace

std::string_view to_string(LogLevel level) {
    switch (level) {
        case LogLevel::off: return "off";
        case LogLevel::error: return "error";
        case LogLevel::warn: return "warn";
        case LogLevel::info: return "info";
        case LogLevel::debug: return "debug";
        case LogLevel::trace: return "trace";
    }
    return "?";
}

std::optional<LogLevel> parse_log_level(std::string_view name) {
    std::string lower;
    for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (LogLevel l : {LogLevel::off, LogLevel::error, LogLevel::warn, LogLevel::info, LogLevel::debug, LogLevel::trace})
        if (lower == to_string(l)) return l;
    if (lower == "warning") return LogLevel::warn;
    return std::nullopt;
}

void set_default_logger(std::shared_ptr<const Logger> logger) {
    std::lock_guard lock(default_mutex());
    default_slot() = std::move(logger);
}

std::shared_ptr<const Logger> default_logger() {
    std::lock_guard lock(default_mutex());
    return default_slot();
}

std::shared_ptr<const Logger> stderr_logger(LogLevel level, std::string tag) {
    auto logger = std::make_shared<Logger>();
    logger->level = level;
    logger->callback = [tag = std::move(tag)](LogLevel l, std::string_view component, std::string_view message) {
        write_stderr_line(tag, l, component, message);
    };
    return logger;
}

std::shared_ptr<const Logger> logger_from_env(std::string tag) {
    const char* value = std::getenv("QTLS_LOG");
    if (value == nullptr || *value == '\0') return nullptr;
    auto level = parse_log_level(value);
    if (!level) {
        std::fprintf(stderr, "qtls: QTLS_LOG=%s is not one of error|warn|info|debug|trace; logging errors only\n",
                     value);
        level = LogLevel::error;
    }
    if (*level == LogLevel::off) return nullptr;
    return stderr_logger(*level, std::move(tag));
}

}  // namespace qtls
