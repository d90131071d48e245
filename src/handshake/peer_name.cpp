#include "handshake/peer_name.h"

#include <arpa/inet.h>

#include <string>

namespace qtls::handshake {

bool is_ip_literal(std::string_view name) {
    std::string s(name);
    unsigned char buf[16];
    return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

}  // namespace qtls::handshake
