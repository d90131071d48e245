// qtls_udp_relay: a UDP relay for the QUIC interop matrix that loses and reorders datagrams.
//
//   qtls_udp_relay --server PORT [--port N] [--drop P] [--reorder P] [--seed N] [--max-seconds S]
//
// Listens on 127.0.0.1:N (0 = ephemeral), forwards every datagram from a client to
// 127.0.0.1:PORT and the answers back. Each client address gets its own upstream socket, so the
// server sees one address per client (QUIC connections stay apart). Each direction drops a
// datagram with probability P (--drop) and holds one back with probability P (--reorder) until
// the next datagram of that direction has gone out, or at most kHoldMicros, so that held-back
// packets overtake nothing for long. Losses are what RFC 9002 recovers from; reordering is
// what RFC 9000 section 13.2.1 acknowledges out of order. The generator is seeded, so a run can
// be repeated.
//
// stderr: "udp_relay: listening on 127.0.0.1:N -> 127.0.0.1:PORT ..." once bound (tests wait for
// it), and at exit (SIGTERM, SIGINT, --max-seconds) one line of counts per direction:
//   "udp_relay: client->server forwarded=F dropped=D reordered=R"
//   "udp_relay: server->client forwarded=F dropped=D reordered=R"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

// Limits: the largest UDP payload (RFC 768 length field), at most this many clients at once, a
// drop/reorder rate no higher than 50% (the matrix uses 5%), and no more than this many drops in
// a row per direction so that one unlucky seed cannot stall a handshake for many PTO periods.
constexpr std::size_t kMaxDatagram = 65535;
constexpr std::size_t kMaxClients = 64;
constexpr double kMaxRate = 0.5;
constexpr int kMaxConsecutiveDrops = 3;
constexpr std::int64_t kHoldMicros = 20'000;   // a held datagram leaves after 20 ms at the latest
constexpr int kIdlePollMillis = 100;
constexpr long kMaxRunSeconds = 3600;

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

using Clock = std::chrono::steady_clock;
std::int64_t now_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch()).count();
}

struct Options {
  std::uint16_t server_port = 0;
  std::uint16_t listen_port = 0;
  double drop = 0.0;
  double reorder = 0.0;
  std::uint64_t seed = 1;
  long max_seconds = 600;
};

struct Counts {
  std::uint64_t forwarded = 0, dropped = 0, reordered = 0;
};

// One direction's loss/reorder state: the datagram held back (if any) and where it goes.
struct Direction {
  Counts counts;
  int consecutive_drops = 0;
  std::vector<std::uint8_t> held;
  bool holding = false;
  std::int64_t held_since = 0;
  int held_fd = -1;
  sockaddr_in held_to{};
  bool held_to_connected = false;
};

struct Client {
  sockaddr_in addr{};
  int upstream_fd = -1;  // connected to the server
  Direction to_client;   // per client, so a held answer goes back to the right address
};

void usage() {
  std::fprintf(stderr,
               "usage: qtls_udp_relay --server PORT [--port N] [--drop P] [--reorder P] [--seed N] "
               "[--max-seconds S]\n");
}

std::optional<long> parse_long(std::string_view s, long lo, long hi) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  char* end = nullptr;
  std::string copy(s);
  errno = 0;
  long v = std::strtol(copy.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || v < lo || v > hi) return std::nullopt;
  return v;
}

std::optional<double> parse_rate(std::string_view s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  char* end = nullptr;
  std::string copy(s);
  double v = std::strtod(copy.c_str(), &end);
  if (*end != '\0' || !(v >= 0.0 && v <= kMaxRate)) return std::nullopt;
  return v;
}

