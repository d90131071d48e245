// Replays tests/fuzz/regressions/<target>/* through the fuzz targets' entry
// points (the same functions the libFuzzer executables call, built here
// without libFuzzer), so an input that once crashed keeps being checked by
// the ordinary suite and the sanitizer build. Also checks that the fuzz
// scenarios still record deterministic handshakes that replay to completion
// (what the seed corpora and the fuzzers' depth rely on).
//
// An input for a bug that is not fixed yet is listed in kKnownBugs: it is
// skipped by AllRegressionInputs and replayed by its own DISABLED_ test.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "fuzz/fuzz_entries.h"
#include "fuzz/fuzz_support.h"

#ifndef QTLS_FUZZ_REGRESSIONS_DIR
#define QTLS_FUZZ_REGRESSIONS_DIR QTLS_SOURCE_DIR "/tests/fuzz/regressions"
#endif


namespace qtls::fuzz {
namespace {

namespace fs = std::filesystem;

// "<target>/<file>" of inputs whose bug is still open (see the DISABLED_
// tests below for what each one is).
const std::set<std::string> kKnownBugs = {};

Bytes read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

[[maybe_unused]] void replay(const std::string& target, const std::string& file) {
    const fs::path p = fs::path(QTLS_FUZZ_REGRESSIONS_DIR) / target / file;
    ASSERT_TRUE(fs::exists(p)) << p;
    Bytes data = read_all(p);
    entries().at(target)(data.data(), data.size());
}

TEST(FuzzRegressions, AllRegressionInputs) {
    const fs::path root(QTLS_FUZZ_REGRESSIONS_DIR);
    if (!fs::exists(root)) GTEST_SKIP() << "no regression inputs";
    std::size_t replayed = 0;
    for (const auto& dir : fs::directory_iterator(root)) {
        if (!dir.is_directory()) continue;
        const std::string target = dir.path().filename().string();
        ASSERT_TRUE(entries().count(target)) << "unknown fuzz target directory " << target;
        for (const auto& f : fs::directory_iterator(dir.path())) {
            const std::string name = target + "/" + f.path().filename().string();
            if (kKnownBugs.count(name)) continue;
            SCOPED_TRACE(name);
            Bytes data = read_all(f.path());
            entries().at(target)(data.data(), data.size());
            ++replayed;
        }
    }
    RecordProperty("replayed", static_cast<int>(replayed));
}

// The recorded flights of every scenario complete the handshake again when
// replayed into a fresh engine (fixed randomness makes them deterministic).
TEST(FuzzRegressions, RecordedFlightsReplayToCompletion) {
    for (std::size_t s = 0; s < scenario_count(); ++s) {
        SCOPED_TRACE(scenario(s).name);
        RecordedHandshake r = record_engine_handshake(s);
        ASSERT_TRUE(r.ok);
        for (int side = 0; side < 2; ++side) {
            FlightInput in;
            in.selector = static_cast<std::uint8_t>(s);
            for (const Flight& f : side == 0 ? r.server_to_client : r.client_to_server)
                in.chunks.push_back({make_ctrl(f.epoch), f.data});
            Bytes input = serialize_flights(in);
            const std::size_t before = reach().handshakes_completed;
            (side == 0 ? qtls_fuzz_client_engine : qtls_fuzz_server_engine)(input.data(), input.size());
            EXPECT_EQ(reach().handshakes_completed, before + 1) << (side == 0 ? "client" : "server");
        }
    }
}

TEST(FuzzRegressions, RecordedTlsAndQuicStreamsReplayToCompletion) {
    for (std::size_t s : tcp_scenarios()) {
        SCOPED_TRACE(scenario(s).name);
        RecordedTls r = record_tls_handshake(s);
        ASSERT_TRUE(r.ok);
        for (std::size_t i = 0; i < tcp_scenarios().size(); ++i)
            if (tcp_scenarios()[i] == s) {
                Bytes input = {static_cast<std::uint8_t>(i << 2)};  // client, before the handshake
                for (const Bytes& flush : r.server_to_client) {
                    input.push_back(0);
                    input.push_back(static_cast<std::uint8_t>(flush.size() >> 8));
                    input.push_back(static_cast<std::uint8_t>(flush.size()));
                    input.insert(input.end(), flush.begin(), flush.end());
                }
                const std::size_t before = reach().handshakes_completed;
                qtls_fuzz_record(input.data(), input.size());
                EXPECT_EQ(reach().handshakes_completed, before + 1);
            }
    }
    RecordedQuic q = record_quic_handshake();
    ASSERT_TRUE(q.ok);
    FlightInput in;
    in.selector = 0;
    for (const Flight& f : q.server_to_client) in.chunks.push_back({make_ctrl(f.epoch), f.data});
    Bytes input = serialize_flights(in);
    const std::size_t before = reach().handshakes_completed;
    qtls_fuzz_quic_session(input.data(), input.size());
    EXPECT_EQ(reach().handshakes_completed, before + 1);
}

// Known bugs (inputs in tests/fuzz/regressions/, listed in kKnownBugs):
// none yet.

}  // namespace
}  // namespace qtls::fuzz
