#include "common/recording_provider.h"

#include <algorithm>
#include <array>
#include <unordered_map>

namespace qbench {

using qtls::ByteView;
using qtls::MutableByteView;

std::size_t CryptoLog::count(CryptoOp::Kind k) const {
    return static_cast<std::size_t>(std::count_if(ops.begin(), ops.end(), [k](const CryptoOp& o) { return o.kind == k; }));
}

namespace {

std::uint32_t sz(std::size_t n) { return static_cast<std::uint32_t>(n); }

class RecordingHash : public qtls::HashContext {
public:
    RecordingHash(std::unique_ptr<qtls::HashContext> inner, std::shared_ptr<CryptoLog> log, std::uint32_t id)
        : inner_(std::move(inner)), log_(std::move(log)), id_(id) {}
    void update(ByteView data) override {
        log_->ops.push_back({CryptoOp::hash_update, 0, id_, 0, sz(data.size())});
        inner_->update(data);
    }
    qtls::Digest peek() const override {
        log_->ops.push_back({CryptoOp::hash_peek, 0, id_});
        return inner_->peek();
    }
    std::unique_ptr<qtls::HashContext> clone() const override {
        const std::uint32_t id = log_->next_id++;
        log_->ops.push_back({CryptoOp::hash_clone, 0, id_, id});
        return std::make_unique<RecordingHash>(inner_->clone(), log_, id);
    }

private:
    std::unique_ptr<qtls::HashContext> inner_;
    std::shared_ptr<CryptoLog> log_;
    std::uint32_t id_;
};

class RecordingAead : public qtls::AeadContext {
public:
    RecordingAead(std::unique_ptr<qtls::AeadContext> inner, std::shared_ptr<CryptoLog> log, std::uint32_t id)
        : inner_(std::move(inner)), log_(std::move(log)), id_(id) {}
    bool seal(ByteView nonce, ByteView aad, ByteView pt, MutableByteView out) override {
        log_->ops.push_back({CryptoOp::aead_seal, 0, id_, 0, sz(aad.size()), sz(pt.size())});
        return inner_->seal(nonce, aad, pt, out);
    }
    bool open(ByteView nonce, ByteView aad, ByteView ct, MutableByteView out) override {
        log_->ops.push_back({CryptoOp::aead_open, 0, id_, 0, sz(aad.size()), sz(ct.size())});
        return inner_->open(nonce, aad, ct, out);
    }

private:
    std::unique_ptr<qtls::AeadContext> inner_;
    std::shared_ptr<CryptoLog> log_;
    std::uint32_t id_;
};

class RecordingProvider : public qtls::CryptoProvider {
public:
    RecordingProvider(qtls::ProviderPtr inner, std::shared_ptr<CryptoLog> log)
        : inner_(std::move(inner)), log_(std::move(log)) {}
    std::string_view name() const override { return "recording"; }
    std::unique_ptr<qtls::HashContext> hash(qtls::HashAlg alg) const override {
        auto h = inner_->hash(alg);
        if (!h) return h;
        const std::uint32_t id = log_->next_id++;
        log_->ops.push_back({CryptoOp::hash_new, static_cast<std::uint8_t>(alg), id});
        return std::make_unique<RecordingHash>(std::move(h), log_, id);
    }
    qtls::Digest hmac(qtls::HashAlg alg, ByteView key, ByteView data) const override {
        log_->ops.push_back({CryptoOp::hmac, static_cast<std::uint8_t>(alg), 0, 0, sz(key.size()), sz(data.size())});
        return inner_->hmac(alg, key, data);
    }
    qtls::Secret hkdf_extract(qtls::HashAlg alg, ByteView salt, ByteView ikm) const override {
        log_->ops.push_back(
            {CryptoOp::hkdf_extract, static_cast<std::uint8_t>(alg), 0, 0, sz(salt.size()), sz(ikm.size())});
        return inner_->hkdf_extract(alg, salt, ikm);
    }
    bool hkdf_expand(qtls::HashAlg alg, ByteView prk, ByteView info, MutableByteView out) const override {
        log_->ops.push_back({CryptoOp::hkdf_expand, static_cast<std::uint8_t>(alg), 0, 0, sz(prk.size()),
                             sz(info.size()), sz(out.size())});
        return inner_->hkdf_expand(alg, prk, info, out);
    }
    std::unique_ptr<qtls::AeadContext> aead(qtls::AeadAlg alg, ByteView key) const override {
        auto a = inner_->aead(alg, key);
        if (!a) return a;
        const std::uint32_t id = log_->next_id++;
        log_->ops.push_back({CryptoOp::aead_new, static_cast<std::uint8_t>(alg), id});
        return std::make_unique<RecordingAead>(std::move(a), log_, id);
    }
    std::unique_ptr<qtls::HeaderProtection> header_protection(qtls::AeadAlg alg, ByteView key) const override {
        return inner_->header_protection(alg, key);
    }
    qtls::Result<std::unique_ptr<qtls::KeyShare>> generate_key_share(qtls::NamedGroup g) const override {
        log_->ops.push_back({CryptoOp::keygen, static_cast<std::uint8_t>(g)});
        auto ks = inner_->generate_key_share(g);
        if (!ks.ok()) return ks;
        return std::unique_ptr<qtls::KeyShare>(std::make_unique<RecordingShare>(std::move(ks).value(), log_));
    }
    qtls::Result<std::unique_ptr<qtls::KeyShare>> key_share_from_private(qtls::NamedGroup g,
                                                                         ByteView k) const override {
        return inner_->key_share_from_private(g, k);
    }
    qtls::Status verify_signature(qtls::SignatureScheme s, ByteView spki, ByteView m, ByteView sig) const override {
        log_->ops.push_back({CryptoOp::verify, static_cast<std::uint8_t>(static_cast<std::uint16_t>(s) & 0xff)});
        return inner_->verify_signature(s, spki, m, sig);
    }
    void random(MutableByteView out) const override {
        log_->ops.push_back({CryptoOp::random, 0, 0, 0, sz(out.size())});
        inner_->random(out);
    }

private:
    class RecordingShare : public qtls::KeyShare {
    public:
        RecordingShare(std::unique_ptr<qtls::KeyShare> inner, std::shared_ptr<CryptoLog> log)
            : inner_(std::move(inner)), log_(std::move(log)) {}
        qtls::NamedGroup group() const override { return inner_->group(); }
        ByteView public_key() const override { return inner_->public_key(); }
        qtls::Result<qtls::Secret> agree(ByteView peer) override {
            log_->ops.push_back({CryptoOp::agree, static_cast<std::uint8_t>(inner_->group())});
            return inner_->agree(peer);
        }

