// PSK binders (RFC 8446 §4.2.11.2), shared by client and server: an HMAC,
// keyed from the PSK's early secret, over the transcript up to and
// including the ClientHello truncated before its binders list.
#pragma once

#include "crypto/key_schedule.h"
#include "handshake/transcript.h"

namespace qtls::handshake {

// psk_key_exchange_modes code points (RFC 8446 §4.2.9).
inline constexpr std::uint8_t kPskKe = 0;
inline constexpr std::uint8_t kPskDheKe = 1;

// Transcript-Hash(prior messages || truncated ClientHello). Before the
// transcript has chosen its hash (the first ClientHello), `alg` decides.
Digest binder_hash(const Transcript& transcript, const CryptoProvider& p, HashAlg alg, ByteView truncated_hello);

// The binder for a PSK: keyed by "ext binder" for an external PSK and by
// "res binder" for a resumption PSK (RFC 8446 §7.1).
Digest psk_binder(const crypto::HashContextRef& h, ByteView psk, const Digest& hash, bool external = false);

}  // namespace qtls::handshake
