#include "tools/cli/command_line.h"

#include "split_arguments.h"

namespace fkvs::cli {

std::optional<std::vector<std::string>> split_command_line(std::string_view line) {
  // redis-cli splits typed lines by the same rules the server applies to
  // inline commands, so both use the protocol library's splitter.
  std::string unescaped(line.size(), '\0');
  std::vector<std::string_view> views;
  if (!resp::split_arguments(line, unescaped.data(), views)) return std::nullopt;
  return std::vector<std::string>(views.begin(), views.end());
}

}  // namespace fkvs::cli
