#pragma once

struct lua_State;
struct lua_Debug;

namespace fkvs::scripting {

// A script killed by SCRIPT KILL (or a shutdown) must end, whatever it
// catches. The engine's hook raises the kill error in the thread it fires
// in and from then on fires there on every line, so pcall cannot go on.
// Two more ways around it are closed here (redis-server's scripts take
// both and run on for ever):
// - A coroutine's error is caught by the thread that resumed it, whose own
//   hook is not due for another 100,000 instructions: a script that resumes
//   coroutines in a loop, or nests them, would go on. resume and wrap pass
//   the kill on: the resumer gets the killed coroutine's hook, and the
//   error is raised in it.
// - An error raised inside a hook runs the xpcall handler while hooks are
//   off, so a handler that loops could never be stopped, nor the server
//   serve anyone. xpcall leaves the handler out once its thread is killed.

// Marks the thread L as killed: hook runs on its every line.
void mark_killed(lua_State* L, void (*hook)(lua_State*, lua_Debug*));
bool is_killed(lua_State* L);

// Replaces xpcall, coroutine.resume and coroutine.wrap (globals, not yet
// read only) with the library's behaviour plus the above.
void open_killable_calls(lua_State* L);

}  // namespace fkvs::scripting
