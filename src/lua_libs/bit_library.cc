// bit is Debian's LuaBitOp 1.0.2, as Redis bundles, with tohex replaced:
// 1.0.2 overruns its buffer when the digit count is -2^31, which Redis 7.0.15
// answers as -8 (eight uppercase digits).
#include <cstdint>

#include "lua_libs/library_openers.h"

extern "C" {
#include <lua-bitop.h>
}

namespace fkvs::lua_libs {
namespace {

// LuaBitOp's conversion: a number to its low 32 bits, wrapping as modular
// arithmetic (2^32 + 5 is 5), through the double's mantissa.
uint32_t bit_argument(lua_State* L, int index) {
  double shifted = luaL_checknumber(L, index) + 6755399441055744.0;  // 2^52 + 2^51
  uint64_t bits;
  static_assert(sizeof(bits) == sizeof(shifted));
  __builtin_memcpy(&bits, &shifted, sizeof(bits));
  return static_cast<uint32_t>(bits);
}

int bit_tohex(lua_State* L) {
  uint32_t value = bit_argument(L, 1);
  int32_t digits = lua_isnone(L, 2) ? 8 : static_cast<int32_t>(bit_argument(L, 2));
  const char* alphabet = "0123456789abcdef";
  if (digits < 0) {
    digits = digits == INT32_MIN ? INT32_MAX : -digits;
    alphabet = "0123456789ABCDEF";
  }
  if (digits > 8) digits = 8;
  char text[8];
  for (int i = digits - 1; i >= 0; --i) {
    text[i] = alphabet[value & 15];
    value >>= 4;
  }
  lua_pushlstring(L, text, static_cast<size_t>(digits));
  return 1;
}

}  // namespace

void open_bit(lua_State* L) {
  // luaopen_bit registers the global itself (luaL_register with a name).
  lua_pushcfunction(L, luaopen_bit);
  lua_call(L, 0, 1);
  lua_pushcfunction(L, bit_tohex);
  lua_setfield(L, -2, "tohex");
  lua_pop(L, 1);
}

}  // namespace fkvs::lua_libs
