// The fuzz targets' entry points by target name (the directory names under
// tests/fuzz/regressions/ and the seed corpora), for the programs that
// replay inputs without libFuzzer: the seed generator and the regression test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

int qtls_fuzz_reader_and_extensions(const std::uint8_t*, std::size_t);
int qtls_fuzz_messages(const std::uint8_t*, std::size_t);
int qtls_fuzz_client_engine(const std::uint8_t*, std::size_t);
int qtls_fuzz_server_engine(const std::uint8_t*, std::size_t);
int qtls_fuzz_record(const std::uint8_t*, std::size_t);
int qtls_fuzz_quic_packet(const std::uint8_t*, std::size_t);
int qtls_fuzz_x509(const std::uint8_t*, std::size_t);
int qtls_fuzz_quic_session(const std::uint8_t*, std::size_t);
int qtls_fuzz_ticket(const std::uint8_t*, std::size_t);

namespace qtls::fuzz {

using Entry = int (*)(const std::uint8_t*, std::size_t);

inline const std::map<std::string, Entry>& entries() {
    static const std::map<std::string, Entry> by_name = {
        {"reader_and_extensions", qtls_fuzz_reader_and_extensions},
        {"messages", qtls_fuzz_messages},
        {"client_engine", qtls_fuzz_client_engine},
        {"server_engine", qtls_fuzz_server_engine},
        {"record", qtls_fuzz_record},
        {"quic_packet", qtls_fuzz_quic_packet},
        {"x509", qtls_fuzz_x509},
        {"quic_session", qtls_fuzz_quic_session},
        {"ticket", qtls_fuzz_ticket},
    };
    return by_name;
}

}  // namespace qtls::fuzz
