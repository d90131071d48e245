// Certificate chains from PEM (RFC 7468 §5): every CERTIFICATE block in file
// order, leaf first, as the DER TLS sends in CertificateEntry (RFC 8446 §4.4.2).
#include <openssl/err.h>
#include <openssl/pem.h>

#include <climits>
#include <cstring>

#include "common/read_file.h"
#include "crypto/libcrypto_ptr.h"
#include "qtls/provider.h"
#include "x509/decode.h"

namespace qtls {

namespace {

// PEM_read_bio hands out three OPENSSL_malloc'd buffers per block.
struct PemBlock {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* data = nullptr;
    long len = 0;
    ~PemBlock() {
        OPENSSL_free(name);
        OPENSSL_free(header);
        OPENSSL_free(data);
    }
};

bool is_certificate_label(const char* name) {
    // "X509 CERTIFICATE" is the pre-RFC 7468 spelling some tools still write.
    return std::strcmp(name, "CERTIFICATE") == 0 || std::strcmp(name, "X509 CERTIFICATE") == 0;
}

}  // namespace

Result<std::vector<Bytes>> load_certificate_chain(ByteView pem) {
    if (pem.size() > static_cast<std::size_t>(INT_MAX))
        return Error{Alert::internal_error, "certificate input too large"};
    crypto::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) return Error{Alert::internal_error, "out of memory"};
    std::vector<Bytes> chain;
    ERR_clear_error();
    for (;;) {
        PemBlock block;
        if (PEM_read_bio(bio.get(), &block.name, &block.header, &block.data, &block.len) != 1) {
            // Running out of blocks ends with "no start line"; anything else
            // is a damaged block, which must not silently shorten the chain.
            const unsigned long err = ERR_peek_last_error();
            ERR_clear_error();
            if (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE) break;
            return Error{Alert::internal_error, "malformed PEM block in certificate input"};
        }
        if (!is_certificate_label(block.name)) continue;  // keys etc. may share the file
        ByteView der(block.data, static_cast<std::size_t>(block.len));
        if (!x509::decode_certificate(der)) return Error{Alert::internal_error, "invalid certificate in PEM input"};
        chain.emplace_back(der.begin(), der.end());
    }
    if (chain.empty()) return Error{Alert::internal_error, "no certificate found in PEM input"};
    return chain;
}

Result<std::vector<Bytes>> load_certificate_chain_file(const std::string& path) {
    QTLS_ASSIGN_OR_RETURN(Bytes bytes, read_file(path));
    return load_certificate_chain(bytes);
}

}  // namespace qtls
