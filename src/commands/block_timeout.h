#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace fkvs {

class CommandContext;

// The timeout argument of BLPOP and the other blocking commands: seconds as
// a float (strict, as Redis's long double parse), 0 for no timeout. Returns
// the deadline in unix ms (0 = forever), or replies Redis's error and
// returns nullopt.
std::optional<int64_t> parse_block_timeout(CommandContext& ctx, std::string_view arg);

}  // namespace fkvs