std::optional<Options> parse_options(int argc, char** argv) {
  Options o;
  bool have_server = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (i + 1 >= argc) return std::nullopt;
    std::string_view v = argv[++i];
    if (a == "--server") {
      auto p = parse_long(v, 1, 65535);
      if (!p) return std::nullopt;
      o.server_port = static_cast<std::uint16_t>(*p);
      have_server = true;
    } else if (a == "--port") {
      auto p = parse_long(v, 0, 65535);
      if (!p) return std::nullopt;
      o.listen_port = static_cast<std::uint16_t>(*p);
    } else if (a == "--drop" || a == "--reorder") {
      auto r = parse_rate(v);
      if (!r) {
        std::fprintf(stderr, "udp_relay: %s takes a rate between 0 and %.1f\n", argv[i - 1], kMaxRate);
        return std::nullopt;
      }
      (a == "--drop" ? o.drop : o.reorder) = *r;
    } else if (a == "--seed") {
      auto p = parse_long(v, 0, 0x7fffffffL);
      if (!p) return std::nullopt;
      o.seed = static_cast<std::uint64_t>(*p);
    } else if (a == "--max-seconds") {
      auto p = parse_long(v, 1, kMaxRunSeconds);
      if (!p) return std::nullopt;
      o.max_seconds = *p;
    } else {
      return std::nullopt;
    }
  }
  if (!have_server) return std::nullopt;
  return o;
}

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

bool same_addr(const sockaddr_in& a, const sockaddr_in& b) {
  return a.sin_port == b.sin_port && a.sin_addr.s_addr == b.sin_addr.s_addr;
}

class Relay {
 public:
  explicit Relay(const Options& o) : opts_(o), rng_(o.seed), coin_(0.0, 1.0) { clients_.reserve(kMaxClients); }
  ~Relay() {
    if (listen_fd_ >= 0) ::close(listen_fd_);
    for (auto& c : clients_) ::close(c.upstream_fd);
  }

