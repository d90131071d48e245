// Test support: moves TLS bytes between two in-memory record::Connections
// until neither has anything more to send.
#pragma once

#include "qtls/record.h"

namespace qtls::test {

// Hands `from`'s pending TLS bytes to `to` and processes them; returns
// whether anything moved. A receiver that already failed gets nothing more.
bool transfer(record::Connection& from, record::Connection& to);
// Alternates transfer() both ways until both are quiet (bounded rounds).
void pump(record::Connection& a, record::Connection& b);

}  // namespace qtls::test
