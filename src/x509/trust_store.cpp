#include "x509/trust_store.h"

#include <dirent.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include <cctype>
#include <cstdlib>
#include <string_view>

#include "common/read_file.h"
#include "qtls/provider.h"
#include "x509/decode.h"

namespace qtls::x509 {

namespace {

Error fail(FileError* failure, const std::string& path, Error e) {
    if (failure) *failure = FileError{path, e};
    return e;
}

Error fail(FileError* failure, const std::string& path, std::string_view reason) {
    return fail(failure, path, Error{Alert::internal_error, reason});
}

bool only_whitespace(ByteView bytes) {
    for (std::uint8_t b : bytes)
        if (!std::isspace(b)) return false;
    return true;
}

bool contains(ByteView bytes, std::string_view needle) {
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return text.find(needle) != std::string_view::npos;
}

// Every CERTIFICATE block of the bundle becomes a root. Parsing it ourselves
// (rather than X509_STORE_load_file) tells an empty file, a file that is not
// PEM and a damaged block apart.
Status add_bundle(X509_STORE* store, const std::string& path, FileError* failure) {
    auto bytes = read_file(path);
    if (!bytes) return fail(failure, path, bytes.error());
    if (only_whitespace(*bytes)) return fail(failure, path, "the CA bundle is empty");
    if (!contains(*bytes, "-----BEGIN "))
        return fail(failure, path, "the CA bundle is not PEM (no -----BEGIN line; convert DER with openssl x509)");
    auto chain = load_certificate_chain(*bytes);
    if (!chain) return fail(failure, path, chain.error());
    for (const Bytes& der : *chain) {
        crypto::X509Ptr cert = decode_certificate(der);
        // X509_STORE_add_cert takes its own reference and accepts a
        // certificate already present (a bundle may repeat one).
        if (!cert || X509_STORE_add_cert(store, cert.get()) != 1) {
            ERR_clear_error();
            return fail(failure, path, "cannot add a certificate of the CA bundle to the trust store");
        }
    }
    return {};
}

// c_rehash / `openssl rehash` names: 8 hex digits of the subject hash, a
// dot, a decimal sequence number ("5ad8a5d6.0"); CRLs use ".r<n>".
bool is_hashed_name(std::string_view name) {
    if (name.size() < 10 || name[8] != '.') return false;
    for (std::size_t i = 0; i < 8; ++i)
        if (!std::isxdigit(static_cast<unsigned char>(name[i]))) return false;
    std::string_view seq = name.substr(9);
    if (!seq.empty() && seq.front() == 'r') seq.remove_prefix(1);
    if (seq.empty()) return false;
    for (char c : seq)
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

// Why a directory cannot serve X509_LOOKUP_hash_dir, or nullptr if it can.
const char* hashed_dir_problem(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return "no such directory";
    if (!S_ISDIR(st.st_mode)) return "not a directory";
    DIR* dir = ::opendir(path.c_str());
    if (!dir) return "cannot open the directory";
    bool found = false;
    std::size_t scanned = 0;
    while (const dirent* entry = ::readdir(dir)) {
        if (++scanned > kMaxTrustDirEntriesScanned) break;
        if (is_hashed_name(entry->d_name)) {
            found = true;
            break;
        }
    }
    ::closedir(dir);
    return found ? nullptr : "the directory holds no hashed certificate names (run openssl rehash on it)";
}

Status add_hashed_dir(X509_STORE* store, const std::string& path, FileError* failure) {
    if (const char* problem = hashed_dir_problem(path)) return fail(failure, path, problem);
    const int rc = X509_STORE_load_path(store, path.c_str());
    ERR_clear_error();
    if (rc != 1) return fail(failure, path, "cannot use the CA directory");
    return {};
}

std::string env_or(const char* env_name, const char* fallback) {
    const char* value = std::getenv(env_name);
    return value && *value ? value : fallback;
}

// The platform store as OpenSSL finds it: the bundle file and hashed
// directory of OPENSSLDIR (/usr/lib/ssl -> /etc/ssl/certs on Debian and
// derivatives), or $SSL_CERT_FILE / $SSL_CERT_DIR when set. OpenSSL itself
// ignores a missing store, which would leave every server unknown_ca;
// refuse an empty one instead.
Status add_system_roots(X509_STORE* store, FileError* failure) {
    const std::string file = env_or(X509_get_default_cert_file_env(), X509_get_default_cert_file());
    const std::string dirs = env_or(X509_get_default_cert_dir_env(), X509_get_default_cert_dir());
    const std::size_t before = trust_store_size(store);
    const int rc = X509_STORE_set_default_paths(store);
    ERR_clear_error();
    if (rc != 1) return fail(failure, file, "cannot load the system trust store");
    if (trust_store_size(store) > before) return {};
    // Nothing from the bundle file: the hashed directories may still serve.
    std::size_t start = 0;
    while (start <= dirs.size()) {
        std::size_t end = dirs.find(':', start);
        if (end == std::string::npos) end = dirs.size();
        if (end > start && hashed_dir_problem(dirs.substr(start, end - start)) == nullptr) return {};
        start = end + 1;
    }
    return fail(failure, file, "the system trust store is missing or empty (install ca-certificates)");
}

}  // namespace

Result<crypto::X509StorePtr> load_trust_store(const X509VerifierOptions& options, FileError* failure) {
    if (options.ca_file.empty() && options.ca_dir.empty() && !options.system_roots)
        return fail(failure, "", "no trust anchors configured (ca_file, ca_dir or system_roots)");
    crypto::X509StorePtr store(X509_STORE_new());
    if (!store) return Error{Alert::internal_error, "out of memory"};
    if (!options.ca_file.empty()) QTLS_TRY(add_bundle(store.get(), options.ca_file, failure));
    if (!options.ca_dir.empty()) QTLS_TRY(add_hashed_dir(store.get(), options.ca_dir, failure));
    if (options.system_roots) QTLS_TRY(add_system_roots(store.get(), failure));
    return store;
}

std::size_t trust_store_size(X509_STORE* store) {
    STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(store);
    std::size_t roots = 0;
    for (int i = 0; i < sk_X509_OBJECT_num(objects); ++i)
        if (X509_OBJECT_get_type(sk_X509_OBJECT_value(objects, i)) == X509_LU_X509) ++roots;
    return roots;
}

}  // namespace qtls::x509
