#include "handshake/transcript.h"

namespace qtls::handshake {

namespace {
constexpr std::uint8_t kMessageHashType = 254;  // RFC 8446 §4.4.1
}

void Transcript::add(ByteView message) {
    if (ctx_)
        ctx_->update(message);
    else
        buffer_.insert(buffer_.end(), message.begin(), message.end());
}

bool Transcript::set_hash(const CryptoProvider& provider, HashAlg alg) {
    provider_ = &provider;
    alg_ = alg;
    ctx_ = provider.hash(alg);
    if (!ctx_) return false;
    ctx_->update(buffer_);
    Bytes().swap(buffer_);
    return true;
}

Digest Transcript::current() const { return ctx_ ? ctx_->peek() : Digest{}; }

Digest Transcript::current_with(ByteView extra) const {
    if (!ctx_) return {};
    auto copy = ctx_->clone();
    copy->update(extra);
    return copy->peek();
}

bool Transcript::rewrite_for_hello_retry() {
    if (!ctx_) return false;
    Digest ch1 = ctx_->peek();
    ctx_ = provider_->hash(alg_);
    if (!ctx_) return false;
    const std::uint8_t header[4] = {kMessageHashType, 0, 0, static_cast<std::uint8_t>(ch1.len)};
    ctx_->update(header);
    ctx_->update(ch1.view());
    return true;
}

}  // namespace qtls::handshake
