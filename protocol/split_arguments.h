#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fkvs::resp {

// Splits a line into arguments by the rules Redis uses for inline commands and
// redis-cli for typed lines: whitespace separates; "double quotes" take \n \r
// \t \b \a \\ \" and \xHH escapes, 'single quotes' only \'; a closing quote
// must be followed by whitespace or the end. Unescaped bytes are written to
// out, which must have room for line.size() bytes, and args (cleared first)
// gets views into it. False for unbalanced quotes.
bool split_arguments(std::string_view line, char* out, std::vector<std::string_view>& args);

// The inverse: bytes in double quotes with those escapes, so split_arguments
// reads them back as one argument. It is how redis-cli shows a string and
// Redis's sdscatrepr writes one (AOF manifests, MONITOR).
std::string quote_bytes(std::string_view bytes);

}  // namespace fkvs::resp
