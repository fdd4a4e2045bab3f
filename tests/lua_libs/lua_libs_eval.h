#pragma once

#include <string>

namespace fkvs::test {

// Evaluates `expression` in a fresh Lua state that has the base, table,
// string and math libraries plus open_script_libraries, the way Redis's
// script tests below were recorded: `tostring(expression)`, with a local
// H(s) that hex-encodes a string. An error gives "error: " and its message,
// positioned as in a Redis script ("user_script:1: ...").
std::string lua_libs_eval(const std::string& expression);

}  // namespace fkvs::test
