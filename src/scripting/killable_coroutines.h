#pragma once

struct lua_State;
struct lua_Debug;

namespace fkvs::scripting {

// A script killed by SCRIPT KILL (or a shutdown) must end, whatever it
// catches. The engine's hook raises the kill error in the thread it fires
// in and from then on fires there on every line, so pcall cannot go on.
// A coroutine's error, though, is caught by the thread that resumed it,
// whose own hook is not due for another 100,000 instructions: a script
// that resumes coroutines in a loop, or nests them, could run on for ever
// (redis-server's does). So resume and wrap here pass the kill on: the
// resumer gets the killed coroutine's hook, and the error is raised in it.

// Marks the thread L as killed: hook runs on its every line.
void mark_killed(lua_State* L, void (*hook)(lua_State*, lua_Debug*));
bool is_killed(lua_State* L);

// Replaces coroutine.resume and coroutine.wrap (the coroutine table must
// be a global, not yet read only) with the library's behaviour plus the
// above.
void open_killable_coroutines(lua_State* L);

}  // namespace fkvs::scripting
