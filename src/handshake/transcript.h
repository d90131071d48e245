// The handshake transcript (RFC 8446 §4.4.1). A client sends its
// ClientHello before it knows the hash, so messages are buffered until
// set_hash(); after that they are hashed incrementally and the buffer is
// released.
#pragma once

#include <memory>

#include "qtls/provider.h"

namespace qtls::handshake {

class Transcript {
public:
    void add(ByteView message);
    // Chooses the hash and feeds it everything buffered so far.
    bool set_hash(const CryptoProvider& provider, HashAlg alg);
    bool has_hash() const { return ctx_ != nullptr; }
    // Transcript-Hash of everything added.
    Digest current() const;
    // Hash of everything added plus `extra` (PSK binders hash a truncated
    // ClientHello that is not part of the transcript yet).
    Digest current_with(ByteView extra) const;
    // HelloRetryRequest rule: replace ClientHello1 (everything so far) by
    // message_hash(Hash(ClientHello1)).
    bool rewrite_for_hello_retry();
    ByteView buffered() const { return buffer_; }

private:
    const CryptoProvider* provider_ = nullptr;
    HashAlg alg_ = HashAlg::sha256;
    std::unique_ptr<HashContext> ctx_;
    Bytes buffer_;
};

}  // namespace qtls::handshake
