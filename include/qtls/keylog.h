/// @file
/// Key log in the NSS SSLKEYLOGFILE format: the only way a secret ever leaves
/// qtls other than as a Secret event. Off unless a KeyLog is configured.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "qtls/types.h"
#include "qtls/export.h"

// Everything declared below is part of the exported API (qtls/export.h).
QTLS_PUBLIC_BEGIN

namespace qtls {

class KeyLog {
public:
    virtual ~KeyLog() = default;
    /// label: CLIENT_HANDSHAKE_TRAFFIC_SECRET, SERVER_TRAFFIC_SECRET_0, ...
    virtual void log(std::string_view label, ByteView client_random, ByteView secret) = 0;
};

/// Appends lines to a file (opened once, line-buffered, mode 0600).
std::shared_ptr<KeyLog> keylog_file(const std::string& path);
/// keylog_file($SSLKEYLOGFILE), or nullptr when the variable is unset.
std::shared_ptr<KeyLog> keylog_from_env();

}  // namespace qtls
QTLS_PUBLIC_END
