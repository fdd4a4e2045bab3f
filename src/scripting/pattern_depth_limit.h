#pragma once

#include <cstddef>
#include <string_view>

struct lua_State;

namespace fkvs::scripting {

// Lua 5.1's pattern matcher recurses once per capture and per quantified
// item of the pattern, with no limit: a script's string.find with a
// pattern of 200,000 'a?' ran past the end of the C stack, and
// redis-server dies of that. Lua 5.2 and later refuse such patterns
// ("pattern too complex"); fkvs does too, past a depth that stays far
// inside the stack.
inline constexpr size_t kMaxPatternDepth = 5000;

// How deep the matcher may recurse for pattern, at most.
size_t pattern_depth_bound(std::string_view pattern);

// Replaces string.find, match, gmatch and gsub (the string table must be a
// global, not yet read only) with functions that refuse a pattern deeper
// than kMaxPatternDepth and otherwise call the library's, with its errors.
void limit_pattern_depth(lua_State* L);

}  // namespace fkvs::scripting
