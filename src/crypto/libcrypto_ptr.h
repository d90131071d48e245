// Owning handles for libcrypto objects, so every early return frees what it
// allocated. Internal only: public headers never name OpenSSL types.
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace qtls::crypto {

template <class T, void (*Free)(T*)>
struct LibcryptoDeleter {
    void operator()(T* p) const { Free(p); }
};

template <class T, void (*Free)(T*)>
using LibcryptoPtr = std::unique_ptr<T, LibcryptoDeleter<T, Free>>;

// BIO_free returns int, so it needs a void adapter to fit the deleter shape.
inline void bio_free(BIO* b) { BIO_free(b); }
// Stacks own their certificates: free both.
inline void x509_stack_free(STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); }
inline void general_names_free(GENERAL_NAMES* n) { GENERAL_NAMES_free(n); }

using PkeyPtr = LibcryptoPtr<EVP_PKEY, EVP_PKEY_free>;
using PkeyCtxPtr = LibcryptoPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using MdCtxPtr = LibcryptoPtr<EVP_MD_CTX, EVP_MD_CTX_free>;
using BioPtr = LibcryptoPtr<BIO, bio_free>;
using X509Ptr = LibcryptoPtr<X509, X509_free>;
using X509StackPtr = LibcryptoPtr<STACK_OF(X509), x509_stack_free>;
using X509StorePtr = LibcryptoPtr<X509_STORE, X509_STORE_free>;
using X509StoreCtxPtr = LibcryptoPtr<X509_STORE_CTX, X509_STORE_CTX_free>;
using GeneralNamesPtr = LibcryptoPtr<GENERAL_NAMES, general_names_free>;

}  // namespace qtls::crypto
