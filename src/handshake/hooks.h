// Test-only hooks into the engine. They let the RFC 8448 replay tests make a
// handshake byte-exact with a trace produced by another implementation
// (whose ClientHello carries extensions qtls never sends). Production code
// never sets them.
#pragma once

#include <functional>
#include <string_view>

#include "msg/msg.h"

namespace qtls::detail {

struct EngineHooks {
    // Called on each ClientHello before it is encoded (after HRR too).
    std::function<void(msg::ClientHello&)> client_hello;
    std::function<void(msg::ServerHello&)> server_hello;
    std::function<void(msg::EncryptedExtensions&)> encrypted_extensions;
    std::function<void(msg::CertificateRequest&)> certificate_request;
    // Observes key-schedule secrets that never leave the engine otherwise
    // ("handshake_secret", "master_secret", "resumption_master_secret").
    std::function<void(std::string_view name, ByteView secret)> secret;
    // Fixed 32-byte randoms (ClientHello.random / ServerHello.random).
    std::function<void(MutableByteView)> random;
};

}  // namespace qtls::detail
