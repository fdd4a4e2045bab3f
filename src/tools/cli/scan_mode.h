#pragma once

#include <optional>
#include <string>

#include "tools/cli/session.h"

namespace fkvs::cli {

// --scan: every key SCAN returns, one a line (quoted in the TTY format),
// MATCH pattern when given, COUNT count when positive, sleeping interval_s
// between pages. Returns the exit status: 1 on an error reply, as redis-cli.
int run_scan(Session& session, const std::optional<std::string>& pattern, long count,
             double interval_s);

}  // namespace fkvs::cli
