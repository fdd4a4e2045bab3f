// cjson is Debian's lua-cjson 2.1.0, the release Redis 7.0 bundles. Its
// defaults are the settings Redis 7.0.15 runs with (depth limits of 1000,
// 14 significant digits, the kept encode buffer, the sparse-array ratio), and
// 7.0 has no array metatable (decode_array_with_array_mt came in 7.2).
//
// 2.1.0 sizes its buffers with int: a string over ~358 MB overflows the heap
// (CVE-2022-24834, fixed in Redis's copy in 7.0.12) and text past 2 GB kills
// the process. Debian's package lacks the fix, so encode and decode are
// wrapped: encode first walks the value in the encoder's order, bounding the
// output, and refuses values whose JSON could outgrow the buffers.
#include <climits>
#include <cmath>
#include <cstddef>

#include "lua_libs/library_openers.h"

extern "C" {
#include <lua-cjson.h>
}

namespace fkvs::lua_libs {
namespace {

// Below the largest size 2.1.0's doubling strbuf reaches without overflowing
// an int (1023 * 2^21).
constexpr size_t kCjsonMaxText = size_t{1} << 30;
// Room a number takes, as 2.1.0 reserves it (FPCONV_G_FMT_BUFSIZE).
constexpr size_t kCjsonNumberRoom = 32;
constexpr const char* kCjsonTooLarge = "Cannot serialise: JSON text too large";

// Upvalues of the wrapped functions.
constexpr int kCjsonOriginal = 1;
constexpr int kCjsonMaxDepthOption = 2;
constexpr int kCjsonSparseOption = 3;

struct CjsonWalk {
  int max_depth;
  bool convert_sparse;
  int sparse_ratio;
  int sparse_safe;
  size_t bound = 0;
  bool too_large = false;

