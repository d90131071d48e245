// Test support for driving engines: deterministic providers and signers, a
// verifier that accepts anything (for expired RFC 8448 certificates), event
// collection, and an in-memory client<->server pump.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "qtls/engine.h"
#include "support/forwarding_provider.h"

namespace qtls::test {

// Forwards everything to `inner` but returns fixed private keys per group
// (RFC 8448 replay) and can fix randomness.
class FixedKeyProvider : public ForwardingProvider {
public:
    explicit FixedKeyProvider(ProviderPtr inner) : ForwardingProvider(std::move(inner)) {}
    // Each generate_key_share(group) takes the next key queued for that group.
    void queue_key(NamedGroup g, Bytes private_key) { keys_[g].push_back(std::move(private_key)); }

    std::string_view name() const override { return "fixed-keys"; }
    Result<std::unique_ptr<KeyShare>> generate_key_share(NamedGroup g) const override;

private:
    mutable std::map<NamedGroup, std::vector<Bytes>> keys_;
};

// Returns a recorded signature (RSA-PSS and ECDSA are randomized, so a
// byte-exact replay injects the trace's signature).
class FixedSigner : public Signer {
public:
    FixedSigner(SignatureScheme scheme, Bytes signature) : scheme_(scheme), signature_(std::move(signature)) {}
    std::vector<SignatureScheme> schemes() const override { return {scheme_}; }
    Result<Bytes> sign(SignatureScheme, ByteView) override { return signature_; }

private:
    SignatureScheme scheme_;
    Bytes signature_;
};

class AcceptAnyCertificate : public CertVerifier {
public:
    Status verify(std::span<const Bytes>, std::string_view) override { return {}; }
};

// Records key log lines by label.
class MemoryKeyLog : public KeyLog {
public:
    void log(std::string_view label, ByteView, ByteView secret) override {
        lines[std::string(label)] = Bytes(secret.begin(), secret.end());
    }
    std::map<std::string, Bytes> lines;
};

// Everything an engine emitted, split by kind.
struct Collected {
    std::map<Epoch, Bytes> bytes;  // handshake bytes per epoch (concatenated)
    std::vector<TrafficSecret> secrets;
    std::vector<Bytes> transport_parameters;
    std::optional<AlertToSend> alert;
    std::optional<EarlyDataStatus> early_data;
    bool complete = false;

    const TrafficSecret* secret(Epoch e, Direction d) const;
};
void drain(Engine& engine, Collected& out);

// Runs a handshake between two engines in memory, handing over each
// HandshakeBytes event at its epoch. `chunk` > 0 feeds that many bytes per
// provide() call (1 = byte at a time). Returns false if either side failed.
struct PumpResult {
    Collected client;
    Collected server;
    bool ok = false;
};
PumpResult pump(Engine& client, Engine& server, std::size_t chunk = 0);

}  // namespace qtls::test
