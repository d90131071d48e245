#include "support/connection_pump.h"

#include <gtest/gtest.h>

namespace qtls::test {

bool transfer(record::Connection& from, record::Connection& to) {
    bool moved = false;
    while (from.wants_write()) {
        auto n = to.read_tls(from.pending_tls());
        if (!n.ok()) {
            // The receiver failed earlier: drop what it cannot take.
            from.consume_tls(from.pending_tls().size());
            return moved;
        }
        from.consume_tls(*n);
        (void)to.process();
        if (*n == 0) break;
        moved = true;
    }
    return moved;
}

void pump(record::Connection& a, record::Connection& b) {
    for (int i = 0; i < 1000; ++i) {
        const bool x = transfer(a, b);
        const bool y = transfer(b, a);
        if (!x && !y) return;
    }
    ADD_FAILURE() << "pump did not settle";
}

}  // namespace qtls::test
