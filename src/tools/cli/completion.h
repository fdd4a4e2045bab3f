#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tools/cli/command_help.h"

namespace fkvs::cli {

// Tab completions for the text before the cursor, as whole replacement texts: the
// command names that begin with it ("con" -> "config", "config g" -> "config get"),
// or after "help " the help topics, commands and @groups. Each follows the case of
// the first letter typed (lower case before any); sorted, without repeats.
std::vector<std::string> complete_line(std::span<const CommandHelp> entries,
                                       std::string_view typed);

// The longest text every completion begins with, compared without regard to case.
std::string common_prefix(std::span<const std::string> completions);

}  // namespace fkvs::cli