  bool bind_listener() {
    listen_fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) return false;
    sockaddr_in a = loopback(opts_.listen_port);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return false;
    socklen_t len = sizeof a;
    if (::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) return false;
    bound_port_ = ntohs(a.sin_port);
    return true;
  }
  std::uint16_t port() const { return bound_port_; }

  void run() {
    const std::int64_t deadline = now_micros() + static_cast<std::int64_t>(opts_.max_seconds) * 1'000'000;
    std::vector<pollfd> fds;
    while (!g_stop && now_micros() < deadline) {
      fds.clear();
      fds.push_back({listen_fd_, POLLIN, 0});
      for (auto& c : clients_) fds.push_back({c.upstream_fd, POLLIN, 0});
      int rc = ::poll(fds.data(), fds.size(), poll_timeout_millis());
      if (rc < 0 && errno != EINTR) {
        std::perror("udp_relay: poll");
        return;
      }
      release_expired_holds();
      if (rc <= 0) continue;
      if (fds[0].revents & POLLIN) from_client();
      // clients_ only grows inside from_client(), so indices 1..n still match the fds polled.
      for (std::size_t i = 1; i < fds.size(); ++i)
        if (fds[i].revents & POLLIN) from_server(clients_[i - 1]);
    }
  }

  void report() const {
    Counts up = to_server_.counts, down;
    for (const auto& c : clients_) {
      down.forwarded += c.to_client.counts.forwarded;
      down.dropped += c.to_client.counts.dropped;
      down.reordered += c.to_client.counts.reordered;
    }
    std::fprintf(stderr, "udp_relay: clients=%zu refused=%llu\n", clients_.size(),
                 static_cast<unsigned long long>(refused_));
    print_counts("client->server", up);
    print_counts("server->client", down);
  }

 private:
  static void print_counts(const char* what, const Counts& c) {
    std::fprintf(stderr, "udp_relay: %s forwarded=%llu dropped=%llu reordered=%llu\n", what,
                 static_cast<unsigned long long>(c.forwarded), static_cast<unsigned long long>(c.dropped),
                 static_cast<unsigned long long>(c.reordered));
  }

  int poll_timeout_millis() const {
    std::int64_t wait = kIdlePollMillis * 1000;
    auto consider = [&](const Direction& d) {
      if (d.holding) wait = std::min(wait, std::max<std::int64_t>(0, d.held_since + kHoldMicros - now_micros()));
    };
    consider(to_server_);
    for (const auto& c : clients_) consider(c.to_client);
    return static_cast<int>((wait + 999) / 1000);
  }

  void from_client() {
    sockaddr_in from{};
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(listen_fd_, buf_.data(), buf_.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) return;
    Client* c = find_or_add(from);
    if (c == nullptr) {
      ++refused_;
      return;
    }
    pass(to_server_, c->upstream_fd, nullptr, static_cast<std::size_t>(n));
  }

  void from_server(Client& c) {
    ssize_t n = ::recv(c.upstream_fd, buf_.data(), buf_.size(), 0);
    if (n < 0) return;  // e.g. ECONNREFUSED after the server went away
    pass(c.to_client, listen_fd_, &c.addr, static_cast<std::size_t>(n));
  }

  Client* find_or_add(const sockaddr_in& from) {
    for (auto& c : clients_)
      if (same_addr(c.addr, from)) return &c;
    if (clients_.size() >= kMaxClients) return nullptr;
    int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return nullptr;
    sockaddr_in server = loopback(opts_.server_port);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof server) != 0) {
      ::close(fd);
      return nullptr;
    }
    clients_.push_back(Client{from, fd, {}});
    return &clients_.back();
  }

  // The loss/reorder decision for one datagram (in buf_) of direction d.
  void pass(Direction& d, int fd, const sockaddr_in* to, std::size_t n) {
    if (opts_.drop > 0 && d.consecutive_drops < kMaxConsecutiveDrops && coin_(rng_) < opts_.drop) {
      ++d.counts.dropped;
      ++d.consecutive_drops;
      return;
    }
    d.consecutive_drops = 0;
    if (!d.holding && opts_.reorder > 0 && coin_(rng_) < opts_.reorder) {
      d.held.assign(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(n));
      d.holding = true;
      d.held_since = now_micros();
      d.held_fd = fd;
      d.held_to_connected = to == nullptr;
      if (to) d.held_to = *to;
      ++d.counts.reordered;
      return;
    }
    send(d, fd, to, buf_.data(), n);
    if (d.holding) release(d);  // the held datagram now arrives after this later one
  }

  void release(Direction& d) {
    d.holding = false;
    send(d, d.held_fd, d.held_to_connected ? nullptr : &d.held_to, d.held.data(), d.held.size());
  }

  void release_expired_holds() {
    const std::int64_t now = now_micros();
    if (to_server_.holding && now - to_server_.held_since >= kHoldMicros) release(to_server_);
    for (auto& c : clients_)
      if (c.to_client.holding && now - c.to_client.held_since >= kHoldMicros) release(c.to_client);
  }

  static void send(Direction& d, int fd, const sockaddr_in* to, const std::uint8_t* p, std::size_t n) {
    ssize_t rc = to ? ::sendto(fd, p, n, 0, reinterpret_cast<const sockaddr*>(to), sizeof *to) : ::send(fd, p, n, 0);
    if (rc == static_cast<ssize_t>(n)) ++d.counts.forwarded;
  }

  Options opts_;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> coin_;
  int listen_fd_ = -1;
  std::uint16_t bound_port_ = 0;
  std::vector<Client> clients_;  // capacity kMaxClients, reserved up front: never reallocates
  Direction to_server_;          // shared by all clients: one upstream "wire"
  std::uint64_t refused_ = 0;
  std::array<std::uint8_t, kMaxDatagram> buf_{};
};

}  // namespace

int main(int argc, char** argv) {
  auto opts = parse_options(argc, argv);
  if (!opts) {
    usage();
    return 2;
  }
  struct sigaction sa{};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);

  auto relay = std::make_unique<Relay>(*opts);
  if (!relay->bind_listener()) {
    std::perror("udp_relay: bind");
    return 1;
  }
  std::fprintf(stderr, "udp_relay: listening on 127.0.0.1:%u -> 127.0.0.1:%u drop=%.3f reorder=%.3f seed=%llu\n",
               relay->port(), opts->server_port, opts->drop, opts->reorder,
               static_cast<unsigned long long>(opts->seed));
  relay->run();
  relay->report();
  return 0;
}
