#include "scripting/lua_sandbox.h"

#include <cmath>
#include <cstring>
#include <initializer_list>
#include <lua.hpp>
#include <string>

#include "scripting/pattern_depth_limit.h"
#include "scripting/script_kill.h"

namespace fkvs::scripting {
namespace {

// The registry key of the table mapping each read-only proxy to its real
// table (weak keys), and of the real globals.
constexpr const char* kReadonlyProxies = "fkvs_readonly_proxies";
constexpr const char* kRealGlobals = "fkvs_real_globals";
constexpr const char* kReadonlyError = "Attempt to modify a readonly table";
// What getmetatable shows of _G and of strings (read-only proxies), and the
// objects it recognises them by.
constexpr const char* kGlobalsProxy = "fkvs_globals_proxy";
constexpr const char* kShownGlobalsMetatable = "fkvs_shown_globals_metatable";
constexpr const char* kStringMetatable = "fkvs_string_metatable";
constexpr const char* kShownStringMetatable = "fkvs_shown_string_metatable";

// The 48-bit state of rand48: x(n+1) = (a * x(n) + c) mod 2^48; it starts
// where drand48 starts unseeded, as Redis 7.0 never seeds it.
uint64_t rand48_state = 0x1234ABCD330EULL;
constexpr uint64_t kRand48Multiplier = 0x5DEECE66DULL;
constexpr uint64_t kRand48Increment = 0xB;
constexpr uint64_t kRand48Mask = (uint64_t{1} << 48) - 1;
constexpr int32_t kRand48Max = INT32_MAX;

int readonly_error(lua_State* L) { return luaL_error(L, kReadonlyError); }

// Raised from a C function the script called: Redis reports it without a position.
int readonly_error_without_position(lua_State* L) {
  lua_pushstring(L, kReadonlyError);
  return lua_error(L);
}

int nonexistent_global_error(lua_State* L) {
  const char* name = lua_tostring(L, 2);
  return luaL_error(L, "Script attempted to access nonexistent global variable '%s'",
                    name != nullptr ? name : "?");
}

// Pushes the real table behind the proxy at index, or nothing and false.
bool push_real_table(lua_State* L, int index) {
  if (lua_type(L, index) != LUA_TTABLE) return false;
  lua_getfield(L, LUA_REGISTRYINDEX, kReadonlyProxies);
  lua_pushvalue(L, index);
  lua_rawget(L, -2);
  lua_remove(L, -2);
  if (lua_istable(L, -1)) return true;
  lua_pop(L, 1);
  return false;
}

bool is_readonly_proxy(lua_State* L, int index) {
  if (!push_real_table(L, index)) return false;
  lua_pop(L, 1);
  return true;
}

int sandbox_rawset(lua_State* L) {
  if (is_readonly_proxy(L, 1)) return readonly_error_without_position(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkany(L, 2);
  luaL_checkany(L, 3);
  lua_settop(L, 3);
  lua_rawset(L, 1);
  return 1;
}

int sandbox_setmetatable(lua_State* L) {
  if (is_readonly_proxy(L, 1)) return readonly_error_without_position(L);
  // The base library's own, kept as an upvalue.
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

// rawget, next: a proxy reads as the table behind it.
int sandbox_rawget(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkany(L, 2);
  if (push_real_table(L, 1)) lua_replace(L, 1);
  lua_settop(L, 2);
  lua_rawget(L, 1);
  return 1;
}

int sandbox_next(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  if (push_real_table(L, 1)) lua_replace(L, 1);
  lua_settop(L, 2);
  if (lua_next(L, 1)) return 2;
  lua_pushnil(L);
  return 1;
}

int sandbox_pairs(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_pushvalue(L, lua_upvalueindex(1));  // sandbox_next
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

// getmetatable as Redis's read-only tables answer it: nothing for a library
// table, a read-only table whose __index raises the nonexistent-global error
// for _G, and a read-only view of the strings' metatable (whose __index is
// the read-only string library), so no script changes what the next one runs.
int sandbox_getmetatable(lua_State* L) {
  luaL_checkany(L, 1);
  if (is_readonly_proxy(L, 1)) {
    lua_getfield(L, LUA_REGISTRYINDEX, kGlobalsProxy);
    if (lua_rawequal(L, 1, -1)) {
      lua_getfield(L, LUA_REGISTRYINDEX, kShownGlobalsMetatable);
    } else {
      lua_pushnil(L);
    }
    return 1;
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, 1);
  lua_call(L, 1, 1);
  lua_getfield(L, LUA_REGISTRYINDEX, kStringMetatable);
  const bool string_metatable = lua_rawequal(L, -1, -2) != 0;
  lua_pop(L, 1);
  if (string_metatable) lua_getfield(L, LUA_REGISTRYINDEX, kShownStringMetatable);
  return 1;
}

// Precompiled chunks could break the interpreter: only source is loaded.
// Redis's Lua has no binary loader and parses such a chunk as source, which
// fails at its first byte ("unexpected symbol near 'char(27)'"); behind a
// space, which the lexer skips, stock Lua parses it as source too.
int load_source(lua_State* L, const char* chunk, size_t length, const char* name) {
  int status = 0;
  if (length > 0 && chunk[0] == LUA_SIGNATURE[0]) {
    std::string as_source = " ";
    as_source.append(chunk, length);
    status = luaL_loadbuffer(L, as_source.data(), as_source.size(), name);
  } else {
    status = luaL_loadbuffer(L, chunk, length, name);
  }
  if (status == 0) return 1;
  lua_pushnil(L);
  lua_insert(L, -2);
  return 2;
}

int sandbox_loadstring(lua_State* L) {
  size_t length = 0;
  const char* chunk = luaL_checklstring(L, 1, &length);
  const char* name = luaL_optstring(L, 2, chunk);
  return load_source(L, chunk, length, name);
}

// load(function): the pieces are gathered first, then checked as loadstring's.
int sandbox_load(lua_State* L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  const char* name = luaL_optstring(L, 2, "=(load)");
  luaL_Buffer buffer;
  luaL_buffinit(L, &buffer);
  for (;;) {
    lua_pushvalue(L, 1);
    lua_call(L, 0, 1);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      break;
    }
    if (!lua_isstring(L, -1)) return luaL_error(L, "reader function must return a string");
    luaL_addvalue(&buffer);
  }
  luaL_pushresult(&buffer);
  size_t length = 0;
  const char* chunk = lua_tolstring(L, -1, &length);
  return load_source(L, chunk, length, name);
}

// pcall as Redis 7.0's: a caught error table ({err=...}, what redis.call
// raises) reaches the script as its message string.
int sandbox_pcall(lua_State* L) {
  const int argc = lua_gettop(L);
  luaL_checkany(L, 1);
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  if (lua_pcall(L, argc - 1, LUA_MULTRET, 0) != 0) {
    lua_remove(L, 1);
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "err");
      if (lua_isstring(L, -1)) {
        lua_replace(L, -2);
      } else {
        lua_pop(L, 1);
      }
    }
    lua_pushboolean(L, 0);
    lua_insert(L, 1);
  }
  return lua_gettop(L);
}

// math.random as Redis's: one rand48 draw in [0, 1), scaled as Lua 5.1 scales rand().
int sandbox_math_random(lua_State* L) {
  const lua_Number r =
      static_cast<lua_Number>(next_rand48() % kRand48Max) / static_cast<lua_Number>(kRand48Max);
  switch (lua_gettop(L)) {
    case 0:
      lua_pushnumber(L, r);
      break;
    case 1: {
      const int upper = luaL_checkint(L, 1);
      luaL_argcheck(L, 1 <= upper, 1, "interval is empty");
      lua_pushnumber(L, std::floor(r * upper) + 1);
      break;
    }
    case 2: {
      const int lower = luaL_checkint(L, 1);
      const int upper = luaL_checkint(L, 2);
      luaL_argcheck(L, lower <= upper, 2, "interval is empty");
      lua_pushnumber(L, std::floor(r * (upper - lower + 1)) + lower);
      break;
    }
    default:
      return luaL_error(L, "wrong number of arguments");
  }
  return 1;
}

int sandbox_math_randomseed(lua_State* L) {
  seed_rand48(luaL_checkint(L, 1));
  return 0;
}

void open_library(lua_State* L, lua_CFunction opener, const char* name) {
  lua_pushcfunction(L, opener);
  lua_pushstring(L, name);
  lua_call(L, 1, 0);
}

void set_global_function(lua_State* L, const char* name, lua_CFunction function) {
  lua_pushcfunction(L, function);
  lua_setglobal(L, name);
}

}  // namespace

void push_readonly_proxy(lua_State* L, int index) {
  lua_newtable(L);  // the proxy
  lua_newtable(L);  // its metatable
  lua_pushvalue(L, index);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, readonly_error);
  lua_setfield(L, -2, "__newindex");
  // getmetatable(proxy) answers an empty read-only table, so the real
  // table cannot be reached (or the metatable changed) through it.
  lua_newtable(L);
  lua_newtable(L);
  lua_pushcfunction(L, readonly_error);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_getfield(L, LUA_REGISTRYINDEX, kReadonlyProxies);
  lua_pushvalue(L, -2);
  lua_pushvalue(L, index);
  lua_rawset(L, -3);
  lua_pop(L, 1);
}

