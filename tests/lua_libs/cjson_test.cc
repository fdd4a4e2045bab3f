// Expected values recorded from redis-server 7.0.15 with
// EVAL "<H helper> return tostring(<expression>)" 0 (errors without the
// "ERR " prefix and the " script: <sha>, on @user_script:1." suffix).
#include <doctest/doctest.h>

#include "lua_libs_eval.h"

using fkvs::test::lua_libs_eval;

TEST_CASE("lua_libs cjson: settings, encode, decode and limits match Redis") {
  // settings Redis 7.0.15 runs with
  CHECK(
      lua_libs_eval(
          R"lua(cjson.encode_max_depth() .. ' ' .. cjson.decode_max_depth() .. ' ' .. cjson.encode_number_precision())lua") ==
      R"lua(1000 1000 14)lua");
  CHECK(
      lua_libs_eval(
          R"lua(tostring(cjson.encode_keep_buffer()) .. ' ' .. tostring(cjson.encode_invalid_numbers()) .. ' ' .. tostring(cjson.decode_invalid_numbers()))lua") ==
      R"lua(true false true)lua");
  CHECK(
      lua_libs_eval(
          R"lua(table.concat({tostring(cjson.encode_sparse_array())}, ' ') .. ' ' .. select(2, cjson.encode_sparse_array()) .. ' ' .. select(3, cjson.encode_sparse_array()))lua") ==
      R"lua(false 2 10)lua");
  CHECK(lua_libs_eval(R"lua(cjson._NAME .. ' ' .. cjson._VERSION)lua") == R"lua(cjson 2.1.0)lua");
  CHECK(lua_libs_eval(R"lua(type(cjson.null) .. ' ' .. type(cjson.new))lua") ==
        R"lua(userdata function)lua");
  CHECK(
      lua_libs_eval(
          R"lua(cjson.decode_array_with_array_mt == nil and cjson.array_mt == nil and cjson.empty_array == nil)lua") ==
      R"lua(true)lua");
  // encode
  CHECK(lua_libs_eval(R"lua(cjson.encode({1, 2, {a=1}}))lua") == R"lua([1,2,{"a":1}])lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({}))lua") == R"lua({})lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({{}, {{}}}))lua") == R"lua([{},[{}]])lua");
  CHECK(
      lua_libs_eval(
          R"lua(H(cjson.encode('a"b\\c/d' .. string.char(0, 1, 8, 9, 10, 12, 13, 31, 127, 200))))lua") ==
      R"lua(22615c22625c5c635c2f645c75303030305c75303030315c625c745c6e5c665c725c75303031665c7530303766c822)lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode(cjson.null))lua") == R"lua(null)lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode(nil))lua") == R"lua(null)lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode(true))lua") == R"lua(true)lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({a=cjson.null}))lua") == R"lua({"a":null})lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({[1]=1, [2]=2, [4]=4}))lua") == R"lua([1,2,null,4])lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({[1]=1, [5]=5}))lua") == R"lua([1,null,null,null,5])lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({[1]=1, [11]=11}))lua") ==
        R"lua(error: user_script:1: Cannot serialise table: excessively sparse array)lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({[1]=1, [2]=2, [3]=3, [20]=20}))lua") ==
        R"lua(error: user_script:1: Cannot serialise table: excessively sparse array)lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({[0]=1}))lua") == R"lua({"0":1})lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({[1.5]=1}))lua") == R"lua({"1.5":1})lua");
  CHECK(
      lua_libs_eval(R"lua(cjson.encode({[true]=1}))lua") ==
      R"lua(error: user_script:1: Cannot serialise boolean: table key must be a number or string)lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({[1]=1, a=2}))lua") == R"lua({"1":1,"a":2})lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({[5]='x', [6]='y', [3]='z'}))lua") ==
        R"lua([null,null,"z",null,"x","y"])lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode(string.len))lua") ==
        R"lua(error: user_script:1: Cannot serialise function: type not supported)lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({f=string.len}))lua") ==
        R"lua(error: user_script:1: Cannot serialise function: type not supported)lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode())lua") ==
        R"lua(error: user_script:1: bad argument #1 to 'encode' (expected 1 argument))lua");
  // numbers: %.14g
  CHECK(
      lua_libs_eval(
          R"lua(cjson.encode({0.1, 1/3, 100, 1e15, 1e16, 123456789012345678, 2^53, -2^63, 1e300, 5e-324, -0.0}))lua") ==
      R"lua([0.1,0.33333333333333,100,1e+15,1e+16,1.2345678901235e+17,9.007199254741e+15,-9.2233720368548e+18,1e+300,4.9406564584125e-324,-0])lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode(3.14159265358979))lua") == R"lua(3.1415926535898)lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode(12345678901234))lua") == R"lua(12345678901234)lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode(123456789012345))lua") == R"lua(1.2345678901234e+14)lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode(0/0))lua") ==
        R"lua(error: user_script:1: Cannot serialise number: must not be NaN or Inf)lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode(math.huge))lua") ==
        R"lua(error: user_script:1: Cannot serialise number: must not be NaN or Inf)lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode(-math.huge))lua") ==
        R"lua(error: user_script:1: Cannot serialise number: must not be NaN or Inf)lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({x=0/0}))lua") ==
        R"lua(error: user_script:1: Cannot serialise number: must not be NaN or Inf)lua");
  // decode
  CHECK(lua_libs_eval(
            R"lua(cjson.encode(cjson.decode('[1,2,{"a":[]},{},null,true,false,"x"]')))lua") ==
        R"lua([1,2,{"a":{}},{},null,true,false,"x"])lua");
  CHECK(lua_libs_eval(R"lua(cjson.decode('{"a":1}').a)lua") == R"lua(1)lua");
  CHECK(lua_libs_eval(R"lua(cjson.decode('[1,null,3]')[2] == cjson.null)lua") == R"lua(true)lua");
  CHECK(lua_libs_eval(R"lua(#cjson.decode('[1,null,3]'))lua") == R"lua(3)lua");
  CHECK(lua_libs_eval(R"lua(H(cjson.decode('"\\u00e9\\ud83d\\ude00\\n\\/"')))lua") ==
        R"lua(c3a9f09f98800a2f)lua");
  CHECK(lua_libs_eval(R"lua(cjson.decode('123456789012345678') == 123456789012345678)lua") ==
        R"lua(true)lua");
  CHECK(lua_libs_eval(R"lua(string.format('%.17g', cjson.decode('1.5e300')))lua") ==
        R"lua(1.5000000000000001e+300)lua");
  CHECK(lua_libs_eval(R"lua(string.format('%.17g', cjson.decode('-0')))lua") == R"lua(-0)lua");
  CHECK(lua_libs_eval(R"lua(cjson.decode('1e999'))lua") == R"lua(inf)lua");
  CHECK(lua_libs_eval(R"lua(cjson.decode('-1e999'))lua") == R"lua(-inf)lua");
  CHECK(lua_libs_eval(R"lua(cjson.decode('nan'))lua") == R"lua(nan)lua");
  CHECK(lua_libs_eval(R"lua(cjson.decode('NaN'))lua") == R"lua(nan)lua");
  CHECK(lua_libs_eval(R"lua(cjson.decode('Infinity'))lua") == R"lua(inf)lua");
  CHECK(lua_libs_eval(R"lua(cjson.decode('-inf'))lua") == R"lua(-inf)lua");
  CHECK(lua_libs_eval(R"lua(cjson.decode('0x10'))lua") == R"lua(16)lua");
  CHECK(lua_libs_eval(R"lua(cjson.decode('  7  '))lua") == R"lua(7)lua");
  CHECK(lua_libs_eval(R"lua(cjson.decode(''))lua") ==
        R"lua(error: user_script:1: Expected value but found T_END at character 1)lua");
  CHECK(
      lua_libs_eval(R"lua(cjson.decode('[1,2'))lua") ==
      R"lua(error: user_script:1: Expected comma or array end but found T_END at character 5)lua");
  CHECK(lua_libs_eval(R"lua(cjson.decode('[1,]'))lua") ==
        R"lua(error: user_script:1: Expected value but found T_ARR_END at character 4)lua");
  CHECK(lua_libs_eval(R"lua(cjson.decode('{"a" 1}'))lua") ==
        R"lua(error: user_script:1: Expected colon but found T_NUMBER at character 6)lua");
  CHECK(
      lua_libs_eval(R"lua(cjson.decode('{1:2}'))lua") ==
      R"lua(error: user_script:1: Expected object key string but found T_NUMBER at character 2)lua");
  CHECK(
      lua_libs_eval(R"lua(cjson.decode('"abc'))lua") ==
      R"lua(error: user_script:1: Expected value but found unexpected end of string at character 5)lua");
  CHECK(
      lua_libs_eval(R"lua(cjson.decode('"\\x"'))lua") ==
      R"lua(error: user_script:1: Expected value but found invalid escape code at character 2)lua");
  CHECK(
      lua_libs_eval(R"lua(cjson.decode('"\\ud800"'))lua") ==
      R"lua(error: user_script:1: Expected value but found invalid unicode escape code at character 2)lua");
  CHECK(lua_libs_eval(R"lua(cjson.decode('[1] x'))lua") ==
        R"lua(error: user_script:1: Expected the end but found invalid token at character 5)lua");
  CHECK(lua_libs_eval(R"lua(cjson.decode('tru'))lua") ==
        R"lua(error: user_script:1: Expected value but found invalid token at character 1)lua");
  CHECK(lua_libs_eval(R"lua(cjson.decode(12))lua") == R"lua(12)lua");
  CHECK(lua_libs_eval(R"lua(cjson.decode())lua") ==
        R"lua(error: user_script:1: bad argument #1 to 'decode' (expected 1 argument))lua");
  CHECK(lua_libs_eval(R"lua(cjson.decode({}))lua") ==
        R"lua(error: user_script:1: bad argument #1 to 'decode' (string expected, got table))lua");
  CHECK(lua_libs_eval(R"lua(cjson.decode('"a' .. string.char(1) .. 'b"'))lua") == R"lua(ab)lua");
  // nesting limits
  CHECK(
      lua_libs_eval(
          R"lua(#cjson.encode(cjson.decode(string.rep('[', 1000) .. string.rep(']', 1000))))lua") ==
      R"lua(2000)lua");
  CHECK(
      lua_libs_eval(R"lua(cjson.decode(string.rep('[', 1001) .. string.rep(']', 1001)))lua") ==
      R"lua(error: user_script:1: Found too many nested data structures (1001) at character 1001)lua");
  CHECK(
      lua_libs_eval(
          R"lua(cjson.decode(string.rep('{"a":', 1001) .. '1' .. string.rep('}', 1001)))lua") ==
      R"lua(error: user_script:1: Found too many nested data structures (1001) at character 5001)lua");
  CHECK(
      lua_libs_eval(R"lua(cjson.decode(string.rep('[', 100000)))lua") ==
      R"lua(error: user_script:1: Found too many nested data structures (1001) at character 1001)lua");
  CHECK(
      lua_libs_eval(
          R"lua(#cjson.encode((function() local t = {} local c = t for i = 1, 999 do c[1] = {} c = c[1] end return t end)()))lua") ==
      R"lua(2000)lua");
  CHECK(
      lua_libs_eval(
          R"lua(cjson.encode((function() local t = {} local c = t for i = 1, 1000 do c[1] = {} c = c[1] end return t end)()))lua") ==
      R"lua(error: user_script:1: Cannot serialise, excessive nesting (1001))lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode((function() local t = {} t[1] = t return t end)()))lua") ==
        R"lua(error: user_script:1: Cannot serialise, excessive nesting (1001))lua");
  // round trips
  CHECK(lua_libs_eval(R"lua(cjson.encode(cjson.decode('{"k":[1,2.5,"s",{"n":null}]}')))lua") ==
        R"lua({"k":[1,2.5,"s",{"n":null}]})lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode(cjson.decode('[[],{}]')))lua") == R"lua([{},{}])lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode(cjson.decode(cjson.encode({a={b={c={1,2,3}}}}))))lua") ==
        R"lua({"a":{"b":{"c":[1,2,3]}}})lua");
  // errors keep their position, except under pcall, as in Redis
  CHECK(lua_libs_eval(R"lua(select(2, pcall(cjson.encode, {string.len})))lua") ==
        R"lua(Cannot serialise function: type not supported)lua");
  CHECK(lua_libs_eval(R"lua(select(2, pcall(cjson.decode, '[')))lua") ==
        R"lua(Expected value but found T_END at character 2)lua");
  CHECK(lua_libs_eval(R"lua(select(2, pcall(cjson.encode)))lua") ==
        R"lua(bad argument #1 to '?' (expected 1 argument))lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode('x', 'y'))lua") ==
        R"lua(error: user_script:1: bad argument #1 to 'encode' (expected 1 argument))lua");
  CHECK(lua_libs_eval(R"lua(cjson.decode('1', 2))lua") ==
        R"lua(error: user_script:1: bad argument #1 to 'decode' (expected 1 argument))lua");
  CHECK(
      lua_libs_eval(R"lua(cjson.encode_max_depth(0))lua") ==
      R"lua(error: user_script:1: bad argument #1 to 'encode_max_depth' (expected integer between 1 and 2147483647))lua");
  // instances from cjson.new keep their own settings
  CHECK(lua_libs_eval(R"lua(cjson.new().encode({1, 'a'}))lua") == R"lua([1,"a"])lua");
  CHECK(
      lua_libs_eval(
          R"lua((function() local c = cjson.new() c.encode_number_precision(3) return c.encode(1/3) .. ' ' .. cjson.encode(1/3) end)())lua") ==
      R"lua(0.333 0.33333333333333)lua");
  CHECK(
      lua_libs_eval(
          R"lua((function() local c = cjson.new() c.encode_max_depth(2) return c.encode({{{1}}}) end)())lua") ==
      R"lua(error: user_script:1: Cannot serialise, excessive nesting (3))lua");
  CHECK(
      lua_libs_eval(
          R"lua((function() local c = cjson.new() c.decode_max_depth(2) return c.decode('[[[1]]]') end)())lua") ==
      R"lua(error: user_script:1: Found too many nested data structures (3) at character 3)lua");
  CHECK(
      lua_libs_eval(
          R"lua((function() local c = cjson.new() c.encode_sparse_array(true) return c.encode({[1]=1, [20]=2}) end)())lua") ==
      R"lua({"1":1,"20":2})lua");
  CHECK(
      lua_libs_eval(
          R"lua((function() local c = cjson.new() c.encode_sparse_array(false, 0) return #c.encode({[1]=1, [2^20]=2}) end)())lua") ==
      R"lua(5242875)lua");
  CHECK(
      lua_libs_eval(
          R"lua((function() local c = cjson.new() c.encode_invalid_numbers(true) return c.encode({0/0, 1/0, -1/0}) end)())lua") ==
      R"lua([nan,inf,-inf])lua");
  CHECK(
      lua_libs_eval(
          R"lua((function() local c = cjson.new() c.decode_invalid_numbers(false) return c.decode('nan') end)())lua") ==
      R"lua(error: user_script:1: Expected value but found invalid token at character 1)lua");
  CHECK(
      lua_libs_eval(
          R"lua((function() local c = cjson.new() c.encode_keep_buffer(false) return c.encode({a={1,2}}) end)())lua") ==
      R"lua({"a":[1,2]})lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({[2^31]=1}))lua") == R"lua({"2147483648":1})lua");
  CHECK(lua_libs_eval(R"lua(#cjson.encode(string.rep('a', 1000000)))lua") == R"lua(1000002)lua");
  // 2.1.0 keeps the largest array key in an int: keys of 2^31 and more wrap
  CHECK(lua_libs_eval(R"lua(cjson.encode({[2^31]=1}))lua") == R"lua({"2147483648":1})lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({[2^31]=1, [5]=2}))lua") ==
        R"lua([null,null,null,null,2])lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({[5]=2, [2^31]=1}))lua") ==
        R"lua({"5":2,"2147483648":1})lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({[2^32+3]=1, [2]=2, [1]=1}))lua") ==
        R"lua({"1":1,"2":2,"4294967299":1})lua");
}
