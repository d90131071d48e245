// EncryptedExtensions (RFC 8446 §4.3.1).
#pragma once

#include "msg/extensions.h"
#include "qtls/error.h"

namespace qtls::msg {

struct EncryptedExtensions {
    Extensions extensions;  // <0..2^16-1>

    Bytes encode() const;
    static Result<EncryptedExtensions> decode(ByteView body);
};

}  // namespace qtls::msg