void seed_rand48(int32_t seed) {
  rand48_state =
      ((static_cast<uint64_t>(static_cast<uint32_t>(seed)) << 16) | 0x330E) & kRand48Mask;
}

int32_t next_rand48() {
  rand48_state = (kRand48Multiplier * rand48_state + kRand48Increment) & kRand48Mask;
  return static_cast<int32_t>(rand48_state >> 17);
}

void open_sandbox_libraries(lua_State* L) {
  open_library(L, luaopen_base, "");
  open_killable_calls(L);
  open_library(L, luaopen_table, LUA_TABLIBNAME);
  open_library(L, luaopen_string, LUA_STRLIBNAME);
  limit_pattern_depth(L);
  open_library(L, luaopen_math, LUA_MATHLIBNAME);
  for (const char* removed : {"loadfile", "dofile", "print", "setfenv", "getfenv", "newproxy"}) {
    lua_pushnil(L);
    lua_setglobal(L, removed);
  }
  set_global_function(L, "loadstring", sandbox_loadstring);
  set_global_function(L, "load", sandbox_load);
  set_global_function(L, "pcall", sandbox_pcall);
  set_global_function(L, "rawset", sandbox_rawset);
  set_global_function(L, "rawget", sandbox_rawget);
  set_global_function(L, "next", sandbox_next);
  lua_pushcfunction(L, sandbox_next);
  lua_pushcclosure(L, sandbox_pairs, 1);
  lua_setglobal(L, "pairs");
  lua_getglobal(L, "setmetatable");
  lua_pushcclosure(L, sandbox_setmetatable, 1);
  lua_setglobal(L, "setmetatable");
  lua_getglobal(L, LUA_MATHLIBNAME);
  lua_pushcfunction(L, sandbox_math_random);
  lua_setfield(L, -2, "random");
  lua_pushcfunction(L, sandbox_math_randomseed);
  lua_setfield(L, -2, "randomseed");
  lua_pop(L, 1);
}

