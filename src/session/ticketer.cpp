// Stateless session tickets: the resumption state, AEAD-sealed under a key
// that rotates. Format: key id (4) || nonce (12) || AES-256-GCM(state) || tag.
#include <array>
#include <cstring>
#include <mutex>

#include "qtls/session.h"
#include "wire/reader.h"
#include "wire/writer.h"

namespace qtls {

namespace {

constexpr std::size_t kKeyIdLength = 4;
constexpr std::size_t kNonceLength = 12;
constexpr std::size_t kTicketKeyLength = 32;
constexpr std::uint8_t kStateVersion = 3;
// The early data context (QUIC 0-RTT transport parameters and application
// settings) is a few dozen bytes; more is not ours.
constexpr std::size_t kMaxEarlyDataContextLength = 1024;
// Sealed state is small; anything longer is not ours (named bound for the parser).
constexpr std::size_t kMaxTicketLength = 2048;

// Fixed-size fields of the encoded state: version, suite, issued_at, age_add,
// lifetime, max_early_data and the four length prefixes.
constexpr std::size_t kStateFixedLength = 1 + 2 + 8 + 4 + 4 + 4 + 1 + 1 + 1 + 2;

Bytes encode_state(const ResumptionState& s) {
    Bytes out;
    // The PSK is written into this buffer: reserve it whole so no growth
    // frees a copy of the PSK unwiped (the caller wipes the final buffer).
    out.reserve(kStateFixedLength + s.psk.size() + s.alpn.size() + s.server_name.size() + s.early_data_context.size());
    wire::Writer w(out);
    w.u8(kStateVersion);
    w.u16(static_cast<std::uint16_t>(s.suite));
    w.u64(s.issued_at_ms);
    w.u32(s.age_add);
    w.u32(s.lifetime_s);
    w.vec8(s.psk.view());
    w.vec8(as_bytes(s.alpn));
    w.vec8(as_bytes(s.server_name));
    w.u32(s.max_early_data);
    w.vec16(s.early_data_context);
    return out;
}

std::optional<ResumptionState> decode_state(ByteView b) {
    wire::Reader r(b);
    ResumptionState s;
    std::uint8_t version = 0;
    std::uint16_t suite = 0;
    ByteView psk, alpn, name, context;
    if (!r.u8(version) || version != kStateVersion || !r.u16(suite) || !r.u64(s.issued_at_ms) || !r.u32(s.age_add) ||
        !r.u32(s.lifetime_s) || !r.vec8(psk) || !r.vec8(alpn) || !r.vec8(name) || !r.u32(s.max_early_data) ||
        !r.vec16(context) || !r.empty())
        return std::nullopt;
    if (!suite_info(suite) || psk.size() > kMaxSecretLength || context.size() > kMaxEarlyDataContextLength)
        return std::nullopt;
    s.early_data_context.assign(context.begin(), context.end());
    s.suite = static_cast<CipherSuite>(suite);
    s.psk = Secret(psk);
    s.alpn.assign(alpn.begin(), alpn.end());
    s.server_name.assign(name.begin(), name.end());
    return s;
}

class RotatingTicketer final : public Ticketer {
public:
    explicit RotatingTicketer(TicketerOptions o) : opts_(std::move(o)) {
        if (!opts_.provider) opts_.provider = default_provider();
        if (!opts_.clock) opts_.clock = system_clock_ms;
    }

    Result<Bytes> seal(const ResumptionState& state) override {
        if (state.early_data_context.size() > kMaxEarlyDataContextLength)
            return Error{Alert::internal_error, "early data context too long for a ticket"};
        std::lock_guard lock(mu_);
        rotate();
        Bytes plain = encode_state(state);
        Bytes out(kKeyIdLength + kNonceLength + plain.size() + kAeadTagLength);
        std::memcpy(out.data(), current_.id.data(), kKeyIdLength);
        opts_.provider->random(MutableByteView(out).subspan(kKeyIdLength, kNonceLength));
        ByteView nonce = ByteView(out).subspan(kKeyIdLength, kNonceLength);
        ByteView aad = ByteView(out).first(kKeyIdLength);
        bool ok = current_.aead->seal(nonce, aad, plain, MutableByteView(out).subspan(kKeyIdLength + kNonceLength));
        secure_wipe(plain.data(), plain.size());
        if (!ok) return Error{Alert::internal_error, "ticket sealing failed"};
        return out;
    }

    std::optional<ResumptionState> open(ByteView ticket) override {
        if (ticket.size() < kKeyIdLength + kNonceLength + kAeadTagLength || ticket.size() > kMaxTicketLength)
            return std::nullopt;
        std::lock_guard lock(mu_);
        rotate();
        Key* key = nullptr;
        for (Key* k : {&current_, &previous_})
            if (k->aead && std::memcmp(k->id.data(), ticket.data(), kKeyIdLength) == 0) key = k;
        if (!key) return std::nullopt;
        ByteView sealed = ticket.subspan(kKeyIdLength + kNonceLength);
        Bytes plain(sealed.size() - kAeadTagLength);
        if (!key->aead->open(ticket.subspan(kKeyIdLength, kNonceLength), ticket.first(kKeyIdLength), sealed, plain))
            return std::nullopt;
        auto state = decode_state(plain);
        secure_wipe(plain.data(), plain.size());
        return state;
    }

private:
    struct Key {
        std::array<std::uint8_t, kKeyIdLength> id{};
        std::unique_ptr<AeadContext> aead;
        std::uint64_t created_ms = 0;
    };

    void rotate() {
        const std::uint64_t now = opts_.clock();
        const auto period = static_cast<std::uint64_t>(opts_.rotation.count()) * 1000;
        if (current_.aead && now - current_.created_ms < period) return;
        previous_ = std::move(current_);
        if (previous_.aead && now - previous_.created_ms >= 2 * period) previous_ = Key{};
        Key k;
        opts_.provider->random(k.id);
        Secret key;
        key.resize(kTicketKeyLength);
        opts_.provider->random(key.mutable_view());
        k.aead = opts_.provider->aead(AeadAlg::aes_256_gcm, key.view());
        k.created_ms = now;
        current_ = std::move(k);
    }

    TicketerOptions opts_;
    std::mutex mu_;
    Key current_;
    Key previous_;
};

}  // namespace

std::shared_ptr<Ticketer> rotating_ticketer(TicketerOptions options) {
    return std::make_shared<RotatingTicketer>(std::move(options));
}

}  // namespace qtls
