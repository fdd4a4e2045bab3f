#pragma once

#include <hiredis/hiredis.h>

#include <string>
#include <string_view>

#include "tools/cli/session.h"

namespace fkvs::cli {

// A reply as redis-cli 7.0 prints it in mode, trailing newline included: the
// bytes fkvs-cli writes to stdout for one command.
std::string format_reply(const redisReply& reply, OutputMode mode);

// INFO, CLIENT LIST and the other commands whose text redis-cli prints as is
// in every mode: the raw form with no newline added (their text ends in one).
std::string format_verbatim(const redisReply& reply);

}  // namespace fkvs::cli
