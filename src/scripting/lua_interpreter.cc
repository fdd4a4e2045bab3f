#include "scripting/lua_interpreter.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <lua.hpp>

#include "lua_libs/script_libraries.h"
#include "scripting/lua_allocator.h"
#include "scripting/lua_conversions.h"
#include "scripting/lua_sandbox.h"
#include "scripting/redis_api.h"
#include "scripting/script_kill.h"

namespace fkvs::scripting {
namespace {

constexpr const char* kErrorHandler = "__redis__err__handler";
constexpr const char* kInterpreterKey = "fkvs_lua_interpreter";
// As Redis: the host is asked every 100,000 VM instructions.
constexpr int kInstructionsPerCheck = 100000;
// Redis steps the collector once every 50 scripts.
constexpr int kCallsPerGcStep = 50;

// The error handler every script runs under, as Redis's: a string error
// becomes {err="ERR <message>"}, and the table gets where the error was
// raised (the script's line, not that of the C function that raised it).
int script_error_handler(lua_State* L) {
  lua_Debug where{};
  bool found = lua_getstack(L, 1, &where) != 0 && lua_getinfo(L, "nSl", &where) != 0;
  if (found && std::strcmp(where.what, "C") == 0) {
    found = lua_getstack(L, 2, &where) != 0 && lua_getinfo(L, "nSl", &where) != 0;
  }
  if (!lua_istable(L, 1)) {
    lua_getglobal(L, "tostring");
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1);
    lua_newtable(L);
    lua_pushstring(L, "err");
    lua_pushstring(L, "ERR ");
    lua_pushvalue(L, -4);
    lua_concat(L, 2);
    lua_rawset(L, -3);
    lua_replace(L, 1);
    lua_settop(L, 1);
  }
  if (found) {
    lua_pushstring(L, "source");
    lua_pushstring(L, where.source);
    lua_rawset(L, 1);
    lua_pushstring(L, "line");
    lua_pushnumber(L, where.currentline);
    lua_rawset(L, 1);
  }
  return 1;
}

// Once killed, the hook fires on every line, so a pcall in the script
// cannot catch the error and go on.
void check_host_hook(lua_State* L, lua_Debug*) {
  lua_getfield(L, LUA_REGISTRYINDEX, kInterpreterKey);
  auto* interpreter = static_cast<LuaInterpreter*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  ScriptHost* host = interpreter != nullptr ? interpreter->host() : nullptr;
  if (host == nullptr || host->keep_running()) return;
  mark_killed(L, check_host_hook);
  push_error_table(L, "Script killed by user with SCRIPT KILL...");
  lua_error(L);
}

// The reply for an error that left the script: the table's err, and where
// it was raised; anything else as "Error running script".
void write_script_error(lua_State* L, std::string_view name, resp::ReplyWriter& out) {
  std::string message;
  bool counted = false;
  if (lua_istable(L, -1)) {
    // Raw reads: a metamethod of the script's error object would run
    // outside any protected call.
    counted = error_table_counted(L);
    lua_pushstring(L, "err");
    lua_rawget(L, -2);
    const char* err = lua_tostring(L, -1);
    message = err != nullptr ? err : "ERR unknown error";
    lua_pushstring(L, "source");
    lua_rawget(L, -3);
    lua_pushstring(L, "line");
    lua_rawget(L, -4);
    const char* source = lua_tostring(L, -2);
    const char* line = lua_tostring(L, -1);
    if (source != nullptr && line != nullptr) {
      message += " script: ";
      message += name;
      message += ", on ";
      message += source;
      message += ':';
      message += line;
      message += '.';
    }
    lua_pop(L, 3);
  } else {
    const char* text = lua_tostring(L, -1);
    std::string what = text != nullptr ? text : "execution failure";
    if (what.size() > 100) what.resize(100);
    message = "ERR Error running script " + std::string(name) + ", " + what;
  }
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) {
    message.pop_back();
  }
  if (counted) {
    out.error_counted_elsewhere(message);
  } else {
    out.error(message);
  }
}

