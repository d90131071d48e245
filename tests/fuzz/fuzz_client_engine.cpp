// The client handshake engine fed arbitrary server flights at the initial,
// handshake and application epochs. Input: scenario byte, then chunks
// (fuzz_support.h). Seeds are server flights recorded from a real server
// engine with the same fixed randomness, so unmutated they complete the
// handshake (valid Finished); the custom mutator keeps the message framing.
#include "fuzz/fuzz_support.h"

using namespace qtls;
using namespace qtls::fuzz;

QTLS_FUZZ_TARGET(client_engine) {
    ++reach().runs;
    run_engine(Side::client, parse_flights(data, size));
    return 0;
}

QTLS_FUZZ_FLIGHT_MUTATOR()
