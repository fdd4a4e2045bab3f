#pragma once

#include "tools/cli/session.h"

namespace fkvs::cli {

// The shell fkvs-cli runs when stdin is a terminal and no command was given:
// prompt, line editing and history (libedit), help, hints, exit/quit.
// Returns the process exit status.
int run_interactive(Session& session);

}  // namespace fkvs::cli
