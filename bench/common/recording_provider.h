// A CryptoProvider that forwards to another one and records every call the
// engine and record layer make during a handshake, so the symmetric part of
// that work (transcript hashing, HMAC/HKDF, record keys and record
// protection, randomness) can be replayed and timed on its own, and the
// asymmetric operations counted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "qtls/provider.h"

namespace qbench {

struct CryptoOp {
    enum Kind : std::uint8_t {
        hash_new, hash_update, hash_peek, hash_clone, hmac, hkdf_extract, hkdf_expand,
        aead_new, aead_seal, aead_open, keygen, agree, verify, random,
    };
    Kind kind;
    std::uint8_t alg = 0;    // HashAlg / AeadAlg / group / scheme (low byte)
    std::uint32_t id = 0;    // hash or AEAD context id
    std::uint32_t id2 = 0;   // clone target id
    std::uint32_t a = 0, b = 0, c = 0;  // sizes
};

struct CryptoLog {
    std::vector<CryptoOp> ops;
    std::uint32_t next_id = 0;
    std::size_t count(CryptoOp::Kind k) const;
};

// Forwards to `inner`, appending to `log`.
qtls::ProviderPtr recording_provider(qtls::ProviderPtr inner, std::shared_ptr<CryptoLog> log);

// Re-runs the symmetric operations of `log` (everything except keygen,
// agree and verify) against `provider`. Returns false if one fails.
bool replay_symmetric(const CryptoLog& log, const qtls::CryptoProvider& provider);

}  // namespace qbench
