#include "scripting/pattern_depth_limit.h"

#include <algorithm>
#include <lua.hpp>

#include "scripting/lua_allocator.h"

namespace fkvs::scripting {
namespace {

constexpr char kPatternEscape = '%';

// Where the single-character class that starts at pattern[i] ends: an
// escape, a set in brackets, or one character.
size_t class_end(std::string_view pattern, size_t i) {
  if (pattern[i] == kPatternEscape) return std::min(i + 2, pattern.size());
  if (pattern[i] != '[') return i + 1;
  ++i;
  if (i < pattern.size() && pattern[i] == '^') ++i;
  // The first character closes no set: "[]]" holds ']'.
  do {
    if (i >= pattern.size()) return pattern.size();
    if (pattern[i] == kPatternEscape) ++i;
    ++i;
  } while (i < pattern.size() && pattern[i] != ']');
  return std::min(i + 1, pattern.size());
}

bool is_quantifier(char c) { return c == '?' || c == '*' || c == '+' || c == '-'; }

// The library function the wrapper stands for.
int library_function_index() { return lua_upvalueindex(1); }

// The message handler of the library call: an error the library function
// raised itself (a malformed pattern) took its position from the wrapper,
// a C function, so it has none; it gets the script's, as when the script
// calls the library directly. Errors from a gsub callback pass unchanged.
int add_script_position(lua_State* L) {
  lua_Debug raiser;
  if (!lua_isstring(L, 1) || lua_getstack(L, 1, &raiser) == 0) return 1;
  lua_getinfo(L, "f", &raiser);
  const bool raised_by_library = lua_rawequal(L, -1, library_function_index()) != 0;
  lua_pop(L, 1);
  if (!raised_by_library) return 1;
  // Level 2 is the wrapper, level 3 the script that called it.
  luaL_where(L, 3);
  lua_insert(L, 1);
  lua_concat(L, 2);
  return 1;
}

// Calls the library function with the wrapper's arguments and returns its results.
int call_library_function(lua_State* L) {
  const int argc = lua_gettop(L);
  lua_pushvalue(L, library_function_index());
  lua_pushcclosure(L, add_script_position, 1);
  lua_insert(L, 1);
  lua_pushvalue(L, library_function_index());
  lua_insert(L, 2);
  const int status = lua_pcall(L, argc, LUA_MULTRET, 1);
  if (status == LUA_ERRMEM) return raise_memory_error(L);
  if (status != 0) return lua_error(L);
  return lua_gettop(L) - 1;
}

void check_pattern_depth(lua_State* L, int pattern_index) {
  size_t length = 0;
  const char* pattern = lua_tolstring(L, pattern_index, &length);
  if (pattern_depth_bound(std::string_view(pattern, length)) > kMaxPatternDepth) {
    luaL_error(L, "pattern too complex");
  }
}

// Each wrapper checks its arguments first, in the library's order and with
// its messages, so an argument error names the function the script called.

int limited_find(lua_State* L) {
  luaL_checkstring(L, 1);
  luaL_checkstring(L, 2);
  luaL_optinteger(L, 3, 1);
  if (!lua_toboolean(L, 4)) check_pattern_depth(L, 2);
  return call_library_function(L);
}

int limited_match(lua_State* L) {
  luaL_checkstring(L, 1);
  luaL_checkstring(L, 2);
  luaL_optinteger(L, 3, 1);
  check_pattern_depth(L, 2);
  return call_library_function(L);
}

int limited_gmatch(lua_State* L) {
  luaL_checkstring(L, 1);
  luaL_checkstring(L, 2);
  check_pattern_depth(L, 2);
  return call_library_function(L);
}

int limited_gsub(lua_State* L) {
  size_t length = 0;
  luaL_checklstring(L, 1, &length);
  luaL_checkstring(L, 2);
  const int replacement = lua_type(L, 3);
  luaL_optinteger(L, 4, static_cast<lua_Integer>(length) + 1);
  luaL_argcheck(L,
                replacement == LUA_TNUMBER || replacement == LUA_TSTRING ||
                    replacement == LUA_TFUNCTION || replacement == LUA_TTABLE,
                3, "string/function/table expected");
  check_pattern_depth(L, 2);
  return call_library_function(L);
}

void wrap_library_function(lua_State* L, const char* name, lua_CFunction wrapper) {
  lua_getfield(L, -1, name);
  lua_pushcclosure(L, wrapper, 1);
  lua_setfield(L, -2, name);
}

}  // namespace

size_t pattern_depth_bound(std::string_view pattern) {
  // One level per capture bracket and per quantified single-character
  // class; the other items the matcher takes in a loop. It never gets past
  // the capture after LUA_MAXCAPTURES ("too many captures"), nor closes
  // more than it opened ("invalid pattern capture").
  size_t depth = 1;
  size_t opened = 0;
  size_t closed = 0;
  size_t i = 0;
  while (i < pattern.size()) {
    const char c = pattern[i];
    if (c == '(' && opened == LUA_MAXCAPTURES) break;
    if (c == '(' || c == ')') {
      ++(c == '(' ? opened : closed);
      ++i;
      continue;
    }
    if (c == kPatternEscape && i + 1 < pattern.size() && pattern[i + 1] == 'b') {
      i += 4;
      continue;
    }
    if (c == kPatternEscape && i + 1 < pattern.size() && pattern[i + 1] == 'f') {
      i += 2;
      if (i < pattern.size()) i = class_end(pattern, i);
      continue;
    }
    i = class_end(pattern, i);
    if (i < pattern.size() && is_quantifier(pattern[i])) {
      ++depth;
      ++i;
    }
  }
  return depth + opened + std::min(closed, opened + 1);
}

void limit_pattern_depth(lua_State* L) {
  lua_getglobal(L, LUA_STRLIBNAME);
  wrap_library_function(L, "find", limited_find);
  wrap_library_function(L, "match", limited_match);
  wrap_library_function(L, "gmatch", limited_gmatch);
  wrap_library_function(L, "gsub", limited_gsub);
  lua_pop(L, 1);
}

}  // namespace fkvs::scripting
