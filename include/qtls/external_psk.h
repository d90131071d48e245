/// @file
/// External pre-shared keys (RFC 8446 §2.2, §4.2.11): a key and an identity
/// agreed out of band (like OpenSSL's -psk / -psk_identity), as opposed to the
/// resumption PSKs that tickets carry (qtls/session.h).
///
/// - Binders use the "ext binder" key (RFC 8446 §7.1), so an external PSK can
///   never be confused with a resumption PSK of the same bytes.
/// - An external PSK authenticates both sides: no certificates are sent.
/// - 0-RTT is never offered or accepted with an external PSK (qtls keeps
///   early data to resumption tickets, whose age and anti-replay checks it
///   can enforce; RFC 8446 §8).
/// - A client offers its resumption ticket (if any) first, then the external
///   PSKs in configuration order: 0-RTT needs its PSK first (§4.2.10).
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "qtls/secret.h"
#include "qtls/types.h"
#include "qtls/export.h"

// Everything declared below is part of the exported API (qtls/export.h).
QTLS_PUBLIC_BEGIN

namespace qtls {

/// Identities are opaque bytes of 1..2^16-1 (RFC 8446 §4.2.11); qtls bounds
/// them lower, as no deployment needs more and servers look them up.
inline constexpr std::size_t kMaxExternalPskIdentityLength = 1024;
/// A key shorter than this is refused by validate(): guessable keys would let
/// anyone who sees one binder search for the key offline.
inline constexpr std::size_t kMinExternalPskKeyLength = 16;

struct ExternalPsk {
    Bytes identity;
    Secret key;  ///< at most kMaxSecretLength bytes
    /// The PSK's hash is this suite's (RFC 8446 §4.2.11: each PSK is tied to
    /// one hash); the handshake uses a suite with that hash. The default is
    /// OpenSSL's for -psk.
    CipherSuite suite = CipherSuite::aes_128_gcm_sha256;
};

/// Where a server looks up the identities a client offers.
class ExternalPskStore {
public:
    virtual ~ExternalPskStore() = default;
    virtual std::optional<ExternalPsk> find(ByteView identity) const = 0;
};

/// A fixed set held in memory (a later duplicate identity replaces an
/// earlier one).
std::shared_ptr<ExternalPskStore> memory_external_psk_store(std::vector<ExternalPsk> psks);

}  // namespace qtls
QTLS_PUBLIC_END
