#pragma once

#include <span>
#include <string_view>

namespace fkvs::cli {

// One row of the help the shell carries for servers without COMMAND DOCS, and for
// the syntax lines fkvs-server's COMMAND DOCS leaves out.
struct BuiltinHelp {
  std::string_view name;  // upper case; "CONFIG GET" for a subcommand
  std::string_view params;
  std::string_view summary;
  std::string_view since;
  std::string_view group;
};

std::span<const BuiltinHelp> builtin_help_table();

// The row named exactly `name` (upper case), or null.
const BuiltinHelp* find_builtin_help(std::string_view name);

}  // namespace fkvs::cli
