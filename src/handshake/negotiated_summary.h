// The negotiated parameters as one log line (info level, at completion).
#pragma once

#include <string>

#include "qtls/engine.h"

namespace qtls::handshake {

// "suite=... group=... sig=... alpn=... hrr=yes|no resumed=yes|no early_data=...".
std::string negotiated_summary(const Negotiated& n, Side side);

}  // namespace qtls::handshake
