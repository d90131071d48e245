// Reading small configuration files (keys, certificates, CA bundles) whole.
#pragma once

#include <cstddef>
#include <string>

#include "qtls/error.h"
#include "qtls/types.h"

namespace qtls {

// Large enough for a full system CA bundle (a few hundred KiB) with room to
// spare; anything bigger is not a key or certificate file.
inline constexpr std::size_t kMaxConfigFileSize = 16 * 1024 * 1024;

Result<Bytes> read_file(const std::string& path, std::size_t max_size = kMaxConfigFileSize);

}  // namespace qtls
