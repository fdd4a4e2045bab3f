#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fkvs::cli {

// Splits a typed line into arguments as redis-cli does: spaces separate,
// "double quotes" take \n \r \t \b \a \\ \" and \xHH escapes, 'single quotes'
// take only \', and a closing quote must be followed by a space or the end.
// Returns nullopt for unbalanced quotes (redis-cli: "Invalid argument(s)").
std::optional<std::vector<std::string>> split_command_line(std::string_view line);

}  // namespace fkvs::cli
