#pragma once

#include <lua.hpp>

namespace fkvs {

// Registers the libraries Redis 7.0 scripts find as globals: cjson, cmsgpack,
// bit and struct, each behaving as the copy redis-server 7.0.15 bundles.
// Call once on a fresh state, before any sandboxing of the globals.
void open_script_libraries(lua_State* L);

}  // namespace fkvs
