#include "support/vectors.h"

#include <gtest/gtest.h>

#include <fstream>

namespace qtls::test {

Bytes from_hex(std::string_view hex) {
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    Bytes out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        int hi = nibble(hex[i]);
        int lo = nibble(hex[i + 1]);
        if (hi < 0 || lo < 0) {
            ADD_FAILURE() << "bad hex: " << hex;
            return {};
        }
        out.push_back(static_cast<std::uint8_t>((hi << 4) | lo));
    }
    return out;
}

std::string to_hex(ByteView bytes) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    s.reserve(bytes.size() * 2);
    for (auto b : bytes) {
        s.push_back(digits[b >> 4]);
        s.push_back(digits[b & 15]);
    }
    return s;
}

nlohmann::json load_vector(const std::string& name) {
    std::string path = std::string(QTLS_VECTORS_DIR) + "/" + name + ".json";
    std::ifstream in(path);
    if (!in) {
        ADD_FAILURE() << "missing test vector file " << path;
        return nlohmann::json::object();
    }
    return nlohmann::json::parse(in);
}

}  // namespace qtls::test
