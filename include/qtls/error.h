/// @file
/// Errors are values (no exceptions cross the engine or the public API).
/// Every failure carries the TLS alert RFC 8446 §6 says to send and a static
/// human-readable cause.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <variant>
#include "qtls/export.h"

// Everything declared below is part of the exported API (qtls/export.h).
QTLS_PUBLIC_BEGIN

namespace qtls {

/// RFC 8446 §6.
enum class Alert : std::uint8_t {
    close_notify = 0,
    unexpected_message = 10,
    bad_record_mac = 20,
    record_overflow = 22,
    handshake_failure = 40,
    bad_certificate = 42,
    unsupported_certificate = 43,
    certificate_revoked = 44,
    certificate_expired = 45,
    certificate_unknown = 46,
    illegal_parameter = 47,
    unknown_ca = 48,
    access_denied = 49,
    decode_error = 50,
    decrypt_error = 51,
    protocol_version = 70,
    insufficient_security = 71,
    internal_error = 80,
    inappropriate_fallback = 86,
    user_canceled = 90,
    missing_extension = 109,
    unsupported_extension = 110,
    unrecognized_name = 112,
    bad_certificate_status_response = 113,
    unknown_psk_identity = 115,
    certificate_required = 116,
    no_application_protocol = 120,
};

std::string_view to_string(Alert a);

struct Error {
    Alert alert = Alert::internal_error;
    std::string_view what;  ///< always a string literal: never owns, never a secret
};

inline Error make_error(Alert a, std::string_view what) { return Error{a, what}; }

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
    Result(Error e) : v_(e) {}                 // NOLINT(google-explicit-constructor)

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    T* operator->() { return &std::get<0>(v_); }
    const T* operator->() const { return &std::get<0>(v_); }
    const Error& error() const { return std::get<1>(v_); }

private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error e) : e_(e) {}  // NOLINT(google-explicit-constructor)
    bool ok() const { return !e_.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error& error() const { return *e_; }

private:
    std::optional<Error> e_;
};

using Status = Result<void>;

}  // namespace qtls

// Propagate an error from an expression yielding Result<...>.
#define QTLS_TRY(expr)                                   \
    do {                                                 \
        auto&& qtls_try_r_ = (expr);                     \
        if (!qtls_try_r_.ok()) return qtls_try_r_.error(); \
    } while (0)

#define QTLS_CONCAT_INNER_(a, b) a##b
#define QTLS_CONCAT_(a, b) QTLS_CONCAT_INNER_(a, b)
// Assign the value of a Result<T> to `lhs`, or propagate its error.
#define QTLS_ASSIGN_OR_RETURN(lhs, expr) QTLS_ASSIGN_OR_RETURN_IMPL_(QTLS_CONCAT_(qtls_r_, __LINE__), lhs, expr)
#define QTLS_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
    auto tmp = (expr);                              \
    if (!tmp.ok()) return tmp.error();              \
    lhs = std::move(tmp).value()
QTLS_PUBLIC_END
