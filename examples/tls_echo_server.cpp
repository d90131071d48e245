// A TLS 1.3 echo server on the qtls public API: accepts connections on
// 127.0.0.1:PORT one after another and sends back what each client sends.
//   tls_echo_server PORT cert.pem key.pem
// PORT 0 picks a free port; the server prints "listening on 127.0.0.1:N"
// once it accepts connections. QTLS_LOG=error|warn|info|debug|trace logs
// the handshakes on stderr.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include <qtls/config.h>
#include <qtls/log.h>
#include <qtls/record.h>
#include <qtls/socket.h>

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: %s PORT cert.pem key.pem\n", argv[0]);
        return 2;
    }
    qtls::set_default_logger(qtls::logger_from_env("server"));
    auto key = qtls::load_certified_key(argv[2], argv[3]);
    if (!key.ok()) {
        std::fprintf(stderr, "cannot load the certificate: %s\n", std::string(key.error().what).c_str());
        return 1;
    }
    auto config = std::make_shared<qtls::ServerConfig>();
    config->cert_resolver = qtls::single_cert_resolver(*key);

    int listener = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(std::atoi(argv[1])));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listener, 16) != 0) {
        std::perror("listen");
        return 1;
    }
    socklen_t len = sizeof addr;
    getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
    std::printf("listening on 127.0.0.1:%u\n", static_cast<unsigned>(ntohs(addr.sin_port)));
    std::fflush(stdout);
    for (;;) {
        int fd = accept(listener, nullptr, nullptr);
        if (fd < 0) continue;
        auto conn = qtls::record::Connection::server(config);
        if (conn.ok() && qtls::record::drive_handshake(*conn, fd).ok()) {
            std::uint8_t buf[4096];
            for (;;) {
                auto n = qtls::record::read_some(*conn, fd, buf);
                if (!n.ok() || *n == 0) break;  // error, or the client's close_notify
                if (!qtls::record::write_all(*conn, fd, qtls::ByteView(buf, *n)).ok()) break;
            }
            (void)qtls::record::close(*conn, fd);
        }
        close(fd);
    }
}