void protect_globals(lua_State* L) {
  lua_newtable(L);
  lua_newtable(L);
  lua_pushstring(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_setfield(L, LUA_REGISTRYINDEX, kReadonlyProxies);

  lua_pushvalue(L, LUA_GLOBALSINDEX);
  const int globals = lua_gettop(L);
  lua_pushvalue(L, globals);
  lua_setfield(L, LUA_REGISTRYINDEX, kRealGlobals);
  // Each library table (and redis) is replaced by its proxy.
  lua_pushnil(L);
  while (lua_next(L, globals) != 0) {
    if (lua_istable(L, -1) && !lua_rawequal(L, -1, globals)) {
      push_readonly_proxy(L, lua_gettop(L));
      lua_pushvalue(L, -3);  // the name
      lua_insert(L, -2);
      lua_rawset(L, globals);
    }
    lua_pop(L, 1);
  }
  // An undefined global is an error; the real globals' own metatable says so.
  set_missing_field_error(L, globals);
  push_readonly_proxy(L, globals);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, kGlobalsProxy);
  lua_pushvalue(L, -1);
  lua_setfield(L, globals, "_G");
  lua_replace(L, LUA_GLOBALSINDEX);

  lua_newtable(L);
  lua_pushcfunction(L, nonexistent_global_error);
  lua_setfield(L, -2, "__index");
  push_readonly_proxy(L, lua_gettop(L));
  lua_setfield(L, LUA_REGISTRYINDEX, kShownGlobalsMetatable);
  lua_pop(L, 1);

  // Strings find their methods in the read-only string library.
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_getfield(L, globals, LUA_STRLIBNAME);
  lua_setfield(L, -2, "__index");
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, kStringMetatable);
  push_readonly_proxy(L, lua_gettop(L));
  lua_setfield(L, LUA_REGISTRYINDEX, kShownStringMetatable);
  lua_pop(L, 2);

  lua_getfield(L, globals, "getmetatable");
  lua_pushcclosure(L, sandbox_getmetatable, 1);
  lua_setfield(L, globals, "getmetatable");
  lua_pop(L, 1);
}

void set_missing_field_error(lua_State* L, int index) {
  lua_newtable(L);
  lua_pushcfunction(L, nonexistent_global_error);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, index);
}

void push_real_globals(lua_State* L) { lua_getfield(L, LUA_REGISTRYINDEX, kRealGlobals); }

void set_globals_source(lua_State* L) {
  lua_getmetatable(L, LUA_GLOBALSINDEX);
  lua_insert(L, -2);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
}

void set_protected_global(lua_State* L, const char* name) {
  lua_getfield(L, LUA_REGISTRYINDEX, kRealGlobals);
  lua_insert(L, -2);
  lua_setfield(L, -2, name);
  lua_pop(L, 1);
}

}  // namespace fkvs::scripting
