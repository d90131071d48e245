#include "handshake/psk.h"

namespace qtls::handshake {

Digest binder_hash(const Transcript& transcript, const CryptoProvider& p, HashAlg alg, ByteView truncated_hello) {
    if (transcript.has_hash()) return transcript.current_with(truncated_hello);
    auto ctx = p.hash(alg);
    if (!ctx) return {};
    ctx->update(transcript.buffered());
    ctx->update(truncated_hello);
    return ctx->peek();
}

Digest psk_binder(const crypto::HashContextRef& h, ByteView psk, const Digest& hash, bool external) {
    auto early = crypto::EarlySecret::derive(h, psk);
    return crypto::finished_verify_data(h, early.binder_key(external), hash);
}

}  // namespace qtls::handshake
