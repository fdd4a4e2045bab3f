#pragma once

#include <cstdint>

struct lua_State;

namespace fkvs::scripting {

// The environment Redis 7.0 gives scripts.
//
// open_sandbox_libraries: base (without loadfile, dofile, print, setfenv,
// getfenv, newproxy), coroutine, table, string and math, with pcall handing
// a caught error table over as its message (Redis 7.0), math.random
// drawing from Redis's rand48 generator (one sequence for the process,
// unseeded at start, as in Redis 7.0) and loadstring/load reading
// precompiled chunks as source (so they fail to parse, as in Redis 7.0).
void open_sandbox_libraries(lua_State* L);

// Makes every table among the globals, and the globals themselves, read
// only (Redis's "Attempt to modify a readonly table"), and reading an
// undefined global an error; getmetatable shows only read-only views.
// Stock Lua has no read-only tables, so each one becomes an empty proxy
// that reads through to the real table; rawset, setmetatable, rawget, next
// and pairs know the proxies. Call once every library and the redis table
// are in place.
void protect_globals(lua_State* L);

// Sets a global past the protection (KEYS, ARGV before each run): the value
// on top of the stack is popped.
void set_protected_global(lua_State* L, const char* name);

// Pushes a read-only proxy of the table at (absolute) index, as
// protect_globals makes of each library: for tables made after it.
void push_readonly_proxy(lua_State* L, int index);

// Makes reading a missing field of the table at (absolute) index Redis's
// "Script attempted to access nonexistent global variable" error.
void set_missing_field_error(lua_State* L, int index);

// The table the globals read through to: the real globals (push_real_globals),
// or another in their place while FUNCTION LOAD runs a library's code. The
// table on top of the stack is popped.
void push_real_globals(lua_State* L);
void set_globals_source(lua_State* L);

// Redis's rand48 generator (the POSIX drand48 recurrence), exposed for tests.
void seed_rand48(int32_t seed);
int32_t next_rand48();

}  // namespace fkvs::scripting
