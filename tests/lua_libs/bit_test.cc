// Expected values recorded from redis-server 7.0.15 with
// EVAL "<H helper> return tostring(<expression>)" 0 (errors without the
// "ERR " prefix and the " script: <sha>, on @user_script:1." suffix).
#include <doctest/doctest.h>

#include "lua_libs_eval.h"

using fkvs::test::lua_libs_eval;

TEST_CASE("lua_libs bit: operations match Redis") {
  CHECK(lua_libs_eval(R"lua(bit.tobit(2^32 + 5))lua") == R"lua(5)lua");
  CHECK(lua_libs_eval(R"lua(bit.tobit(0xffffffff))lua") == R"lua(-1)lua");
  CHECK(lua_libs_eval(R"lua(bit.tobit(-1))lua") == R"lua(-1)lua");
  CHECK(lua_libs_eval(R"lua(bit.band(0xffffffff, 2^40 + 3))lua") == R"lua(3)lua");
  CHECK(lua_libs_eval(R"lua(bit.bor(1, 2, 4, 8))lua") == R"lua(15)lua");
  CHECK(lua_libs_eval(R"lua(bit.bxor(5, 3, 1))lua") == R"lua(7)lua");
  CHECK(lua_libs_eval(R"lua(bit.bnot(0))lua") == R"lua(-1)lua");
  CHECK(lua_libs_eval(R"lua(bit.lshift(1, 31))lua") == R"lua(-2147483648)lua");
  CHECK(lua_libs_eval(R"lua(bit.lshift(1, 32))lua") == R"lua(1)lua");
  CHECK(lua_libs_eval(R"lua(bit.rshift(-1, 28))lua") == R"lua(15)lua");
  CHECK(lua_libs_eval(R"lua(bit.arshift(-256, 4))lua") == R"lua(-16)lua");
  CHECK(lua_libs_eval(R"lua(bit.rol(0x12345678, 8))lua") == R"lua(878082066)lua");
  CHECK(lua_libs_eval(R"lua(bit.ror(0x12345678, 8))lua") == R"lua(2014458966)lua");
  CHECK(lua_libs_eval(R"lua(bit.bswap(0x12345678))lua") == R"lua(2018915346)lua");
  CHECK(lua_libs_eval(R"lua(bit.tohex(255))lua") == R"lua(000000ff)lua");
  CHECK(lua_libs_eval(R"lua(bit.tohex(-1))lua") == R"lua(ffffffff)lua");
  CHECK(lua_libs_eval(R"lua(bit.tohex(255, 2))lua") == R"lua(ff)lua");
  CHECK(lua_libs_eval(R"lua(bit.tohex(255, 12))lua") == R"lua(000000ff)lua");
  CHECK(lua_libs_eval(R"lua(bit.tohex(-1, -3))lua") == R"lua(FFF)lua");
  CHECK(lua_libs_eval(R"lua(bit.tohex(65535, -2147483648))lua") == R"lua(0000FFFF)lua");
  CHECK(lua_libs_eval(R"lua(bit.tohex(65535, 2147483647))lua") == R"lua(0000ffff)lua");
  CHECK(lua_libs_eval(R"lua(bit.tohex(0x1234, 0))lua") == R"lua()lua");
  CHECK(lua_libs_eval(R"lua(bit.band())lua") ==
        R"lua(error: user_script:1: bad argument #1 to 'band' (number expected, got no value))lua");
  CHECK(lua_libs_eval(R"lua(bit.band('x'))lua") ==
        R"lua(error: user_script:1: bad argument #1 to 'band' (number expected, got string))lua");
  CHECK(lua_libs_eval(R"lua(bit.tobit('12'))lua") == R"lua(12)lua");
  CHECK(lua_libs_eval(R"lua(bit.tobit(1.5))lua") == R"lua(2)lua");
  CHECK(lua_libs_eval(R"lua(bit.tobit(2.5))lua") == R"lua(2)lua");
  CHECK(lua_libs_eval(R"lua(bit.tobit(-1.5))lua") == R"lua(-2)lua");
}
