// Whether a server name is an IP literal: RFC 6066 §3 forbids literal IP
// addresses in server_name, but the certificate must still match them.
#pragma once

#include <string_view>

namespace qtls::handshake {

bool is_ip_literal(std::string_view name);

}  // namespace qtls::handshake
