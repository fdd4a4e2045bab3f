#include "scripting/lua_allocator.h"

#include <doctest/doctest.h>

#include <lua.hpp>
#include <string>

namespace fkvs::scripting {
namespace {

constexpr size_t kTestHeapLimit = 4 * 1024 * 1024;

// Runs chunk under the memory limit; returns its status and leaves its
// result (or error message) as text in result.
int run_limited_chunk(lua_State* L, const char* chunk, std::string& result) {
  REQUIRE(luaL_loadstring(L, chunk) == 0);
  const int status = pcall_within_memory_limit(L, 0, 1, 0);
  const char* text = lua_tostring(L, -1);
  result = text != nullptr ? text : "";
  lua_pop(L, 1);
  return status;
}

size_t lua_heap_bytes(lua_State* L) {
  return static_cast<size_t>(lua_gc(L, LUA_GCCOUNT, 0)) * 1024 +
         static_cast<size_t>(lua_gc(L, LUA_GCCOUNTB, 0));
}

int raise_memory_error_from_c(lua_State* L) { return raise_memory_error(L); }

TEST_CASE("lua allocator: a chunk past the limit gets Lua's memory error, and the next runs") {
  lua_State* L = new_lua_state(kTestHeapLimit);
  REQUIRE(L != nullptr);
  std::string result;
  const size_t before = lua_heap_bytes(L);
  CHECK(run_limited_chunk(L, "local t = {} for i = 1, 1e7 do t['k' .. i] = i end return 1",
                          result) == LUA_ERRMEM);
  CHECK(result == "not enough memory");
  // What the failed chunk took (its strings, the string table they grew)
  // was given back before the call returned.
  CHECK(lua_heap_bytes(L) < before + 16 * 1024);
  CHECK(run_limited_chunk(L, "local t = {} for i = 1, 1000 do t[i] = i end return #t", result) ==
        0);
  CHECK(result == "1000");
  close_lua_state(L);
}

TEST_CASE("lua allocator: a string built past the limit fails, in a protected call") {
  lua_State* L = new_lua_state(kTestHeapLimit);
  luaL_openlibs(L);
  std::string result;
  CHECK(run_limited_chunk(L, "local s = 'x' while true do s = s .. s end", result) == LUA_ERRMEM);
  CHECK(run_limited_chunk(L,
                          "local ok, e = pcall(function() local s = 'x' "
                          "while true do s = s .. s end end) return e",
                          result) == 0);
  CHECK(result == "not enough memory");
  close_lua_state(L);
}

TEST_CASE("lua allocator: outside the protected call the limit does not apply") {
  lua_State* L = new_lua_state(kTestHeapLimit);
  const std::string big(2 * kTestHeapLimit, 'x');
  lua_pushlstring(L, big.data(), big.size());
  CHECK(lua_objlen(L, -1) == big.size());
  lua_pop(L, 1);
  close_lua_state(L);
}

TEST_CASE("lua allocator: raise_memory_error raises Lua's memory error itself") {
  lua_State* L = new_lua_state(kTestHeapLimit);
  lua_pushcfunction(L, raise_memory_error_from_c);
  CHECK(pcall_within_memory_limit(L, 0, 0, 0) == LUA_ERRMEM);
  CHECK(std::string(lua_tostring(L, -1)) == "not enough memory");
  lua_pop(L, 1);
  // Only that one allocation failed.
  lua_pushstring(L, "still allocates");
  CHECK(lua_gettop(L) == 1);
  close_lua_state(L);
}

}  // namespace
}  // namespace fkvs::scripting
