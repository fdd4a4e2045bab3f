#include "lua_libs_eval.h"

#include <lua.hpp>

#include "lua_libs/script_libraries.h"

namespace fkvs::test {

std::string lua_libs_eval(const std::string& expression) {
  lua_State* L = luaL_newstate();
  const luaL_Reg base_libraries[] = {
      {"", luaopen_base},
      {LUA_TABLIBNAME, luaopen_table},
      {LUA_STRLIBNAME, luaopen_string},
      {LUA_MATHLIBNAME, luaopen_math},
  };
  for (const luaL_Reg& library : base_libraries) {
    lua_pushcfunction(L, library.func);
    lua_pushstring(L, library.name);
    lua_call(L, 1, 0);
  }
  open_script_libraries(L);
  std::string chunk =
      "local function H(s) return (string.gsub(s, '.', function(c) "
      "return string.format('%02x', string.byte(c)) end)) end "
      "return tostring(" +
      expression + ")";
  std::string result;
  if (luaL_loadbuffer(L, chunk.data(), chunk.size(), "@user_script") != 0 ||
      lua_pcall(L, 0, 1, 0) != 0) {
    const char* message = lua_tostring(L, -1);
    result = "error: " + std::string(message ? message : "(not a string)");
  } else {
    result = lua_tostring(L, -1);
  }
  lua_close(L);
  return result;
}

}  // namespace fkvs::test
