#pragma once

struct lua_State;

namespace fkvs::scripting {

class LuaInterpreter;

// Sets the global table `redis` that scripts call: call, pcall,
// error_reply, status_reply, sha1hex, log and the LOG_* levels, setresp,
// set_repl and the REPL_* targets, replicate_commands, breakpoint, debug,
// REDIS_VERSION and REDIS_VERSION_NUM. Its functions reach the server
// through interpreter.
void register_redis_api(lua_State* L, LuaInterpreter* interpreter);

// Sets log, the LOG_* levels, REDIS_VERSION and REDIS_VERSION_NUM in the
// table on top of the stack: what a library's code may use of the redis
// table while FUNCTION LOAD runs it.
void set_log_and_version_fields(lua_State* L);

}  // namespace fkvs::scripting
