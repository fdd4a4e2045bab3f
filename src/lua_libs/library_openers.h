#pragma once

#include <lua.hpp>

// Each opener sets one global table in L, as Redis loads its libraries.
namespace fkvs::lua_libs {

void open_cjson(lua_State* L);
void open_bit(lua_State* L);
void open_cmsgpack(lua_State* L);
void open_struct(lua_State* L);

}  // namespace fkvs::lua_libs
