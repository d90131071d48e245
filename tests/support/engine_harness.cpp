#include "support/engine_harness.h"

#include <deque>

namespace qtls::test {

Result<std::unique_ptr<KeyShare>> FixedKeyProvider::generate_key_share(NamedGroup g) const {
    auto it = keys_.find(g);
    if (it == keys_.end() || it->second.empty()) return inner()->generate_key_share(g);
    Bytes key = std::move(it->second.front());
    it->second.erase(it->second.begin());
    return inner()->key_share_from_private(g, key);
}

const TrafficSecret* Collected::secret(Epoch e, Direction d) const {
    const TrafficSecret* found = nullptr;
    for (const auto& s : secrets)
        if (s.epoch == e && s.direction == d) found = &s;
    return found;
}

void drain(Engine& engine, Collected& out) {
    while (auto ev = engine.poll()) {
        if (auto* b = std::get_if<HandshakeBytes>(&*ev)) {
            auto& dst = out.bytes[b->epoch];
            dst.insert(dst.end(), b->data.begin(), b->data.end());
        } else if (auto* s = std::get_if<TrafficSecret>(&*ev)) {
            out.secrets.push_back(*s);
        } else if (auto* tp = std::get_if<PeerTransportParameters>(&*ev)) {
            out.transport_parameters.push_back(tp->data);
        } else if (auto* a = std::get_if<AlertToSend>(&*ev)) {
            out.alert = *a;
        } else if (auto* ed = std::get_if<EarlyDataStatus>(&*ev)) {
            out.early_data = *ed;
        } else if (std::holds_alternative<HandshakeComplete>(*ev)) {
            out.complete = true;
        }
    }
}

namespace {
struct Flight {
    Epoch epoch;
    Bytes data;
};

// Moves queued events of `from` into flights for the peer, recording them.
void collect_flights(Engine& from, Collected& record, std::deque<Flight>& to_peer) {
    while (auto ev = from.poll()) {
        if (auto* b = std::get_if<HandshakeBytes>(&*ev)) {
            auto& dst = record.bytes[b->epoch];
            dst.insert(dst.end(), b->data.begin(), b->data.end());
            to_peer.push_back({b->epoch, b->data});
        } else if (auto* s = std::get_if<TrafficSecret>(&*ev)) {
            record.secrets.push_back(*s);
        } else if (auto* tp = std::get_if<PeerTransportParameters>(&*ev)) {
            record.transport_parameters.push_back(tp->data);
        } else if (auto* a = std::get_if<AlertToSend>(&*ev)) {
            record.alert = *a;
        } else if (auto* ed = std::get_if<EarlyDataStatus>(&*ev)) {
            record.early_data = *ed;
        } else if (std::holds_alternative<HandshakeComplete>(*ev)) {
            record.complete = true;
        }
    }
}

bool deliver(Engine& to, std::deque<Flight>& flights, std::size_t chunk) {
    while (!flights.empty()) {
        Flight f = std::move(flights.front());
        flights.pop_front();
        std::size_t step = chunk == 0 ? f.data.size() : chunk;
        for (std::size_t off = 0; off < f.data.size(); off += step) {
            std::size_t n = std::min(step, f.data.size() - off);
            if (!to.provide(f.epoch, ByteView(f.data).subspan(off, n)).ok()) return false;
        }
    }
    return true;
}
}  // namespace

PumpResult pump(Engine& client, Engine& server, std::size_t chunk) {
    PumpResult r;
    std::deque<Flight> to_server;
    std::deque<Flight> to_client;
    if (!client.start().ok() || !server.start().ok()) {
        collect_flights(client, r.client, to_server);
        collect_flights(server, r.server, to_client);
        return r;
    }
    for (int round = 0; round < 16; ++round) {
        collect_flights(client, r.client, to_server);
        bool server_ok = deliver(server, to_server, chunk);
        collect_flights(server, r.server, to_client);
        if (!server_ok) return r;
        bool client_ok = deliver(client, to_client, chunk);
        collect_flights(client, r.client, to_server);
        if (!client_ok) return r;
        if (r.client.complete && r.server.complete && to_server.empty() && to_client.empty()) {
            r.ok = true;
            return r;
        }
    }
    return r;
}

}  // namespace qtls::test
