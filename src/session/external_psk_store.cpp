// The in-memory external PSK store (qtls/external_psk.h).
#include "qtls/external_psk.h"

#include <map>
#include <string>
#include <string_view>

namespace qtls {

namespace {

class MemoryExternalPskStore final : public ExternalPskStore {
public:
    explicit MemoryExternalPskStore(std::vector<ExternalPsk> psks) {
        for (auto& p : psks) by_identity_[std::string(p.identity.begin(), p.identity.end())] = std::move(p);
    }

    std::optional<ExternalPsk> find(ByteView identity) const override {
        auto it = by_identity_.find(std::string_view(reinterpret_cast<const char*>(identity.data()), identity.size()));
        if (it == by_identity_.end()) return std::nullopt;
        return it->second;
    }

private:
    // Keyed by the identity's bytes as a string: std::less<> compares with
    // memcmp and finds by string_view without a copy.
    std::map<std::string, ExternalPsk, std::less<>> by_identity_;  // read-only after construction: no lock needed
};

}  // namespace

std::shared_ptr<ExternalPskStore> memory_external_psk_store(std::vector<ExternalPsk> psks) {
    return std::make_shared<MemoryExternalPskStore>(std::move(psks));
}

}  // namespace qtls
