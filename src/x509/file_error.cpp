// FileError (qtls/certs.h): a loader's static reason plus the path it
// concerns, so a message says which of several files is at fault.
#include "qtls/certs.h"

namespace qtls {

std::string FileError::message() const {
    std::string out = path.empty() ? std::string("(no file)") : path;
    out += ": ";
    out += error.what;
    return out;
}

}  // namespace qtls
