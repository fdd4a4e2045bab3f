// Expected values recorded from redis-server 7.0.15 with
// EVAL "<H helper> return tostring(<expression>)" 0 (errors without the
// "ERR " prefix and the " script: <sha>, on @user_script:1." suffix).
#include "lua_libs/script_libraries.h"

#include <doctest/doctest.h>

#include <set>
#include <string>

#include "lua_libs_eval.h"

using fkvs::test::lua_libs_eval;

TEST_CASE("lua_libs: each library has the fields Redis's has") {
  // each library's fields, as Redis 7.0.15 exposes them
  CHECK(
      lua_libs_eval(
          R"lua((function() local t = {} for k, v in pairs(cjson) do t[#t + 1] = k .. ':' .. type(v) end table.sort(t) return table.concat(t, ' ') end)())lua") ==
      R"lua(_NAME:string _VERSION:string decode:function decode_invalid_numbers:function decode_max_depth:function encode:function encode_invalid_numbers:function encode_keep_buffer:function encode_max_depth:function encode_number_precision:function encode_sparse_array:function new:function null:userdata)lua");
  CHECK(
      lua_libs_eval(
          R"lua((function() local t = {} for k, v in pairs(cmsgpack) do t[#t + 1] = k .. ':' .. type(v) end table.sort(t) return table.concat(t, ' ') end)())lua") ==
      R"lua(_COPYRIGHT:string _DESCRIPTION:string _NAME:string _VERSION:string pack:function unpack:function unpack_limit:function unpack_one:function)lua");
  CHECK(
      lua_libs_eval(
          R"lua((function() local t = {} for k, v in pairs(struct) do t[#t + 1] = k .. ':' .. type(v) end table.sort(t) return table.concat(t, ' ') end)())lua") ==
      R"lua(pack:function size:function unpack:function)lua");
  CHECK(
      lua_libs_eval(
          R"lua((function() local t = {} for k, v in pairs(bit) do t[#t + 1] = k .. ':' .. type(v) end table.sort(t) return table.concat(t, ' ') end)())lua") ==
      R"lua(arshift:function band:function bnot:function bor:function bswap:function bxor:function lshift:function rol:function ror:function rshift:function tobit:function tohex:function)lua");
  CHECK(
      lua_libs_eval(
          R"lua((function() local t = {} for k, v in pairs(cjson.new()) do t[#t + 1] = k .. ':' .. type(v) end table.sort(t) return table.concat(t, ' ') end)())lua") ==
      R"lua(_NAME:string _VERSION:string decode:function decode_invalid_numbers:function decode_max_depth:function encode:function encode_invalid_numbers:function encode_keep_buffer:function encode_max_depth:function encode_number_precision:function encode_sparse_array:function new:function null:userdata)lua");
}

TEST_CASE("lua_libs: open_script_libraries adds exactly the four globals") {
  lua_State* L = luaL_newstate();
  fkvs::open_script_libraries(L);
  std::set<std::string> globals;
  lua_pushnil(L);
  while (lua_next(L, LUA_GLOBALSINDEX) != 0) {
    globals.insert(std::string(lua_tostring(L, -2)) + ":" + luaL_typename(L, -1));
    lua_pop(L, 1);
  }
  lua_close(L);
  CHECK(globals ==
        std::set<std::string>{"bit:table", "cjson:table", "cmsgpack:table", "struct:table"});
}
