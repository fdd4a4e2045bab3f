#pragma once

#include <cstddef>
#include <string_view>

#include "reply_writer.h"

struct lua_State;

namespace fkvs::scripting {

// The conversions between command replies and Lua values that Redis
// documents for scripts ("Conversion between Lua and Redis data types").

// Pushes the Lua value of the one RESP2 or RESP3 reply at the start of
// reply: integers as numbers, bulk strings as strings, arrays as tables,
// status and error replies as {ok=...} and {err=...}, RESP2's nulls as
// false, RESP3's null as nil, its booleans as booleans, and doubles, big
// numbers, verbatim strings, maps and sets as one-field tables.
// Returns the bytes it read (0, with nothing pushed, when the reply is cut short).
size_t push_reply(lua_State* L, std::string_view reply);

// The field Redis marks an error table with when the error was already
// counted in the error statistics (a command's error reply, a refused command).
inline constexpr const char* kErrorCountedField = "ignore_error_stats_update";
// Whether the error table on top of the stack carries that mark.
bool error_table_counted(lua_State* L);

// Pushes Redis's error table {err="CODE message"} for an error text:
// "-CODE message" keeps its code, text without a leading '-' gets "ERR".
void push_error_table(lua_State* L, std::string_view text);

// Writes the Lua value at the top of the stack (and pops it) as the reply
// to the caller: numbers as integers (truncated), strings as bulk strings,
// tables as arrays up to their first nil unless they have an err, ok,
// double, big_number, verbatim_string, map or set field. Booleans follow
// the script's protocol (redis.setresp): under RESP2 true is 1 and false a
// null, under RESP3 they are booleans.
void write_lua_value(lua_State* L, resp::ReplyWriter& out, bool script_resp3);

}  // namespace fkvs::scripting