// A number argument of redis.call as Redis formats it, "%.17g". An integral
// value below 1e17 prints as its plain digits there, so those (the common case:
// counts, TTLs, indexes) skip printf, which costs more than the command itself.
// -0 keeps printf's "-0".
void format_call_number(lua_Number number, std::string& out) {
  char digits[64];
  if (std::fabs(number) < 1e17 && number == std::trunc(number) &&
      !(number == 0 && std::signbit(number))) {
    const auto written =
        std::to_chars(digits, digits + sizeof digits, static_cast<int64_t>(number));
    out.assign(digits, written.ptr);
    return;
  }
  const int length = std::snprintf(digits, sizeof digits, "%.17g", number);
  out.assign(digits, static_cast<size_t>(length));
}

}  // namespace

void push_string_array(lua_State* L, std::span<const std::string_view> values) {
  lua_createtable(L, static_cast<int>(values.size()), 0);
  for (size_t i = 0; i < values.size(); ++i) {
    lua_pushlstring(L, values[i].data(), values[i].size());
    lua_rawseti(L, -2, static_cast<int>(i + 1));
  }
}

LuaInterpreter::LuaInterpreter() { open(); }

LuaInterpreter::~LuaInterpreter() { close(); }

void LuaInterpreter::open() {
  lua_ = new_lua_state();
  lua_pushlightuserdata(lua_, this);
  lua_setfield(lua_, LUA_REGISTRYINDEX, kInterpreterKey);
  open_sandbox_libraries(lua_);
  // cjson, cmsgpack, bit and struct, before the globals are made read only.
  open_script_libraries(lua_);
  register_redis_api(lua_, this);
  lua_pushcfunction(lua_, script_error_handler);
  lua_setglobal(lua_, kErrorHandler);
  protect_globals(lua_);
}

void LuaInterpreter::close() {
  if (lua_ != nullptr) close_lua_state(lua_);
  lua_ = nullptr;
}

void LuaInterpreter::reset() {
  close();
  open();
}

size_t LuaInterpreter::memory_bytes() const {
  return static_cast<size_t>(lua_gc(lua_, LUA_GCCOUNT, 0)) * 1024 +
         static_cast<size_t>(lua_gc(lua_, LUA_GCCOUNTB, 0));
}

const char* LuaInterpreter::collect_call_arguments(lua_State* L) {
  const size_t argc = static_cast<size_t>(lua_gettop(L));
  call_arg_storage_.resize(argc);
  call_args_.resize(argc);
  for (size_t i = 0; i < argc; ++i) {
    const int index = static_cast<int>(i + 1);
    const int type = lua_type(L, index);
    if (type == LUA_TSTRING) {
      // Not copied: the string stays on the Lua stack until redis.call returns.
      size_t length = 0;
      const char* text = lua_tolstring(L, index, &length);
      call_args_[i] = std::string_view(text, length);
    } else if (type == LUA_TNUMBER) {
      // Not lua_tostring: Lua's own format loses precision.
      format_call_number(lua_tonumber(L, index), call_arg_storage_[i]);
      call_args_[i] = call_arg_storage_[i];
    } else {
      return "Lua redis lib command arguments must be strings or integers";
    }
  }
  return nullptr;
}

void LuaInterpreter::call(int nargs, std::string_view name, ScriptHost& host,
                          resp::ReplyWriter& out) {
  lua_State* L = lua_;
  const int function_index = lua_gettop(L) - nargs;
  lua_getglobal(L, kErrorHandler);
  lua_insert(L, function_index);
  host_ = &host;
  resp3_ = false;
  lua_sethook(L, check_host_hook, LUA_MASKCOUNT, kInstructionsPerCheck);
  const int status = pcall_within_memory_limit(L, nargs, 1, function_index);
  lua_sethook(L, nullptr, 0, 0);
  if (status != 0) {
    write_script_error(L, name, out);
  } else {
    write_lua_value(L, out, resp3_);
  }
  host_ = nullptr;
  lua_settop(L, 0);
  if (++calls_since_gc_ >= kCallsPerGcStep) {
    lua_gc(L, LUA_GCSTEP, kCallsPerGcStep);
    calls_since_gc_ = 0;
  }
}

}  // namespace fkvs::scripting
