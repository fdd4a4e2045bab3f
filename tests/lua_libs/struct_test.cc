// Expected values recorded from redis-server 7.0.15 with
// EVAL "<H helper> return tostring(<expression>)" 0 (errors without the
// "ERR " prefix and the " script: <sha>, on @user_script:1." suffix).
#include <doctest/doctest.h>

#include "lua_libs_eval.h"

using fkvs::test::lua_libs_eval;

TEST_CASE("lua_libs struct: pack, size and unpack match Redis") {
  // integers, endianness and sizes
  CHECK(lua_libs_eval(R"lua(H(struct.pack('>i2<i2', 1, 2)))lua") == R"lua(00010200)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('bBhHlLT', -1, 255, -2, 65535, -3, 5, 6)))lua") ==
        R"lua(fffffefffffffdffffffffffffff05000000000000000600000000000000)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('>bBhHlLT', -1, 255, -2, 65535, -3, 5, 6)))lua") ==
        R"lua(fffffffefffffffffffffffffffd00000000000000050000000000000006)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('i', 1)))lua") == R"lua(01000000)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('>i3', 2^24 + 5)))lua") == R"lua(000005)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('i16', -2)))lua") ==
        R"lua(feffffffffffffff0000000000000000)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('<i9', -2)))lua") == R"lua(feffffffffffffff00)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('>I5', 2^33 + 1)))lua") == R"lua(0200000001)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('i0', 5)))lua") == R"lua()lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('< > b h', 1, 2)))lua") == R"lua(010002)lua");
  // numbers are truncated and wrapped as C casts do
  CHECK(lua_libs_eval(R"lua(H(struct.pack('b', 300.7)))lua") == R"lua(2c)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('b', -1.5)))lua") == R"lua(ff)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('L', 2^64)))lua") == R"lua(0000000000000000)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('L', 2^63)))lua") == R"lua(0000000000000080)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('L', 1.9e19)))lua") == R"lua(0000000000000000)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('l', -2^63)))lua") == R"lua(0000000000000080)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('l', -2^64)))lua") == R"lua(0000000000000080)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('L', 0/0)))lua") == R"lua(0000000000000080)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('L', math.huge)))lua") == R"lua(0000000000000000)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('L', -math.huge)))lua") == R"lua(0000000000000080)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('B', '7')))lua") == R"lua(07)lua");
  // floats
  CHECK(lua_libs_eval(R"lua(H(struct.pack('f d', 1.5, 0.1)))lua") ==
        R"lua(0000c03f9a9999999999b93f)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('>f >d', 1.5, 0.1)))lua") ==
        R"lua(3fc000003fb999999999999a)lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({struct.unpack('f', struct.pack('f', 0.1))}))lua") ==
        R"lua([0.10000000149012,5])lua");
  CHECK(
      lua_libs_eval(R"lua(cjson.encode({struct.unpack('>d', struct.pack('>d', -2.5e300))}))lua") ==
      R"lua([-2.5e+300,9])lua");
  // strings
  CHECK(lua_libs_eval(R"lua(H(struct.pack('sx c3 c0', 'ab', 'xyz123', 'qq')))lua") ==
        R"lua(6162000078797a7171)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('s', 'a' .. string.char(0) .. 'b')))lua") ==
        R"lua(61006200)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('c', 'ab')))lua") == R"lua(61)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('c0 s', 12, 3)))lua") == R"lua(31323300)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('c5', 'ab')))lua") ==
        R"lua(error: user_script:1: bad argument #3 to 'pack' (string too short))lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('b c5', 1, 'ab')))lua") ==
        R"lua(error: user_script:1: bad argument #4 to 'pack' (string too short))lua");
  // alignment
  CHECK(lua_libs_eval(R"lua(H(struct.pack('!4 b i4 b d', 1, 2, 3, 1.5)))lua") ==
        R"lua(010000000200000003000000000000000000f83f)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('b i4', 1, 2)))lua") == R"lua(0102000000)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('!b i4', 1, 2)))lua") == R"lua(0100000002000000)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('!2 b i4', 1, 2)))lua") == R"lua(010002000000)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('!4 b i3 b', 1, 2, 3)))lua") ==
        R"lua(01000002000003)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('!4 b !2 i4', 1, 2)))lua") == R"lua(010002000000)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('!8 b d', 1, 2)))lua") ==
        R"lua(01000000000000000000000000000040)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('!8 b c3 s h', 1, 'abc', 'z', 9)))lua") ==
        R"lua(016162637a000900)lua");
  // bad formats and arguments
  CHECK(lua_libs_eval(R"lua(struct.pack('=i', 1))lua") ==
        R"lua(error: user_script:1: bad argument #1 to 'pack' (invalid format option '='))lua");
  CHECK(lua_libs_eval(R"lua(struct.pack('y'))lua") ==
        R"lua(error: user_script:1: bad argument #1 to 'pack' (invalid format option 'y'))lua");
  CHECK(lua_libs_eval(R"lua(struct.pack('b y', 1))lua") ==
        R"lua(error: user_script:1: bad argument #1 to 'pack' (invalid format option 'y'))lua");
  CHECK(lua_libs_eval(R"lua(struct.pack('X'))lua") ==
        R"lua(error: user_script:1: bad argument #1 to 'pack' (invalid format option 'X'))lua");
  CHECK(lua_libs_eval(R"lua(struct.pack('i33', 1))lua") ==
        R"lua(error: user_script:1: integral size 33 is larger than limit of 32)lua");
  CHECK(lua_libs_eval(R"lua(struct.pack('i99999999999', 1))lua") ==
        R"lua(error: user_script:1: integral size overflow)lua");
  CHECK(lua_libs_eval(R"lua(struct.pack('!3 b', 1))lua") ==
        R"lua(error: user_script:1: alignment 3 is not a power of 2)lua");
  CHECK(lua_libs_eval(R"lua(struct.pack('!0 b', 1))lua") ==
        R"lua(error: user_script:1: alignment 0 is not a power of 2)lua");
  CHECK(lua_libs_eval(R"lua(struct.pack('i4'))lua") ==
        R"lua(error: user_script:1: bad argument #2 to 'pack' (number expected, got nil))lua");
  CHECK(lua_libs_eval(R"lua(struct.pack('i4', 'x'))lua") ==
        R"lua(error: user_script:1: bad argument #2 to 'pack' (number expected, got string))lua");
  CHECK(lua_libs_eval(R"lua(struct.pack('s', {}))lua") ==
        R"lua(error: user_script:1: bad argument #2 to 'pack' (string expected, got table))lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('s', 1)))lua") == R"lua(3100)lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('b', 1, 2)))lua") == R"lua(01)lua");
  CHECK(lua_libs_eval(R"lua(struct.pack())lua") ==
        R"lua(error: user_script:1: bad argument #1 to 'pack' (string expected, got no value))lua");
  CHECK(lua_libs_eval(R"lua(H(struct.pack('')))lua") == R"lua()lua");
  // size
  CHECK(lua_libs_eval(R"lua(struct.size('!4 b i4 b d'))lua") == R"lua(20)lua");
  CHECK(lua_libs_eval(R"lua(struct.size('b i'))lua") == R"lua(5)lua");
  CHECK(lua_libs_eval(R"lua(struct.size('T l L h H f d'))lua") == R"lua(40)lua");
  CHECK(lua_libs_eval(R"lua(struct.size('!'))lua") == R"lua(0)lua");
  CHECK(lua_libs_eval(R"lua(struct.size('! b d'))lua") == R"lua(16)lua");
  CHECK(lua_libs_eval(R"lua(struct.size('! b f'))lua") == R"lua(8)lua");
  CHECK(lua_libs_eval(R"lua(struct.size('!8 b i16'))lua") == R"lua(24)lua");
  CHECK(lua_libs_eval(R"lua(struct.size('!64 b i16'))lua") == R"lua(32)lua");
  CHECK(lua_libs_eval(R"lua(struct.size('!2 b i3 b i3'))lua") == R"lua(9)lua");
  CHECK(lua_libs_eval(R"lua(struct.size('c7 x'))lua") == R"lua(8)lua");
  CHECK(lua_libs_eval(R"lua(struct.size('i0'))lua") == R"lua(0)lua");
  CHECK(lua_libs_eval(R"lua(struct.size('y'))lua") == R"lua(0)lua");
  CHECK(lua_libs_eval(R"lua(struct.size('y i4'))lua") == R"lua(4)lua");
  CHECK(lua_libs_eval(R"lua(struct.size('s'))lua") ==
        R"lua(error: user_script:1: bad argument #1 to 'size' (option 's' has no fixed size))lua");
  CHECK(lua_libs_eval(R"lua(struct.size('c0'))lua") ==
        R"lua(error: user_script:1: bad argument #1 to 'size' (option 'c0' has no fixed size))lua");
  CHECK(lua_libs_eval(R"lua(struct.size('i33'))lua") ==
        R"lua(error: user_script:1: integral size 33 is larger than limit of 32)lua");
  CHECK(lua_libs_eval(R"lua(struct.size('!3'))lua") ==
        R"lua(error: user_script:1: alignment 3 is not a power of 2)lua");
  CHECK(lua_libs_eval(R"lua(struct.size('!0 b i4'))lua") ==
        R"lua(error: user_script:1: alignment 0 is not a power of 2)lua");
  CHECK(lua_libs_eval(R"lua(struct.size('='))lua") ==
        R"lua(error: user_script:1: bad argument #1 to 'size' (invalid format option '='))lua");
  CHECK(lua_libs_eval(R"lua(struct.size('i99999999999'))lua") ==
        R"lua(error: user_script:1: integral size overflow)lua");
  CHECK(lua_libs_eval(R"lua(struct.size())lua") ==
        R"lua(error: user_script:1: bad argument #1 to 'size' (string expected, got no value))lua");
  // unpack
  CHECK(
      lua_libs_eval(R"lua(cjson.encode({struct.unpack('>i2<i2', string.char(0, 1, 2, 0))}))lua") ==
      R"lua([1,2,5])lua");
  CHECK(
      lua_libs_eval(
          R"lua(cjson.encode({struct.unpack('bBhH', string.char(255, 255, 254, 255, 255, 255))}))lua") ==
      R"lua([-1,255,-2,65535,7])lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({struct.unpack('<i3', string.char(0, 0, 0x80))}))lua") ==
        R"lua([-8388608,4])lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({struct.unpack('<I3', string.char(0, 0, 0x80))}))lua") ==
        R"lua([8388608,4])lua");
  CHECK(
      lua_libs_eval(
          R"lua(string.format('%.17g', struct.unpack('<i8', string.char(0, 0, 0, 0, 0, 0, 0, 0x80))))lua") ==
      R"lua(-9.2233720368547758e+18)lua");
  CHECK(
      lua_libs_eval(
          R"lua(string.format('%.17g', struct.unpack('<I8', string.char(0, 0, 0, 0, 0, 0, 0, 0x80))))lua") ==
      R"lua(9.2233720368547758e+18)lua");
  CHECK(
      lua_libs_eval(
          R"lua(string.format('%.17g', struct.unpack('>l', string.char(0x80, 0, 0, 0, 0, 0, 0, 1))))lua") ==
      R"lua(-9.2233720368547758e+18)lua");
  CHECK(lua_libs_eval(
            R"lua(cjson.encode({struct.unpack('>i16', string.rep(string.char(255), 16))}))lua") ==
        R"lua([-1,17])lua");
  CHECK(
      lua_libs_eval(
          R"lua(string.format('%.17g', struct.unpack('>I16', string.rep(string.char(255), 16))))lua") ==
      R"lua(1.8446744073709552e+19)lua");
  CHECK(
      lua_libs_eval(
          R"lua(cjson.encode({struct.unpack('<i9', string.rep(string.char(255), 8) .. string.char(0))}))lua") ==
      R"lua([-1,10])lua");
  CHECK(
      lua_libs_eval(
          R"lua(cjson.encode({struct.unpack('<i9', string.char(0x80, 0, 0, 0, 0, 0, 0, 0, 0))}))lua") ==
      R"lua([-128,10])lua");
  CHECK(
      lua_libs_eval(
          R"lua(cjson.encode({struct.unpack('<i9', string.char(0x7f, 0, 0, 0, 0, 0, 0, 0, 0))}))lua") ==
      R"lua([127,10])lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({struct.unpack('i0', 'a')}))lua") == R"lua([0,1])lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({struct.unpack('b c0', string.char(3) .. 'abcd')}))lua") ==
        R"lua(["abc",5])lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({struct.unpack('b c0', string.char(0))}))lua") ==
        R"lua(["",2])lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({struct.unpack('c1 c0', '3abc')}))lua") ==
        R"lua(["abc",5])lua");
  CHECK(
      lua_libs_eval(R"lua(cjson.encode({struct.unpack('b c0', string.char(2) .. 'abc', 1)}))lua") ==
      R"lua(["ab",4])lua");
  CHECK(lua_libs_eval(R"lua(struct.unpack('b c0', string.char(5) .. 'ab'))lua") ==
        R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua");
  CHECK(lua_libs_eval(R"lua(struct.unpack('c0', 'abc'))lua") ==
        R"lua(error: user_script:1: format 'c0' needs a previous size)lua");
  CHECK(lua_libs_eval(R"lua(struct.unpack('c0', '1'))lua") ==
        R"lua(error: user_script:1: format 'c0' needs a previous size)lua");
  CHECK(lua_libs_eval(R"lua(struct.unpack('c0', 'abc', 2))lua") ==
        R"lua(error: user_script:1: format 'c0' needs a previous size)lua");
  CHECK(lua_libs_eval(R"lua(struct.unpack('s c0', 'ab' .. string.char(0) .. 'cd'))lua") ==
        R"lua(error: user_script:1: format 'c0' needs a previous size)lua");
  CHECK(
      lua_libs_eval(
          R"lua(cjson.encode({struct.unpack('s s', 'ab' .. string.char(0) .. 'cd' .. string.char(0))}))lua") ==
      R"lua(["ab","cd",7])lua");
  CHECK(lua_libs_eval(R"lua(struct.unpack('s', 'abc'))lua") ==
        R"lua(error: user_script:1: unfinished string in data)lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({struct.unpack('c', 'abc')}))lua") == R"lua(["a",2])lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({struct.unpack('c2 c', 'abc')}))lua") ==
        R"lua(["ab","c",4])lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({struct.unpack('bx b', 'abc')}))lua") ==
        R"lua([97,99,4])lua");
  CHECK(
      lua_libs_eval(
          R"lua(cjson.encode({struct.unpack('!4 b i4', string.char(1, 9, 9, 9, 2, 0, 0, 0))}))lua") ==
      R"lua([1,2,9])lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({struct.unpack('b', 'abc', 2)}))lua") ==
        R"lua([98,3])lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({struct.unpack('b', 'abc', 2.9)}))lua") ==
        R"lua([98,3])lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({struct.unpack('', 'abc', 10)}))lua") == R"lua([10])lua");
  CHECK(lua_libs_eval(R"lua(struct.unpack('b', 'abc', 4))lua") ==
        R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua");
  CHECK(lua_libs_eval(R"lua(struct.unpack('b', 'abc', 0))lua") ==
        R"lua(error: user_script:1: bad argument #3 to 'unpack' (offset must be 1 or greater))lua");
  CHECK(lua_libs_eval(R"lua(struct.unpack('b', 'abc', -1))lua") ==
        R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua");
  CHECK(lua_libs_eval(R"lua(struct.unpack('i4', 'ab'))lua") ==
        R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua");
  CHECK(
      lua_libs_eval(R"lua(struct.unpack('b'))lua") ==
      R"lua(error: user_script:1: bad argument #2 to 'unpack' (string expected, got no value))lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({struct.unpack('b', 12)}))lua") == R"lua([49,2])lua");
  CHECK(lua_libs_eval(R"lua(struct.unpack('y', 'a'))lua") ==
        R"lua(error: user_script:1: bad argument #1 to 'unpack' (invalid format option 'y'))lua");
  CHECK(
      lua_libs_eval(
          R"lua(cjson.encode({struct.unpack('>I2 s d', struct.pack('>I2 s d', 513, 'hi', 0.5))}))lua") ==
      R"lua([513,"hi",0.5,14])lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({struct.unpack('', 'abc', -1)}))lua") == R"lua([-1])lua");
  CHECK(lua_libs_eval(R"lua(struct.pack('i4 i4', 1))lua") ==
        R"lua(error: user_script:1: bad argument #3 to 'pack' (number expected, got nil))lua");
  CHECK(lua_libs_eval(R"lua(struct.pack('i4 i4 i4', 1))lua") ==
        R"lua(error: user_script:1: bad argument #3 to 'pack' (number expected, got nil))lua");
  CHECK(lua_libs_eval(R"lua(struct.pack(string.rep('b', 1200), 1))lua") ==
        R"lua(error: user_script:1: bad argument #3 to 'pack' (number expected, got nil))lua");
  CHECK(lua_libs_eval(R"lua(struct.pack('c0 b', string.rep('z', 9000)))lua") ==
        R"lua(error: user_script:1: bad argument #3 to 'pack' (number expected, got nil))lua");
  // as many results as Lua's C stack limit allows Redis's copy
  CHECK(lua_libs_eval(
            R"lua(select('#', struct.unpack(string.rep('b', 7997), string.rep('a', 9000))))lua") ==
        R"lua(7998)lua");
  CHECK(lua_libs_eval(
            R"lua(select('#', struct.unpack(string.rep('b', 7998), string.rep('a', 9000))))lua") ==
        R"lua(error: user_script:1: stack overflow (too many results))lua");
  CHECK(
      lua_libs_eval(
          R"lua(select('#', struct.unpack(string.rep('b', 7996), string.rep('a', 9000), 1)))lua") ==
      R"lua(7997)lua");
  CHECK(
      lua_libs_eval(
          R"lua(select('#', struct.unpack(string.rep('b', 7997), string.rep('a', 9000), 1)))lua") ==
      R"lua(error: user_script:1: stack overflow (too many results))lua");
}
