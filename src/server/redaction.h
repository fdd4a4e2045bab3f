#pragma once

#include <span>
#include <string_view>
#include <vector>

namespace fkvs {

// Which arguments of a command are secrets that MONITOR and SLOWLOG show as
// "(redacted)", as Redis 7.0 redacts them: AUTH's, HELLO's AUTH username and
// password, and the value of CONFIG SET masterauth and requirepass.
std::vector<bool> redacted_arguments(std::span<const std::string_view> args);

}  // namespace fkvs
