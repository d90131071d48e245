// Scripts for ScriptedEngine built from the RFC 8448 traces: the events a
// real client or server engine would emit, in the order the engine contract
// (qtls/engine.h) promises, so record::Connection can replay a trace.
#pragma once

#include <string>
#include <vector>

#include "record_scripted_engine.h"
#include "support/vectors.h"

namespace qtls::test {

struct TraceMessages {
    std::vector<Bytes> client_hellos;  // one, or two after a HelloRetryRequest
    Bytes hello_retry_request;         // empty when none
    Bytes server_hello;
    std::vector<Bytes> server_handshake;  // EncryptedExtensions .. Finished
    std::vector<Bytes> client_flight;     // the client's second flight
    std::vector<Bytes> tickets;           // NewSessionTicket
};

inline TraceMessages trace_messages(const nlohmann::json& v) {
    TraceMessages t;
    for (const auto& m : v["handshake_messages"]) {
        const std::string name = m["name"].get<std::string>();
        const bool client = m["sender"].get<std::string>() == "client";
        Bytes body = hex_field(m["hex"]);
        if (client) {
            (name == "ClientHello" ? t.client_hellos : t.client_flight).push_back(std::move(body));
        } else if (name == "HelloRetryRequest") {
            t.hello_retry_request = std::move(body);
        } else if (name == "ServerHello") {
            t.server_hello = std::move(body);
        } else if (name == "NewSessionTicket") {
            t.tickets.push_back(std::move(body));
        } else {
            t.server_handshake.push_back(std::move(body));
        }
    }
    return t;
}

inline TrafficSecret trace_secret(const nlohmann::json& v, const char* name, Epoch epoch, Direction dir) {
    return TrafficSecret{epoch, dir, CipherSuite::aes_128_gcm_sha256, Secret(hex_field(v["traffic_keys"][name]["secret"]))};
}

inline std::size_t total_size(const std::vector<Bytes>& msgs) {
    std::size_t n = 0;
    for (const auto& m : msgs) n += m.size();
    return n;
}

inline std::vector<ScriptedEngine::Step> client_script(const nlohmann::json& v) {
    const TraceMessages t = trace_messages(v);
    std::vector<ScriptedEngine::Step> steps;
    steps.push_back({Epoch::initial, 0, {HandshakeBytes{Epoch::initial, t.client_hellos.at(0)}}});
    if (!t.hello_retry_request.empty())
        steps.push_back({Epoch::initial, t.hello_retry_request.size(), {HandshakeBytes{Epoch::initial, t.client_hellos.at(1)}}});
    steps.push_back({Epoch::initial,
                     t.hello_retry_request.size() + t.server_hello.size(),
                     {trace_secret(v, "server_handshake", Epoch::handshake, Direction::read),
                      trace_secret(v, "client_handshake", Epoch::handshake, Direction::write)}});
    std::vector<Event> finish = {trace_secret(v, "server_application", Epoch::application, Direction::read),
                                 trace_secret(v, "client_application", Epoch::application, Direction::write)};
    for (const auto& m : t.client_flight) finish.push_back(HandshakeBytes{Epoch::handshake, m});
    finish.push_back(HandshakeComplete{});
    steps.push_back({Epoch::handshake, total_size(t.server_handshake), std::move(finish)});
    return steps;
}

inline std::vector<ScriptedEngine::Step> server_script(const nlohmann::json& v) {
    const TraceMessages t = trace_messages(v);
    std::vector<ScriptedEngine::Step> steps;
    if (!t.hello_retry_request.empty())
        steps.push_back({Epoch::initial, t.client_hellos.at(0).size(), {HandshakeBytes{Epoch::initial, t.hello_retry_request}}});
    std::vector<Event> flight = {HandshakeBytes{Epoch::initial, t.server_hello},
                                 trace_secret(v, "server_handshake", Epoch::handshake, Direction::write),
                                 trace_secret(v, "client_handshake", Epoch::handshake, Direction::read)};
    for (const auto& m : t.server_handshake) flight.push_back(HandshakeBytes{Epoch::handshake, m});
    flight.push_back(trace_secret(v, "server_application", Epoch::application, Direction::write));
    flight.push_back(trace_secret(v, "client_application", Epoch::application, Direction::read));
    steps.push_back({Epoch::initial, total_size(t.client_hellos), std::move(flight)});
    std::vector<Event> done = {HandshakeComplete{}};
    for (const auto& m : t.tickets) done.push_back(HandshakeBytes{Epoch::application, m});
    steps.push_back({Epoch::handshake, total_size(t.client_flight), std::move(done)});
    return steps;
}

}  // namespace qtls::test
