#include "support/temp_dir.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace qtls::test {

TempDir::TempDir() {
    char pattern[] = "/tmp/qtls-test-XXXXXX";
    if (::mkdtemp(pattern)) path_ = pattern;
    EXPECT_FALSE(path_.empty()) << "mkdtemp failed";
}

TempDir::~TempDir() {
    if (path_.empty()) return;
    std::error_code ec;  // best effort: a leftover /tmp directory is harmless
    std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& contents) const {
    const std::string file = path_ + "/" + name;
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.close();
    EXPECT_TRUE(out.good()) << "cannot write " << file;
    return file;
}

std::string TempDir::mkdir(const std::string& name) const {
    const std::string dir = path_ + "/" + name;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    EXPECT_FALSE(ec) << "cannot create " << dir << ": " << ec.message();
    return dir;
}

}  // namespace qtls::test
