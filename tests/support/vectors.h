// Test support: hex helpers and loading of the RFC vectors in ../shared/vectors.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "qtls/types.h"

namespace qtls::test {

Bytes from_hex(std::string_view hex);
std::string to_hex(ByteView bytes);
// Parses ${QTLS_VECTORS_DIR}/<name>.json; fails the current test when missing.
nlohmann::json load_vector(const std::string& name);
// Convenience: json string field (hex) -> bytes.
inline Bytes hex_field(const nlohmann::json& j) { return from_hex(j.get<std::string>()); }

}  // namespace qtls::test
