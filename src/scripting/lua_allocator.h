#pragma once

#include <cstddef>

struct lua_State;

namespace fkvs::scripting {

// Redis 7.0 sets its interpreter no memory limit: a script that allocates
// without end takes the host's memory until malloc fails (Lua's "not
// enough memory") or the kernel's OOM killer ends the server. fkvs caps each
// interpreter at 1 GiB, a fixed size rather than one derived from maxmemory
// (which Redis does not apply to Lua either): twice the largest bulk string
// a client may send (proto-max-bulk-len's default, 512 MB), so a script can
// hold such a value and a copy of it, while a runaway script fails with
// Lua's "not enough memory" within seconds. The cap counts garbage not yet
// collected, as Lua 5.1 cannot collect from inside its allocator.
inline constexpr size_t kLuaMemoryLimit = size_t{1} << 30;

// A new interpreter whose memory goes through a counting allocator, with
// fkvs's panic handler (a log line before Lua ends the process). Close it
// with close_lua_state.
lua_State* new_lua_state(size_t memory_limit = kLuaMemoryLimit);
void close_lua_state(lua_State* L);

// lua_pcall with the interpreter held to its memory limit: an allocation
// past it fails, which Lua raises as its memory error. Outside this call
// the limit does not apply: an allocation failing there (KEYS and ARGV, the
// reply) would raise outside any protected call, and Lua would end the
// process. When the limit was reached, the interpreter collects its garbage
// before this returns, so the next script starts with the memory given back.
int pcall_within_memory_limit(lua_State* L, int nargs, int nresults, int error_handler);

// Raises Lua's memory error itself (status LUA_ERRMEM, message "not enough
// memory"), for a C function that caught one and must pass it on unchanged.
int raise_memory_error(lua_State* L);

}  // namespace fkvs::scripting
