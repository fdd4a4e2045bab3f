#include "scripting/redis_api.h"

#include <spdlog/spdlog.h>

#include <lua.hpp>
#include <string_view>

#include "fkvs_build_config.h"
#include "scripting/lua_conversions.h"
#include "scripting/lua_interpreter.h"
#include "util/sha1.h"

namespace fkvs::scripting {
namespace {

// Redis 7.0.15 as redis.REDIS_VERSION_NUM reads it: 0x00MMmmpp.
constexpr int kRedisVersionNum = (7 << 16) | (0 << 8) | 15;
constexpr int kReplicateToAof = 1;
constexpr int kReplicateToReplicas = 2;

LuaInterpreter& interpreter_of(lua_State* L) {
  return *static_cast<LuaInterpreter*>(lua_touserdata(L, lua_upvalueindex(1)));
}

// Raises Redis's error table {err="ERR message"}; the script's error
// handler adds where it happened.
int raise_error_table(lua_State* L, const char* message) {
  push_error_table(L, message);
  return lua_error(L);
}

// redis.call (raise) and redis.pcall: the command runs through the server's
// dispatch and its reply comes back as a Lua value; an error reply is
// raised by call and returned by pcall.
int run_redis_command(lua_State* L, bool raise) {
  LuaInterpreter& interpreter = interpreter_of(L);
  if (lua_gettop(L) == 0) {
    push_error_table(L, "Please specify at least one argument for this redis lib call");
    return raise ? lua_error(L) : 1;
  }
  if (const char* problem = interpreter.collect_call_arguments(L)) {
    push_error_table(L, problem);
    return raise ? lua_error(L) : 1;
  }
  if (interpreter.host() == nullptr) return raise_error_table(L, "redis.call is only for scripts");
  const std::string_view reply = interpreter.host()->call(
      interpreter.call_args(),
      interpreter.resp3() ? resp::Protocol::kResp3 : resp::Protocol::kResp2);
  if (push_reply(L, reply) == 0) lua_pushboolean(L, 0);
  if (raise && !reply.empty() && reply.front() == '-') return lua_error(L);
  return 1;
}

int redis_call(lua_State* L) { return run_redis_command(L, true); }
int redis_pcall(lua_State* L) { return run_redis_command(L, false); }

// redis.error_reply / status_reply: a one-field table, or an error table
// (returned, not raised) for a wrong argument.
int redis_error_reply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TSTRING) {
    push_error_table(L, "wrong number or type of arguments");
    return 1;
  }
  size_t length = 0;
  const char* text = lua_tolstring(L, 1, &length);
  if (length > 0 && text[0] == '-') {
    push_error_table(L, std::string_view(text, length));
  } else {
    lua_pushstring(L, "-");
    lua_pushvalue(L, 1);
    lua_concat(L, 2);
    size_t dashed_length = 0;
    const char* dashed = lua_tolstring(L, -1, &dashed_length);
    push_error_table(L, std::string_view(dashed, dashed_length));
  }
  return 1;
}

int redis_status_reply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TSTRING) {
    push_error_table(L, "wrong number or type of arguments");
    return 1;
  }
  lua_newtable(L);
  lua_pushstring(L, "ok");
  lua_pushvalue(L, 1);
  lua_settable(L, -3);
  return 1;
}

int redis_sha1hex(lua_State* L) {
  if (lua_gettop(L) != 1) return raise_error_table(L, "wrong number of arguments");
  size_t length = 0;
  const char* text = lua_tolstring(L, 1, &length);
  char hex[41];
  const Sha1::Digest digest = Sha1::of(std::string_view(text != nullptr ? text : "", length));
  static constexpr char kHexDigits[] = "0123456789abcdef";
  for (size_t i = 0; i < digest.size(); ++i) {
    hex[2 * i] = kHexDigits[digest[i] >> 4];
    hex[2 * i + 1] = kHexDigits[digest[i] & 15];
  }
  lua_pushlstring(L, hex, 40);
  return 1;
}

