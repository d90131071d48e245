// Test support for tests that run real peer programs: finding them, a free
// UDP port on 127.0.0.1, readiness by the port appearing in /proc/net/udp,
// starting a process with its output in a log file, and stopping it. Every
// wait is bounded; callers run peers under `timeout` as well.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace qtls::test {

// The full path of an executable in $PATH, or "" when there is none.
std::string find_in_path(const std::string& name);

// A UDP port on 127.0.0.1 that was free a moment ago (bound to port 0 and
// released), or 0. The peer binds it next; a race with another process is
// possible but shows up as a clear bind failure, never a hang.
std::uint16_t free_udp_port();

// Whether some process has a UDP socket bound to 127.0.0.1:port.
bool udp_bound(std::uint16_t port);
// Polls udp_bound() until it holds or `limit` passes.
bool wait_for_udp_bound(std::uint16_t port, std::chrono::milliseconds limit);

// A whole file as bytes ("" when it cannot be read).
std::string slurp(const std::filesystem::path& path);
// Creates or replaces a file with `data`.
void write_file(const std::filesystem::path& path, const std::string& data);

// Starts argv (argv[0] searched in $PATH) with stdout and stderr both into
// `log` (created, mode 0600). The pid, or -1 when it could not start.
pid_t spawn_logged(const std::vector<std::string>& argv, const std::filesystem::path& log);

// SIGTERM, then waits for the process; its exit status, 128 + the signal
// when a signal ended it, -1 for no process.
int terminate_and_wait(pid_t pid);

}  // namespace qtls::test
