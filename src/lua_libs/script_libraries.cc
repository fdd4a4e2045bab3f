#include "lua_libs/script_libraries.h"

#include "lua_libs/library_openers.h"

namespace fkvs {

void open_script_libraries(lua_State* L) {
  lua_libs::open_cjson(L);
  lua_libs::open_struct(L);
  lua_libs::open_cmsgpack(L);
  lua_libs::open_bit(L);
}

}  // namespace fkvs
