// A TLS 1.3 client on the qtls public API: connects to 127.0.0.1:PORT,
// verifies the server as "localhost" against ca.pem, sends a message and
// prints the echo.
//   tls_echo_client PORT ca.pem "message"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include <qtls/config.h>
#include <qtls/log.h>
#include <qtls/record.h>
#include <qtls/socket.h>

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: %s PORT ca.pem MESSAGE\n", argv[0]);
        return 2;
    }
    qtls::set_default_logger(qtls::logger_from_env("client"));  // QTLS_LOG=trace shows every handshake message
    auto config = std::make_shared<qtls::ClientConfig>();
    qtls::X509VerifierOptions roots;
    roots.ca_file = argv[2];
    auto verifier = qtls::x509_verifier(roots);
    if (!verifier.ok()) {
        std::fprintf(stderr, "cannot load %s: %s\n", argv[2], std::string(verifier.error().what).c_str());
        return 1;
    }
    config->verifier = *verifier;

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(std::atoi(argv[1])));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        std::perror("connect");
        return 1;
    }
    qtls::ClientOptions options;
    options.server_name = "localhost";  // SNI, and the name the certificate must match
    auto conn = qtls::record::Connection::client(config, options);
    if (!conn.ok()) return 1;
    if (auto s = qtls::record::drive_handshake(*conn, fd); !s.ok()) {
        std::fprintf(stderr, "handshake failed: %s (%s)\n", std::string(s.error().what).c_str(),
                     std::string(qtls::to_string(s.error().alert)).c_str());
        return 1;
    }
    std::string message = argv[3];
    if (!qtls::record::write_all(*conn, fd, qtls::as_bytes(message)).ok()) return 1;
    std::string echo;
    std::uint8_t buf[4096];
    while (echo.size() < message.size()) {
        auto n = qtls::record::read_some(*conn, fd, buf);
        if (!n.ok() || *n == 0) break;
        echo.append(reinterpret_cast<char*>(buf), *n);
    }
    std::printf("%s\n", echo.c_str());
    (void)qtls::record::close(*conn, fd);
    close(fd);
    return echo == message ? 0 : 1;
}