  bool add(size_t bytes) {
    bound += bytes;
    too_large = bound > kCjsonMaxText;
    return !too_large;
  }
};

// How x86-64 converts a double to int: out of range is INT_MIN.
int cjson_to_int(double n) {
  return n >= -2147483648.0 && n < 2147483648.0 ? static_cast<int>(n) : INT_MIN;
}

// The array length cjson 2.1.0 would use for the table on top of the stack:
// > 0 for an array, <= 0 for an object, and whether it raises (excessively
// sparse). 2.1.0 keeps the largest key in an int, so a key of 2^31 or more
// wraps it negative and makes the table an object; mirrored here exactly,
// as the walk must visit what the encoder visits.
int cjson_array_length(lua_State* L, const CjsonWalk& walk, bool* raises) {
  int largest = 0;
  int items = 0;
  int table = lua_gettop(L);
  *raises = false;
  lua_pushnil(L);
  while (lua_next(L, table) != 0) {
    lua_pop(L, 1);
    double key = lua_type(L, -1) == LUA_TNUMBER ? lua_tonumber(L, -1) : 0;
    if (key < 1 || std::floor(key) != key) {
      lua_pop(L, 1);
      return -1;
    }
    if (key > largest) largest = cjson_to_int(key);
    ++items;
  }
  if (walk.sparse_ratio > 0 && largest > items * walk.sparse_ratio && largest > walk.sparse_safe) {
    *raises = !walk.convert_sparse;
    return -1;
  }
  return largest;
}

// Bounds the JSON of the value on top of the stack, visiting it in the
// order the encoder does. Returns false where the encoder would raise (it is
// then left to raise its own error) or the bound passes kCjsonMaxText.
bool cjson_walk_value(lua_State* L, CjsonWalk& walk, int depth) {
  switch (lua_type(L, -1)) {
    case LUA_TSTRING:
      return walk.add(lua_objlen(L, -1) * 6 + 2);  // what 2.1.0 reserves
    case LUA_TNUMBER:
      return walk.add(kCjsonNumberRoom);
    case LUA_TBOOLEAN:
    case LUA_TNIL:
      return walk.add(5);
    case LUA_TLIGHTUSERDATA:
      return lua_touserdata(L, -1) == nullptr && walk.add(4);
    case LUA_TTABLE:
      break;
    default:
      return false;
  }
  if (depth + 1 > walk.max_depth) return false;
  if (!lua_checkstack(L, 3)) return false;
  bool raises;
  int length = cjson_array_length(L, walk, &raises);
  if (raises) return false;
  int table = lua_gettop(L);
  if (length > 0) {
    if (!walk.add(2) || !walk.add(static_cast<size_t>(length))) return false;
    for (int i = 1; i <= length; ++i) {
      lua_rawgeti(L, table, i);
      bool ok = cjson_walk_value(L, walk, depth + 1);
      lua_pop(L, 1);
      if (!ok) return false;
    }
    return true;
  }
  if (!walk.add(2)) return false;
  lua_pushnil(L);
  while (lua_next(L, table) != 0) {
    int key_type = lua_type(L, -2);
    size_t key_room = key_type == LUA_TSTRING ? lua_objlen(L, -2) * 6 + 2 : kCjsonNumberRoom + 2;
    bool ok = (key_type == LUA_TSTRING || key_type == LUA_TNUMBER) && walk.add(key_room + 2) &&
              cjson_walk_value(L, walk, depth + 1);
    lua_pop(L, 1);
    if (!ok) {
      lua_pop(L, 1);
      return false;
    }
  }
  return true;
}

int cjson_option_integer(lua_State* L, int option, int result) {
  lua_pushvalue(L, lua_upvalueindex(option));
  lua_call(L, 0, 3);
  int value = static_cast<int>(lua_tointeger(L, -3 + result));
  lua_pop(L, 3);
  return value;
}

// Runs the wrapped function on this call's arguments. Its errors are raised
// again positioned at the script's line: called from C, luaL_error could not
// see the script.
int cjson_call_original(lua_State* L) {
  int arguments = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(kCjsonOriginal));
  lua_insert(L, 1);
  int status = lua_pcall(L, arguments, LUA_MULTRET, 0);
  if (status == 0) return lua_gettop(L);
  if (status == LUA_ERRRUN && lua_type(L, -1) == LUA_TSTRING) {
    luaL_where(L, 1);
    lua_insert(L, -2);
    lua_concat(L, 2);
  }
  return lua_error(L);
}

int cjson_guarded_encode(lua_State* L) {
  // Checked here so the error names 'encode', as the unwrapped one does.
  luaL_argcheck(L, lua_gettop(L) == 1, 1, "expected 1 argument");
  CjsonWalk walk{};
  walk.max_depth = cjson_option_integer(L, kCjsonMaxDepthOption, 0);
  lua_pushvalue(L, lua_upvalueindex(kCjsonSparseOption));
  lua_call(L, 0, 3);
  walk.convert_sparse = lua_toboolean(L, -3) != 0;
  walk.sparse_ratio = static_cast<int>(lua_tointeger(L, -2));
  walk.sparse_safe = static_cast<int>(lua_tointeger(L, -1));
  lua_pop(L, 3);
  lua_pushvalue(L, 1);
  cjson_walk_value(L, walk, 0);
  lua_settop(L, 1);
  if (walk.too_large) return luaL_error(L, kCjsonTooLarge);
  return cjson_call_original(L);
}

int cjson_guarded_decode(lua_State* L) {
  luaL_argcheck(L, lua_gettop(L) == 1, 1, "expected 1 argument");
  size_t length;
  luaL_checklstring(L, 1, &length);
  // 2.1.0 sizes its scratch buffer from the input length as an int.
  if (length > kCjsonMaxText) return luaL_error(L, "Cannot decode: JSON text too large");
  return cjson_call_original(L);
}

int cjson_guarded_new(lua_State* L);

// Replaces encode, decode and new in the cjson table on top of the stack.
void cjson_guard_module(lua_State* L) {
  lua_getfield(L, -1, "encode");
  lua_getfield(L, -2, "encode_max_depth");
  lua_getfield(L, -3, "encode_sparse_array");
  lua_pushcclosure(L, cjson_guarded_encode, 3);
  lua_setfield(L, -2, "encode");
  lua_getfield(L, -1, "decode");
  lua_pushcclosure(L, cjson_guarded_decode, 1);
  lua_setfield(L, -2, "decode");
  lua_getfield(L, -1, "new");
  lua_pushcclosure(L, cjson_guarded_new, 1);
  lua_setfield(L, -2, "new");
}

// cjson.new() gives an independent instance; it gets the same guards.
int cjson_guarded_new(lua_State* L) {
  lua_pushvalue(L, lua_upvalueindex(kCjsonOriginal));
  lua_call(L, 0, 1);
  cjson_guard_module(L);
  return 1;
}

}  // namespace

void open_cjson(lua_State* L) {
  lua_pushcfunction(L, luaopen_cjson);
  lua_call(L, 0, 1);
  cjson_guard_module(L);
  lua_setglobal(L, "cjson");
}

}  // namespace fkvs::lua_libs
