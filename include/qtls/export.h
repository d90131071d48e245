/// @file
/// Symbol visibility of the public API. libqtls.so is built with
/// -fvisibility=hidden, so only what the public headers declare between
/// QTLS_PUBLIC_BEGIN and QTLS_PUBLIC_END (or marks QTLS_API) is exported;
/// the engine, codecs and providers stay internal to the library.
#pragma once

#if defined(__GNUC__) || defined(__clang__)
#define QTLS_API __attribute__((visibility("default")))
#define QTLS_PUBLIC_BEGIN _Pragma("GCC visibility push(default)")
#define QTLS_PUBLIC_END _Pragma("GCC visibility pop")
// For a name a public header must declare but the library keeps internal
// (a pimpl's Impl); every declaration of it carries the same attribute.
#define QTLS_INTERNAL __attribute__((visibility("hidden")))
#else
#define QTLS_INTERNAL
#define QTLS_API
#define QTLS_PUBLIC_BEGIN
#define QTLS_PUBLIC_END
#endif
