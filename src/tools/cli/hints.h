#pragma once

#include <span>
#include <string>
#include <string_view>

#include "tools/cli/command_help.h"

namespace fkvs::cli {

// The grey hint redis-cli shows after what has been typed: the syntax of the command
// the line names (the entry whose name matches most of its first words), less one word
// for each argument already typed, stopping at the first [optional] part. It starts
// with a space when the line does not end in one; empty when no command matches.
std::string command_hint(std::span<const CommandHelp> entries, std::string_view line);

}  // namespace fkvs::cli
