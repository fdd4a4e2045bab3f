#pragma once

#include <string_view>

namespace fkvs {

// Matches `text` against a Redis glob pattern, as KEYS, SCAN MATCH, PSUBSCRIBE and CONFIG GET
// do, giving the same answer as redis-server 7.0 for every input, quirks included:
//   *       any run of bytes          ?      exactly one byte
//   [abc]   one of the listed bytes   [^abc] any byte but those
//   [a-z]   a range (either order)    \x     the byte x itself
// An unterminated '[' class ends with the pattern; an empty text matches only an empty
// pattern. Runs in O(pattern * text) time, never exponentially.
bool glob_match(std::string_view pattern, std::string_view text, bool nocase = false);

}  // namespace fkvs