// redis.log(level, ...): the arguments joined by spaces, at Redis's level
// (LOG_DEBUG .. LOG_WARNING are fkvs's debug, verbose, notice, warning).
int redis_log(lua_State* L) {
  const int argc = lua_gettop(L);
  if (argc < 2) return raise_error_table(L, "redis.log() requires two arguments or more.");
  if (!lua_isnumber(L, 1)) {
    return raise_error_table(L, "First argument must be a number (log level).");
  }
  const lua_Number level = lua_tonumber(L, 1);
  if (level < 0 || level > 3) return raise_error_table(L, "Invalid debug level.");
  constexpr spdlog::level::level_enum kLevels[] = {spdlog::level::trace, spdlog::level::debug,
                                                   spdlog::level::info, spdlog::level::warn};
  const spdlog::level::level_enum spd_level = kLevels[static_cast<int>(level)];
  if (!spdlog::should_log(spd_level)) return 0;
  luaL_Buffer buffer;
  luaL_buffinit(L, &buffer);
  bool first = true;
  for (int i = 2; i <= argc; ++i) {
    size_t length = 0;
    const char* text = lua_tolstring(L, i, &length);
    if (text == nullptr) continue;
    if (!first) luaL_addchar(&buffer, ' ');
    luaL_addlstring(&buffer, text, length);
    first = false;
  }
  luaL_pushresult(&buffer);
  size_t length = 0;
  const char* message = lua_tolstring(L, -1, &length);
  spdlog::log(spd_level, "{}", std::string_view(message, length));
  return 0;
}

int redis_setresp(lua_State* L) {
  if (lua_gettop(L) != 1) return raise_error_table(L, "redis.setresp() requires one argument.");
  const int version = static_cast<int>(lua_tonumber(L, 1));
  if (version != 2 && version != 3) return raise_error_table(L, "RESP version must be 2 or 3.");
  interpreter_of(L).set_resp3(version == 3);
  return 0;
}

int redis_set_repl(lua_State* L) {
  if (lua_gettop(L) != 1) return raise_error_table(L, "redis.set_repl() requires two arguments.");
  const int targets = static_cast<int>(lua_tonumber(L, 1));
  if ((targets & ~(kReplicateToAof | kReplicateToReplicas)) != 0) {
    return raise_error_table(
        L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
  }
  if (ScriptHost* host = interpreter_of(L).host()) host->set_replication(targets);
  return 0;
}

// Scripts replicate their effects always (Redis 7.0): nothing to switch on.
int redis_replicate_commands(lua_State* L) {
  lua_pushboolean(L, 1);
  return 1;
}

// Outside the script debugger these do nothing, as in Redis.
int redis_breakpoint(lua_State* L) {
  lua_pushboolean(L, 0);
  return 1;
}
int redis_debug(lua_State*) { return 0; }

void set_function(lua_State* L, const char* name, lua_CFunction function,
                  LuaInterpreter* interpreter) {
  lua_pushlightuserdata(L, interpreter);
  lua_pushcclosure(L, function, 1);
  lua_setfield(L, -2, name);
}

void set_number(lua_State* L, const char* name, lua_Number value) {
  lua_pushnumber(L, value);
  lua_setfield(L, -2, name);
}

}  // namespace

void set_log_and_version_fields(lua_State* L) {
  lua_pushcfunction(L, redis_log);
  lua_setfield(L, -2, "log");
  set_number(L, "LOG_DEBUG", 0);
  set_number(L, "LOG_VERBOSE", 1);
  set_number(L, "LOG_NOTICE", 2);
  set_number(L, "LOG_WARNING", 3);
  lua_pushstring(L, FKVS_REDIS_COMPAT_VERSION);
  lua_setfield(L, -2, "REDIS_VERSION");
  set_number(L, "REDIS_VERSION_NUM", kRedisVersionNum);
}

void register_redis_api(lua_State* L, LuaInterpreter* interpreter) {
  lua_newtable(L);
  set_function(L, "call", redis_call, interpreter);
  set_function(L, "pcall", redis_pcall, interpreter);
  set_function(L, "error_reply", redis_error_reply, interpreter);
  set_function(L, "status_reply", redis_status_reply, interpreter);
  set_function(L, "sha1hex", redis_sha1hex, interpreter);
  set_function(L, "setresp", redis_setresp, interpreter);
  set_function(L, "set_repl", redis_set_repl, interpreter);
  set_function(L, "replicate_commands", redis_replicate_commands, interpreter);
  set_function(L, "breakpoint", redis_breakpoint, interpreter);
  set_function(L, "debug", redis_debug, interpreter);
  set_log_and_version_fields(L);
  set_number(L, "REPL_NONE", 0);
  set_number(L, "REPL_AOF", kReplicateToAof);
  set_number(L, "REPL_SLAVE", kReplicateToReplicas);
  set_number(L, "REPL_REPLICA", kReplicateToReplicas);
  set_number(L, "REPL_ALL", kReplicateToAof | kReplicateToReplicas);
  lua_setglobal(L, "redis");
}

}  // namespace fkvs::scripting
