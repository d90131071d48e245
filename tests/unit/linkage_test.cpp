// The product links libcrypto and libsodium only: never libssl, GnuTLS or
// NSS (they are test peers and benchmark baselines). Checked on the built
// shared library and the qtls program with ldd.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>

namespace {

std::string ldd(const std::string& path) {
    std::string out;
    std::string cmd = "ldd '" + path + "' 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return out;
    std::array<char, 512> buf;
    while (fgets(buf.data(), buf.size(), p)) out += buf.data();
    pclose(p);
    return out;
}

void expect_only_allowed_tls_libraries(const std::string& path) {
    std::string deps = ldd(path);
    SCOPED_TRACE(path + ":\n" + deps);
    EXPECT_NE(deps.find("libcrypto.so"), std::string::npos);
    EXPECT_NE(deps.find("libsodium.so"), std::string::npos);
    for (const char* banned : {"libssl.so", "libgnutls", "libnss3", "libssl3", "libnspr"})
        EXPECT_EQ(deps.find(banned), std::string::npos) << banned;
}

TEST(Linkage, SharedLibraryLinksOnlyLibcryptoAndLibsodium) {
    expect_only_allowed_tls_libraries(std::string(QTLS_BINARY_DIR) + "/libqtls.so");
}

TEST(Linkage, CommandLineProgramLinksOnlyLibcryptoAndLibsodium) {
    expect_only_allowed_tls_libraries(std::string(QTLS_BINARY_DIR) + "/qtls");
}

}  // namespace
