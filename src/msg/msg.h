// Umbrella header: every handshake message and extension codec.
#pragma once

#include "msg/assembler.h"
#include "msg/certificate.h"
#include "msg/certificate_request.h"
#include "msg/certificate_verify.h"
#include "msg/compressed_certificate.h"
#include "msg/client_hello.h"
#include "msg/encrypted_extensions.h"
#include "msg/extension_codecs.h"
#include "msg/extensions.h"
#include "msg/finished.h"
#include "msg/key_update.h"
#include "msg/new_session_ticket.h"
#include "msg/server_hello.h"
#include "msg/types.h"