    private:
        std::unique_ptr<qtls::KeyShare> inner_;
        std::shared_ptr<CryptoLog> log_;
    };

    qtls::ProviderPtr inner_;
    std::shared_ptr<CryptoLog> log_;
};

}  // namespace

qtls::ProviderPtr recording_provider(qtls::ProviderPtr inner, std::shared_ptr<CryptoLog> log) {
    return std::make_shared<RecordingProvider>(std::move(inner), std::move(log));
}

bool replay_symmetric(const CryptoLog& log, const qtls::CryptoProvider& provider) {
    static const std::array<std::uint8_t, 64 * 1024> zeros{};
    static std::array<std::uint8_t, 64 * 1024> out{};
    std::unordered_map<std::uint32_t, std::unique_ptr<qtls::HashContext>> hashes;
    std::unordered_map<std::uint32_t, std::unique_ptr<qtls::AeadContext>> aeads;
    const ByteView z(zeros.data(), zeros.size());
    for (const CryptoOp& op : log.ops) {
        switch (op.kind) {
            case CryptoOp::hash_new:
                hashes[op.id] = provider.hash(static_cast<qtls::HashAlg>(op.alg));
                break;
            case CryptoOp::hash_update:
                hashes.at(op.id)->update(z.first(op.b));
                break;
            case CryptoOp::hash_peek:
                (void)hashes.at(op.id)->peek();
                break;
            case CryptoOp::hash_clone:
                hashes[op.id2] = hashes.at(op.id)->clone();
                break;
            case CryptoOp::hmac:
                (void)provider.hmac(static_cast<qtls::HashAlg>(op.alg), z.first(op.a), z.first(op.b));
                break;
            case CryptoOp::hkdf_extract:
                (void)provider.hkdf_extract(static_cast<qtls::HashAlg>(op.alg), z.first(op.a), z.first(op.b));
                break;
            case CryptoOp::hkdf_expand:
                if (!provider.hkdf_expand(static_cast<qtls::HashAlg>(op.alg), z.first(std::max<std::uint32_t>(op.a, 32)),
                                          z.first(op.b), MutableByteView(out.data(), op.c)))
                    return false;
                break;
            case CryptoOp::aead_new: {
                const auto alg = static_cast<qtls::AeadAlg>(op.alg);
                aeads[op.id] = provider.aead(alg, z.first(qtls::aead_key_length(alg)));
                break;
            }
            case CryptoOp::aead_seal:
            case CryptoOp::aead_open:
                // Opening zeros would fail the tag check early for some
                // implementations; sealing the same length costs the same.
                if (!aeads.at(op.id)->seal(z.first(qtls::kAeadNonceLength), z.first(op.a),
                                           z.first(op.kind == CryptoOp::aead_seal ? op.b : op.b - qtls::kAeadTagLength),
                                           MutableByteView(out.data(), op.kind == CryptoOp::aead_seal
                                                                           ? op.b + qtls::kAeadTagLength
                                                                           : op.b)))
                    return false;
                break;
            case CryptoOp::random:
                provider.random(MutableByteView(out.data(), op.a));
                break;
            case CryptoOp::keygen:
            case CryptoOp::agree:
            case CryptoOp::verify:
                break;
        }
    }
    return true;
}

}  // namespace qbench
