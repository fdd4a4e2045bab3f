#pragma once

#include <cstdio>
#include <span>
#include <string>

#include "tools/cli/session.h"

namespace fkvs::cli {

// Runs the commands read from in, one a line, as redis-cli does with a stdin
// that is not a terminal: lines split as typed ones ("Invalid argument(s)"
// for bad quoting), blank lines skipped, "N cmd" runs cmd N times, quit or
// exit stops, "connect host port" moves to another server and help prints
// the built-in help. Errors and lost connections do not stop the run: redis-cli
// exits 0 here whatever the replies were. interval_s is -i, slept after each
// command. Returns the exit status.
int run_lines(Session& session, std::FILE* in, double interval_s);

// "help [topic]" or "? [topic]", which redis-cli answers itself outside the
// shell too, from the built-in table and without a connection.
bool is_help(std::span<const std::string> args);
void print_help(std::span<const std::string> topic);

}  // namespace fkvs::cli
