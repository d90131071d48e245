// The NSS key log: line format, append mode, file permissions, concurrency.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "qtls/keylog.h"
#include "support/vectors.h"

namespace qtls {
namespace {

class KeyLogTest : public ::testing::Test {
protected:
    void SetUp() override {
        char dir[] = "/tmp/qtls-keylog-test-XXXXXX";
        ASSERT_NE(::mkdtemp(dir), nullptr);
        dir_ = dir;
        path_ = dir_ + "/keys.log";
    }
    void TearDown() override {
        ::unlink(path_.c_str());
        ::rmdir(dir_.c_str());
    }
    std::vector<std::string> lines() const {
        std::ifstream in(path_);
        std::vector<std::string> out;
        for (std::string line; std::getline(in, line);) out.push_back(line);
        return out;
    }

    std::string dir_, path_;
};

TEST_F(KeyLogTest, WritesNssLines) {
    const Bytes random = test::from_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    const Bytes secret = test::from_hex("deadbeef00ff");
    {
        auto log = keylog_file(path_);
        ASSERT_NE(log, nullptr);
        log->log("CLIENT_HANDSHAKE_TRAFFIC_SECRET", random, secret);
        // Visible before the log is closed: each line is written at once.
        EXPECT_EQ(lines().size(), 1u);
        log->log("SERVER_TRAFFIC_SECRET_0", random, secret);
    }
    const std::vector<std::string> expected = {
        "CLIENT_HANDSHAKE_TRAFFIC_SECRET "
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f deadbeef00ff",
        "SERVER_TRAFFIC_SECRET_0 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f deadbeef00ff",
    };
    EXPECT_EQ(lines(), expected);

    struct stat st {};
    ASSERT_EQ(::stat(path_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);

    // A second logger appends rather than truncating.
    keylog_file(path_)->log("EXPORTER_SECRET", random, secret);
    EXPECT_EQ(lines().size(), 3u);
}

TEST_F(KeyLogTest, ConcurrentLinesDoNotInterleave) {
    auto log = keylog_file(path_);
    ASSERT_NE(log, nullptr);
    const Bytes random(32, 0xab);
    const Bytes secret(48, 0xcd);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 200; ++i) log->log("CLIENT_TRAFFIC_SECRET_0", random, secret);
        });
    for (auto& th : threads) th.join();
    const std::string expected = "CLIENT_TRAFFIC_SECRET_0 " + test::to_hex(random) + " " + test::to_hex(secret);
    const auto all = lines();
    ASSERT_EQ(all.size(), 800u);
    for (const auto& line : all) ASSERT_EQ(line, expected);
}

TEST_F(KeyLogTest, FromEnvironment) {
    ::unsetenv("SSLKEYLOGFILE");
    EXPECT_EQ(keylog_from_env(), nullptr);
    ::setenv("SSLKEYLOGFILE", "", 1);
    EXPECT_EQ(keylog_from_env(), nullptr);
    ::setenv("SSLKEYLOGFILE", path_.c_str(), 1);
    auto log = keylog_from_env();
    ::unsetenv("SSLKEYLOGFILE");
    ASSERT_NE(log, nullptr);
    log->log("EARLY_EXPORTER_SECRET", Bytes{1}, Bytes{2});
    EXPECT_EQ(lines(), std::vector<std::string>{"EARLY_EXPORTER_SECRET 01 02"});
}

TEST_F(KeyLogTest, UnopenablePathGivesNull) {
    EXPECT_EQ(keylog_file(dir_ + "/missing/dir/keys.log"), nullptr);
    EXPECT_EQ(keylog_file(""), nullptr);
}

}  // namespace
}  // namespace qtls
