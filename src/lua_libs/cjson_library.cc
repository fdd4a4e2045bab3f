// cjson is Debian's lua-cjson 2.1.0, the release Redis 7.0 bundles. Its
// defaults are the settings Redis 7.0.15 runs with (depth limits of 1000,
// 14 significant digits, the kept encode buffer, the sparse-array ratio), and
// 7.0 has no array metatable (decode_array_with_array_mt came in 7.2).
#include "lua_libs/library_openers.h"

extern "C" {
#include <lua-cjson.h>
}

namespace fkvs::lua_libs {

void open_cjson(lua_State* L) {
  lua_pushcfunction(L, luaopen_cjson);
  lua_call(L, 0, 1);
  lua_setglobal(L, "cjson");
}

}  // namespace fkvs::lua_libs
