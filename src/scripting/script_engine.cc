#include "scripting/script_engine.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <lua.hpp>

#include "lua_libs/script_libraries.h"
#include "scripting/lua_allocator.h"
#include "scripting/lua_conversions.h"
#include "scripting/lua_sandbox.h"
#include "scripting/redis_api.h"
#include "scripting/script_kill.h"
#include "util/sha1.h"

namespace fkvs::scripting {
namespace {

constexpr const char* kErrorHandler = "__redis__err__handler";
constexpr const char* kEngineKey = "fkvs_script_engine";
// As Redis: the host is asked every 100,000 VM instructions.
constexpr int kInstructionsPerCheck = 100000;
// Redis steps the collector once every 50 scripts.
constexpr int kRunsPerGcStep = 50;

std::string registry_name_of(std::string_view sha) { return "f_" + std::string(sha); }

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
  lua_getfield(L, LUA_REGISTRYINDEX, kEngineKey);
  auto* engine = static_cast<ScriptEngine*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  ScriptHost* host = engine != nullptr ? engine->host() : nullptr;
  if (host == nullptr || host->keep_running()) return;
  mark_killed(L, check_host_hook);
  push_error_table(L, "Script killed by user with SCRIPT KILL...");
  lua_error(L);
}

void push_string_array(lua_State* L, std::span<const std::string_view> values) {
  lua_createtable(L, static_cast<int>(values.size()), 0);
  for (size_t i = 0; i < values.size(); ++i) {
    lua_pushlstring(L, values[i].data(), values[i].size());
    lua_rawseti(L, -2, static_cast<int>(i + 1));
  }
}

// The reply for an error that left the script: the table's err, and where
// it was raised; anything else as "Error running script".
void write_script_error(lua_State* L, std::string_view sha, resp::ReplyWriter& out) {
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
      message += sha;
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
    message = "ERR Error running script " + std::string(sha) + ", " + what;
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

}  // namespace

ScriptEngine::ScriptEngine() { open_interpreter(); }

ScriptEngine::~ScriptEngine() { close_interpreter(); }

void ScriptEngine::open_interpreter() {
  lua_ = new_lua_state();
  lua_pushlightuserdata(lua_, this);
  lua_setfield(lua_, LUA_REGISTRYINDEX, kEngineKey);
  open_sandbox_libraries(lua_);
  // cjson, cmsgpack, bit and struct, before the globals are made read only.
  open_script_libraries(lua_);
  register_redis_api(lua_, this);
  lua_pushcfunction(lua_, script_error_handler);
  lua_setglobal(lua_, kErrorHandler);
  protect_globals(lua_);
}

void ScriptEngine::close_interpreter() {
  if (lua_ != nullptr) close_lua_state(lua_);
  lua_ = nullptr;
}

void ScriptEngine::flush() {
  close_interpreter();
  scripts_.clear();
  cached_bytes_ = 0;
  open_interpreter();
}

size_t ScriptEngine::lua_memory_bytes() const {
  return static_cast<size_t>(lua_gc(lua_, LUA_GCCOUNT, 0)) * 1024 +
         static_cast<size_t>(lua_gc(lua_, LUA_GCCOUNTB, 0));
}

const Script* ScriptEngine::find(std::string_view sha) const {
  if (sha.size() != 40) return nullptr;
  std::string lower(sha);
  std::ranges::transform(lower, lower.begin(), [](unsigned char c) { return std::tolower(c); });
  auto found = scripts_.find(lower);
  return found == scripts_.end() ? nullptr : &found->second;
}

const Script* ScriptEngine::load(std::string_view body, std::string& sha, std::string& error) {
  sha = Sha1::hex(Sha1::of(body));
  if (auto found = scripts_.find(sha); found != scripts_.end()) return &found->second;
  Script script{std::string(body), {}};
  if (!parse_script_declaration(body, script.declaration, error)) {
    error = "ERR " + error;
    return nullptr;
  }
  const size_t skipped = script.declaration.shebang_length;
  if (luaL_loadbuffer(lua_, body.data() + skipped, body.size() - skipped, "@user_script") != 0) {
    error = "ERR Error compiling script (new function): ";
    if (const char* message = lua_tostring(lua_, -1)) error += message;
    lua_pop(lua_, 1);
    return nullptr;
  }
  lua_setfield(lua_, LUA_REGISTRYINDEX, registry_name_of(sha).c_str());
  cached_bytes_ += sizeof(Script) + sha.size() + body.size();
  return &scripts_.emplace(sha, std::move(script)).first->second;
}

const char* ScriptEngine::collect_call_arguments(lua_State* L) {
  const int argc = lua_gettop(L);
  call_arg_storage_.resize(static_cast<size_t>(argc));
  for (int i = 1; i <= argc; ++i) {
    std::string& arg = call_arg_storage_[static_cast<size_t>(i - 1)];
    const int type = lua_type(L, i);
    if (type == LUA_TNUMBER) {
      // Not lua_tostring: Lua's own format loses precision.
      char digits[64];
      const int length = std::snprintf(digits, sizeof digits, "%.17g", lua_tonumber(L, i));
      arg.assign(digits, static_cast<size_t>(length));
    } else if (type == LUA_TSTRING) {
      size_t length = 0;
      const char* text = lua_tolstring(L, i, &length);
      arg.assign(text, length);
    } else {
      return "Lua redis lib command arguments must be strings or integers";
    }
  }
  call_args_.assign(call_arg_storage_.begin(), call_arg_storage_.end());
  return nullptr;
}

void ScriptEngine::run(std::string_view sha, std::span<const std::string_view> keys,
                       std::span<const std::string_view> args, ScriptHost& host,
                       resp::ReplyWriter& out) {
  lua_State* L = lua_;
  lua_settop(L, 0);
  lua_getglobal(L, kErrorHandler);
  lua_getfield(L, LUA_REGISTRYINDEX, registry_name_of(sha).c_str());
  push_string_array(L, keys);
  set_protected_global(L, "KEYS");
  push_string_array(L, args);
  set_protected_global(L, "ARGV");
  host_ = &host;
  resp3_ = false;
  lua_sethook(L, check_host_hook, LUA_MASKCOUNT, kInstructionsPerCheck);
  const int status = pcall_within_memory_limit(L, 0, 1, 1);
  lua_sethook(L, nullptr, 0, 0);
  if (status != 0) {
    write_script_error(L, sha, out);
  } else {
    write_lua_value(L, out, resp3_);
  }
  host_ = nullptr;
  lua_settop(L, 0);
  if (++runs_since_gc_ >= kRunsPerGcStep) {
    lua_gc(L, LUA_GCSTEP, kRunsPerGcStep);
    runs_since_gc_ = 0;
  }
}

}  // namespace fkvs::scripting
