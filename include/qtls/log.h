/// @file
/// Leveled diagnostics. A Logger is a level and a callback; configs carry one
/// (ClientConfig::logger / ServerConfig::logger) or fall back to the
/// process-wide default. Nothing is formatted unless the level is enabled, so
/// a disabled logger costs one comparison per log point.
///
/// What is logged: at trace every handshake message sent and received (type,
/// length, epoch and its negotiation-relevant fields), at debug key changes
/// and state, at info the negotiated parameters, at error the alert that
/// ended a handshake with its cause. Never a secret or key material: secrets
/// leave the library only through the key log (qtls/keylog.h).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "qtls/export.h"

QTLS_PUBLIC_BEGIN
namespace qtls {

enum class LogLevel : std::uint8_t { off = 0, error = 1, warn = 2, info = 3, debug = 4, trace = 5 };

/// "error", "warn", "info", "debug", "trace" ("off" for off).
std::string_view to_string(LogLevel level);
/// Accepts the names above (any case) and "warning"; nullopt for others.
std::optional<LogLevel> parse_log_level(std::string_view name);

/// component: "handshake", "record", "x509", ...; message: one line, no newline.
using LogCallback = std::function<void(LogLevel level, std::string_view component, std::string_view message)>;

struct Logger {
    LogLevel level = LogLevel::off;  ///< messages above this level are not even formatted
    LogCallback callback;

    bool enabled(LogLevel l) const { return l != LogLevel::off && l <= level && callback; }
};

/// The logger used by configs that set none. Initially null (nothing logged).
void set_default_logger(std::shared_ptr<const Logger> logger);
std::shared_ptr<const Logger> default_logger();

/// Writes "HH:MM:SS.mmm <tag> <level> <component>: <message>" lines to
/// stderr (UTC), one write per line. `tag` names the side, e.g. "client".
std::shared_ptr<const Logger> stderr_logger(LogLevel level, std::string tag);

/// stderr_logger at the level named by the QTLS_LOG environment variable
/// (error|warn|info|debug|trace); null when it is unset, empty or "off". An
/// unknown name logs at error level and says so once on stderr.
std::shared_ptr<const Logger> logger_from_env(std::string tag);

}  // namespace qtls
QTLS_PUBLIC_END
