// Test support for the malformed-input tables: a handshake flight split into
// whole messages, and mutators that alter one flight before delivery (edit a
// decoded message and re-encode it, byte surgery, move or add messages).
//
// A flight is any std::vector of messages with `bytes` (the whole message,
// header included) and `type()`, tagged with where it travels: an Epoch for
// the engine, a quic::Level for QUIC. The mutators are generic lambdas, so one
// set serves both; store them in a std::function<void(Flight&)>.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>

#include "msg/msg.h"
#include "qtls/types.h"

namespace qtls::test {

// Appends every whole handshake message of `data` (RFC 8446 §4: type, u24
// length, body) to `flight`, tagged with `where`; a partial tail is dropped.
template <class Flight, class Where>
void split_messages(Flight& flight, Where where, ByteView data) {
    std::size_t off = 0;
    while (off + 4 <= data.size()) {
        const std::size_t len =
            (std::size_t{data[off + 1]} << 16) | (std::size_t{data[off + 2]} << 8) | std::size_t{data[off + 3]};
        if (off + 4 + len > data.size()) break;
        const auto begin = data.begin() + static_cast<std::ptrdiff_t>(off);
        flight.push_back({where, Bytes(begin, begin + static_cast<std::ptrdiff_t>(4 + len))});
        off += 4 + len;
    }
}

// The first message of that type; a test failure (and null) when absent.
template <class Flight>
auto* find(Flight& flight, msg::HandshakeType type) {
    for (auto& m : flight)
        if (m.type() == type) return &m;
    ADD_FAILURE() << "flight lacks message type " << static_cast<int>(type);
    return static_cast<typename Flight::value_type*>(nullptr);
}

// Decodes the message of that type as T, lets `fn` change it, re-encodes it.
template <class T>
auto edit(msg::HandshakeType type, std::function<void(T&)> fn) {
    return [type, fn](auto& flight) {
        auto* m = find(flight, type);
        if (!m) return;
        auto decoded = T::decode(ByteView(m->bytes).subspan(4));
        ASSERT_TRUE(decoded.ok()) << "cannot decode message type " << static_cast<int>(type);
        T value = std::move(decoded).value();
        fn(value);
        m->bytes = value.encode();
    };
}
inline auto edit_ch(std::function<void(msg::ClientHello&)> fn) {
    return edit<msg::ClientHello>(msg::HandshakeType::client_hello, std::move(fn));
}
inline auto edit_sh(std::function<void(msg::ServerHello&)> fn) {
    return edit<msg::ServerHello>(msg::HandshakeType::server_hello, std::move(fn));
}
inline auto edit_ee(std::function<void(msg::EncryptedExtensions&)> fn) {
    return edit<msg::EncryptedExtensions>(msg::HandshakeType::encrypted_extensions, std::move(fn));
}

// Raw byte surgery on one message (no re-encoding; see fix_length).
inline auto raw(msg::HandshakeType type, std::function<void(Bytes&)> fn) {
    return [type, fn](auto& flight) {
        if (auto* m = find(flight, type)) fn(m->bytes);
    };
}

inline auto flip_last_byte(msg::HandshakeType type) {
    return [type](auto& flight) {
        if (auto* m = find(flight, type)) m->bytes.back() ^= 1;
    };
}

template <class Message>
auto append(Message extra) {
    return [extra](auto& flight) { flight.push_back(extra); };
}

template <class Message>
auto insert_before(msg::HandshakeType type, Message extra) {
    return [type, extra](auto& flight) {
        for (auto it = flight.begin(); it != flight.end(); ++it)
            if (it->type() == type) {
                flight.insert(it, extra);
                return;
            }
        ADD_FAILURE() << "flight lacks message type " << static_cast<int>(type);
    };
}

// ---- extension helpers for edit_*()

inline msg::Extension* ext(msg::Extensions& exts, msg::ExtensionType type) {
    for (auto& e : exts)
        if (e.type == static_cast<std::uint16_t>(type)) return &e;
    return nullptr;
}
inline void drop(msg::Extensions& exts, msg::ExtensionType type) {
    std::erase_if(exts, [type](const msg::Extension& e) { return e.type == static_cast<std::uint16_t>(type); });
}
inline void add(msg::Extensions& exts, std::uint16_t type, Bytes body) { exts.push_back({type, std::move(body)}); }

// Rewrites the u24 length of a message after raw() changed its body.
inline void fix_length(Bytes& message) {
    const std::size_t len = message.size() - 4;
    message[1] = static_cast<std::uint8_t>(len >> 16);
    message[2] = static_cast<std::uint8_t>(len >> 8);
    message[3] = static_cast<std::uint8_t>(len);
}

}  // namespace qtls::test
