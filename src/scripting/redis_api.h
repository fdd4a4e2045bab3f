#pragma once

struct lua_State;

namespace fkvs::scripting {

class ScriptEngine;

// Sets the global table `redis` that scripts call: call, pcall,
// error_reply, status_reply, sha1hex, log and the LOG_* levels, setresp,
// set_repl and the REPL_* targets, replicate_commands, breakpoint, debug,
// REDIS_VERSION and REDIS_VERSION_NUM. Its functions reach the server
// through engine.
void register_redis_api(lua_State* L, ScriptEngine* engine);

}  // namespace fkvs::scripting
