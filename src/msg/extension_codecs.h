// Umbrella header for the typed extension body codecs.
#pragma once

#include "msg/ext_certificate_type.h"
#include "msg/ext_compress_certificate.h"
#include "msg/ext_key_share.h"
#include "msg/ext_lists.h"
#include "msg/ext_misc.h"
#include "msg/ext_names.h"
#include "msg/ext_pre_shared_key.h"
#include "msg/ext_sct.h"
#include "msg/extensions.h"
