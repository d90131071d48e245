// The one-line "what was negotiated" summary printed after a handshake.
#pragma once

#include <string>

#include "qtls/engine.h"

namespace qtls::cli {

std::string negotiated_summary(const Negotiated& n, Side side);

}  // namespace qtls::cli
