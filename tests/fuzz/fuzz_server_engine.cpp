// The server handshake engine fed arbitrary client flights (ClientHello at
// the initial epoch, Certificate/CertificateVerify/Finished at the handshake
// epoch, post-handshake messages at the application epoch). Input and seeds
// as for fuzz_client_engine, from a real client engine.
#include "fuzz/fuzz_support.h"

using namespace qtls;
using namespace qtls::fuzz;

QTLS_FUZZ_TARGET(server_engine) {
    ++reach().runs;
    run_engine(Side::server, parse_flights(data, size));
    return 0;
}

QTLS_FUZZ_FLIGHT_MUTATOR()
