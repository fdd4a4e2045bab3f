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
// seeded with 0 at start, as in Redis 7.0) and loadstring/load reading
// precompiled chunks as source (so they fail to parse, as in Redis 7.0).
void open_sandbox_libraries(lua_State* L);

// Makes every table among the globals, and the globals themselves, read
// only (Redis's "Attempt to modify a readonly table"), and reading an
// undefined global an error; the strings' metatable is read only too.
// Stock Lua has no read-only tables, so each one becomes an empty proxy
// that reads through to the real table; rawset, setmetatable, rawget, next
// and pairs know the proxies. Call once every library and the redis table
// are in place.
void protect_globals(lua_State* L);

// Sets a global past the protection (KEYS, ARGV before each run): the value
// on top of the stack is popped.
void set_protected_global(lua_State* L, const char* name);

// Redis's rand48 generator (the POSIX drand48 recurrence), exposed for tests.
void seed_rand48(int32_t seed);
int32_t next_rand48();

}  // namespace fkvs::scripting
