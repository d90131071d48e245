/// @file
/// Session resumption (RFC 8446 §2.2, §4.6.1): what a client remembers from
/// a NewSessionTicket, where it keeps it, and how a server seals and opens
/// its stateless tickets.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "qtls/error.h"
#include "qtls/provider.h"
#include "qtls/secret.h"
#include "qtls/types.h"
#include "qtls/export.h"

// Everything declared below is part of the exported API (qtls/export.h).
QTLS_PUBLIC_BEGIN

namespace qtls {

/// Milliseconds on a monotonic-enough clock; configs take one so tests can
/// fix time.
using Clock = std::function<std::uint64_t()>;
std::uint64_t system_clock_ms();

/// What a client keeps from one NewSessionTicket.
struct StoredSession {
    CipherSuite suite{};
    Bytes ticket;  ///< the opaque PSK identity
    Secret psk;    ///< HKDF-Expand-Label(resumption_master_secret, "resumption", nonce)
    std::uint32_t age_add = 0;
    std::uint32_t lifetime_s = 0;
    std::uint64_t received_at_ms = 0;
    std::uint32_t max_early_data = 0;
    std::string alpn;
    /// QUIC: the server's transport parameters as received in its
    /// EncryptedExtensions; RFC 9000 §7.4.1 bounds 0-RTT by the remembered
    /// values, so a client applies them before it sends early data.
    Bytes quic_transport_parameters{};
};

/// Where a client keeps tickets, by server name.
class ClientSessionStore {
public:
    virtual ~ClientSessionStore() = default;
    virtual void put(const std::string& server_name, StoredSession session) = 0;
    /// Tickets are single-use (RFC 8446 §C.4): take() removes what it returns.
    virtual std::optional<StoredSession> take(const std::string& server_name) = 0;
};

/// A bounded in-memory store: at most `max_servers` names (least recently
/// stored evicted first) and `per_server` tickets each.
std::shared_ptr<ClientSessionStore> memory_session_store(std::size_t max_servers = 256, std::size_t per_server = 2);

/// What a server recovers from a ticket it issued.
struct ResumptionState {
    CipherSuite suite{};
    Secret psk;
    std::uint64_t issued_at_ms = 0;
    std::uint32_t age_add = 0;
    std::uint32_t lifetime_s = 0;
    std::string alpn;
    std::string server_name;
    std::uint32_t max_early_data = 0;  ///< 0: this ticket allows no 0-RTT
    /// What the server's 0-RTT promise depended on besides suite and ALPN
    /// (QUIC: its 0-RTT transport parameters, RFC 9000 §7.4.1, and any
    /// application settings, RFC 9001 §4.6.2); 0-RTT is accepted only when
    /// the accepting server's context is byte-for-byte the same.
    Bytes early_data_context{};
};

/// Anti-replay for 0-RTT (RFC 8446 §8): 0-RTT data is accepted only for a
/// ClientHello seen for the first time within the freshness window.
/// Implementations may be shared by several server instances.
class AntiReplay {
public:
    virtual ~AntiReplay() = default;
    /// `id` identifies the ClientHello (its PSK binder); false if it was seen
    /// before, or if the register cannot tell (full): reject 0-RTT then.
    virtual bool first_use(ByteView id, std::uint64_t now_ms) = 0;
    virtual std::uint64_t replays_rejected() const = 0;
};

/// A bounded strike register (§8.2): remembers ids for `window_ms`, at most
/// `capacity` at once; when full it refuses (0-RTT rejected, never replayed).
std::shared_ptr<AntiReplay> strike_register(std::size_t capacity = 100000, std::uint32_t window_ms = 10000);

/// Seals resumption state into tickets and opens them again. The default is
/// stateless: AEAD-sealed with a ring of rotating keys.
class Ticketer {
public:
    virtual ~Ticketer() = default;
    virtual Result<Bytes> seal(const ResumptionState& state) = 0;
    /// nullopt for anything not issued by us, tampered, or sealed with a key
    /// that has rotated out.
    virtual std::optional<ResumptionState> open(ByteView ticket) = 0;
};

struct TicketerOptions {
    ProviderPtr provider;                            ///< null: default_provider()
    std::chrono::seconds rotation{std::chrono::hours(12)};  ///< new sealing key this often
    Clock clock;                                     ///< null: system_clock_ms
};
/// Keys rotate every `rotation`; a ticket opens while its key is the current
/// or the previous one, so tickets live at most two rotation periods.
std::shared_ptr<Ticketer> rotating_ticketer(TicketerOptions options = {});

/// The length of a session cache ticket: a random id, nothing else.
inline constexpr std::size_t kSessionCacheIdLength = 32;
/// A stateful server session cache. The ticket is a random
/// kSessionCacheIdLength-byte id; the resumption state stays in this
/// process, in a map of at most `capacity` entries (the least recently issued
/// is evicted first; expired entries are dropped). Every ticket opens once:
/// open() removes its entry, so a replayed ClientHello (0-RTT included,
/// RFC 8446 §8.1) finds nothing and gets a full handshake. Sharing one cache
/// between servers needs them in one process; use rotating_ticketer across
/// processes.
std::shared_ptr<Ticketer> session_cache_ticketer(std::size_t capacity, ProviderPtr provider = nullptr,
                                                 Clock clock = {});

}  // namespace qtls
QTLS_PUBLIC_END
