// Expected values recorded from redis-server 7.0.15 with
// EVAL "<H helper> return tostring(<expression>)" 0 (errors without the
// "ERR " prefix and the " script: <sha>, on @user_script:1." suffix).
#include <doctest/doctest.h>

#include "lua_libs_eval.h"

using fkvs::test::lua_libs_eval;

TEST_CASE("lua_libs cmsgpack: pack matches Redis byte for byte") {
  // several arguments, one object each
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack(1, 2, 3)))lua") == R"lua(010203)lua");
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack(true, false, nil)))lua") == R"lua(c3c2c0)lua");
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack(cjson.null)))lua") == R"lua(c0)lua");
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack()))lua") ==
        R"lua(error: user_script:1: bad argument #0 to 'pack' (MessagePack pack needs input.))lua");
  // integers take the smallest form
  CHECK(
      lua_libs_eval(
          R"lua(H(cmsgpack.pack(0, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296)))lua") ==
      R"lua(007fcc80ccffcd0100cdffffce00010000ceffffffffcf0000000100000000)lua");
  CHECK(
      lua_libs_eval(
          R"lua(H(cmsgpack.pack(-1, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649)))lua") ==
      R"lua(ffe0d0dfd080d1ff7fd18000d2ffff7fffd280000000d3ffffffff7fffffff)lua");
  CHECK(
      lua_libs_eval(
          R"lua(H(cmsgpack.pack(3.0, -3.0, 2^31, 2^32-1, -2^31-1, 2^53, -2^53, 2^62)))lua") ==
      R"lua(03fdce80000000ceffffffffd3ffffffff7fffffffcf0020000000000000d3ffe0000000000000cf4000000000000000)lua");
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack(-2^63, 2^63, 2^64, 1e20, -1e20)))lua") ==
        R"lua(d38000000000000000ca5f000000ca5f800000cb4415af1d78b58c40cbc415af1d78b58c40)lua");
  // floats: float32 when exact, else float64
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack(1.5, 0.1, 1e300, -0.0)))lua") ==
        R"lua(ca3fc00000cb3fb999999999999acb7e37e43c8800759c00)lua");
  CHECK(lua_libs_eval(
            R"lua(H(cmsgpack.pack(1e-40, 3.4028234663852886e38, 1.401298464324817e-45)))lua") ==
        R"lua(cb37a16c262777579cca7f7fffffca00000001)lua");
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack(math.huge, -math.huge)))lua") ==
        R"lua(ca7f800000caff800000)lua");
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack(-(0/0))))lua") == R"lua(cb7ff8000000000000)lua");
  // strings, binary safe
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack('')))lua") == R"lua(a0)lua");
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack(string.rep('a', 31))))lua") ==
        R"lua(bf61616161616161616161616161616161616161616161616161616161616161)lua");
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack(string.rep('a', 32))))lua") ==
        R"lua(d9206161616161616161616161616161616161616161616161616161616161616161)lua");
  CHECK(lua_libs_eval(R"lua(H(string.sub(cmsgpack.pack(string.rep('a', 255)), 1, 3)))lua") ==
        R"lua(d9ff61)lua");
  CHECK(lua_libs_eval(R"lua(H(string.sub(cmsgpack.pack(string.rep('a', 256)), 1, 4)))lua") ==
        R"lua(da010061)lua");
  CHECK(lua_libs_eval(R"lua(H(string.sub(cmsgpack.pack(string.rep('a', 65535)), 1, 4)))lua") ==
        R"lua(daffff61)lua");
  CHECK(lua_libs_eval(R"lua(H(string.sub(cmsgpack.pack(string.rep('a', 65536)), 1, 6)))lua") ==
        R"lua(db0001000061)lua");
  CHECK(lua_libs_eval(R"lua(#cmsgpack.pack(string.rep('a', 65536)))lua") == R"lua(65541)lua");
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack(string.char(0, 1, 255))))lua") == R"lua(a30001ff)lua");
  // tables: arrays when keys are exactly 1..n
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack({})))lua") == R"lua(90)lua");
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack({1, 2, nil, 4})))lua") == R"lua(83010102020404)lua");
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack({[1]=1, [3]=3})))lua") == R"lua(8201010303)lua");
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack({a=1})))lua") == R"lua(81a16101)lua");
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack({1, 2, x=3})))lua") == R"lua(8301010202a17803)lua");
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack({[1]=1, [2]=2, [2.5]=3})))lua") ==
        R"lua(8301010202ca4020000003)lua");
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack({[1]=1, [2]=2, ['3']=3})))lua") ==
        R"lua(8301010202a13303)lua");
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack({[0]=1})))lua") == R"lua(810001)lua");
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack({[-1]=1})))lua") == R"lua(81ff01)lua");
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack({[1.5]=1})))lua") == R"lua(81ca3fc0000001)lua");
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack({[true]=1})))lua") == R"lua(81c301)lua");
  CHECK(lua_libs_eval(
            R"lua(H(cmsgpack.pack({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})))lua") ==
        R"lua(9f0102030405060708090a0b0c0d0e0f)lua");
  CHECK(lua_libs_eval(
            R"lua(H(cmsgpack.pack({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})))lua") ==
        R"lua(dc00100102030405060708090a0b0c0d0e0f10)lua");
  CHECK(
      lua_libs_eval(
          R"lua(H(string.sub(cmsgpack.pack((function() local t = {} for i = 1, 65536 do t[i] = 1 end return t end)()), 1, 6)))lua") ==
      R"lua(dd0001000001)lua");
  CHECK(
      lua_libs_eval(
          R"lua(H(string.sub(cmsgpack.pack({a=1,b=2,c=3,d=4,e=5,f=6,g=7,h=8,i=9,j=10,k=11,l=12,m=13,n=14,o=15,p=16}), 1, 3)))lua") ==
      R"lua(de0010)lua");
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack(1, {a={b={}}}, 'x')))lua") ==
        R"lua(0181a16181a16290a178)lua");
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack({[1]={1}, [2]={[1]={a=1}}})))lua") ==
        R"lua(9291019181a16101)lua");
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack({{}})))lua") == R"lua(9190)lua");
  // nesting deeper than 16 tables encodes nil
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack({{{{{{{{{{{{{{{{1}}}}}}}}}}}}}}}})))lua") ==
        R"lua(9191919191919191919191919191919101)lua");
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack({{{{{{{{{{{{{{{{{1}}}}}}}}}}}}}}}}})))lua") ==
        R"lua(91919191919191919191919191919191c0)lua");
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack({{{{{{{{{{{{{{{{{{{{1}}}}}}}}}}}}}}}}}}}})))lua") ==
        R"lua(91919191919191919191919191919191c0)lua");
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack({{{{{{{{{{{{{{{{a={}}}}}}}}}}}}}}}}})))lua") ==
        R"lua(91919191919191919191919191919181a161c0)lua");
  // values without a MessagePack form encode nil
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack(string.len)))lua") == R"lua(c0)lua");
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack({f=string.len})))lua") == R"lua(81a166c0)lua");
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack(coroutine.create(function() end))))lua") ==
        R"lua(c0)lua");
  // Lua's stack limits: as many arguments and as deep tables as Redis allows
  CHECK(
      lua_libs_eval(
          R"lua(#cmsgpack.pack(unpack((function() local t = {} for i = 1, 4000 do t[i] = i end return t end)())))lua") ==
      R"lua(11618)lua");
  CHECK(
      lua_libs_eval(
          R"lua(cmsgpack.pack(unpack((function() local t = {} for i = 1, 4001 do t[i] = i end return t end)())))lua") ==
      R"lua(error: user_script:1: bad argument #0 to 'pack' (Too many arguments for MessagePack pack.))lua");
  CHECK(
      lua_libs_eval(
          R"lua(#cmsgpack.pack(unpack((function() local t = {} for i = 1, 3999 do t[i] = i end t[3999] = {1} return t end)())))lua") ==
      R"lua(11614)lua");
  CHECK(
      lua_libs_eval(
          R"lua(cmsgpack.pack(unpack((function() local t = {} for i = 1, 4000 do t[i] = i end t[4000] = {1} return t end)())))lua") ==
      R"lua(error: user_script:1: stack overflow (in function table_is_an_array))lua");
  CHECK(
      lua_libs_eval(
          R"lua(#cmsgpack.pack(unpack((function() local t = {} for i = 1, 3991 do t[i] = i end t[3991] = {{{{{{{{{{{{{{{{1}}}}}}}}}}}}}}}} return t end)())))lua") ==
      R"lua(11605)lua");
  CHECK(
      lua_libs_eval(
          R"lua(cmsgpack.pack(unpack((function() local t = {} for i = 1, 3992 do t[i] = i end t[3992] = {{{{{{{{{{{{{{{{1}}}}}}}}}}}}}}}} return t end)())))lua") ==
      R"lua(error: user_script:1: stack overflow (in function table_is_an_array))lua");
  CHECK(
      lua_libs_eval(
          R"lua(#cmsgpack.pack(unpack((function() local t = {} for i = 1, 3998 do t[i] = i end t[3998] = {a=1} return t end)())))lua") ==
      R"lua(11613)lua");
  CHECK(
      lua_libs_eval(
          R"lua(cmsgpack.pack(unpack((function() local t = {} for i = 1, 3999 do t[i] = i end t[3999] = {a=1} return t end)())))lua") ==
      R"lua(error: user_script:1: stack overflow (in function mp_encode_lua_table_as_map))lua");
  CHECK(
      lua_libs_eval(
          R"lua(#cmsgpack.pack(unpack((function() local t = {} for i = 1, 3997 do t[i] = i end t[3997] = {a={b=1}} return t end)())))lua") ==
      R"lua(11613)lua");
  CHECK(
      lua_libs_eval(
          R"lua(cmsgpack.pack(unpack((function() local t = {} for i = 1, 3998 do t[i] = i end t[3998] = {a={b=1}} return t end)())))lua") ==
      R"lua(error: user_script:1: stack overflow (in function mp_encode_lua_table_as_map))lua");
  CHECK(
      lua_libs_eval(
          R"lua(#cmsgpack.pack(unpack((function() local t = {} for i = 1, 3998 do t[i] = i end t[3998] = {{a=1}} return t end)())))lua") ==
      R"lua(11614)lua");
  CHECK(
      lua_libs_eval(
          R"lua(cmsgpack.pack(unpack((function() local t = {} for i = 1, 3999 do t[i] = i end t[3999] = {{a=1}} return t end)())))lua") ==
      R"lua(error: user_script:1: stack overflow (in function table_is_an_array))lua");
  // the output buffer is reused between calls
  CHECK(lua_libs_eval(R"lua(H(cmsgpack.pack(string.rep('x', 40)) and cmsgpack.pack(7)))lua") ==
        R"lua(07)lua");
  CHECK(lua_libs_eval(R"lua(#cmsgpack.pack(string.rep('x', 2000000)) + #cmsgpack.pack('ab'))lua") ==
        R"lua(2000008)lua");
}

TEST_CASE("lua_libs cmsgpack: unpack, unpack_one and unpack_limit match Redis") {
  // round trips
  CHECK(lua_libs_eval(
            R"lua(cjson.encode({cmsgpack.unpack(cmsgpack.pack(1, 'a', {1, 2}, {a=1}))}))lua") ==
        R"lua([1,"a",[1,2],{"a":1}])lua");
  CHECK(lua_libs_eval(
            R"lua(cjson.encode({cmsgpack.unpack(cmsgpack.pack(1.5, 0.1, -7, 2^40, 'x'))}))lua") ==
        R"lua([1.5,0.1,-7,1099511627776,"x"])lua");
  CHECK(
      lua_libs_eval(
          R"lua(cmsgpack.unpack(cmsgpack.pack(string.char(0, 200, 10, 255))) == string.char(0, 200, 10, 255))lua") ==
      R"lua(true)lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({cmsgpack.unpack(cmsgpack.pack({1, 2, nil, 4}))}))lua") ==
        R"lua([[1,2,null,4]])lua");
  CHECK(lua_libs_eval(R"lua(select('#', cmsgpack.unpack(cmsgpack.pack(nil, nil))))lua") ==
        R"lua(2)lua");
  CHECK(
      lua_libs_eval(
          R"lua(cjson.encode(cmsgpack.unpack(cmsgpack.pack({{{{{{{{{{{{{{{{{{{{1}}}}}}}}}}}}}}}}}}}}))))lua") ==
      R"lua([[[[[[[[[[[[[[[{}]]]]]]]]]]]]]]])lua");
  CHECK(lua_libs_eval(R"lua(#cmsgpack.unpack(cmsgpack.pack(string.rep('x', 70000))))lua") ==
        R"lua(70000)lua");
  CHECK(lua_libs_eval(R"lua(select('#', cmsgpack.unpack('')))lua") == R"lua(0)lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({cmsgpack.unpack(12)}))lua") == R"lua([49,50])lua");
  CHECK(lua_libs_eval(R"lua(cmsgpack.unpack({}))lua") ==
        R"lua(error: user_script:1: bad argument #1 to 'unpack' (string expected, got table))lua");
  CHECK(
      lua_libs_eval(R"lua(cmsgpack.unpack())lua") ==
      R"lua(error: user_script:1: bad argument #1 to 'unpack' (string expected, got no value))lua");
  // all the types the decoder knows
  CHECK(lua_libs_eval(
            R"lua(cjson.encode({cmsgpack.unpack(string.char(0xca, 0x3f, 0xc0, 0, 0))}))lua") ==
        R"lua([1.5])lua");
  CHECK(
      lua_libs_eval(
          R"lua(string.format('%.17g', cmsgpack.unpack(string.char(0xcb, 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a))))lua") ==
      R"lua(0.10000000000000001)lua");
  CHECK(
      lua_libs_eval(
          R"lua(cjson.encode({cmsgpack.unpack(string.char(0xd1, 0xff, 0x7f, 0xd2, 0x80, 0, 0, 0, 0xce, 0xff, 0xff, 0xff, 0xff, 0xcb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0))}))lua") ==
      R"lua([-129,-2147483648,4294967295,1])lua");
  CHECK(
      lua_libs_eval(
          R"lua(string.format('%.17g %.17g', cmsgpack.unpack(string.char(0xcf, 255, 255, 255, 255, 255, 255, 255, 255, 0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0))))lua") ==
      R"lua(-1 -9.2233720368547758e+18)lua");
  CHECK(
      lua_libs_eval(
          R"lua(string.format('%.17g', cmsgpack.unpack(string.char(0xcf, 0, 0, 0, 1, 0, 0, 0, 0))))lua") ==
      R"lua(4294967296)lua");
  CHECK(
      lua_libs_eval(
          R"lua(cjson.encode({cmsgpack.unpack(string.char(0xcc, 200, 0xcd, 1, 0, 0xd0, 0x80, 0xe0, 0xff, 0x7f, 0x00))}))lua") ==
      R"lua([200,256,-128,-32,-1,127,0])lua");
  CHECK(
      lua_libs_eval(
          R"lua(cjson.encode({cmsgpack.unpack(string.char(0xd9, 3, 97, 98, 99, 0xda, 0, 1, 100, 0xdb, 0, 0, 0, 1, 101, 0xa0))}))lua") ==
      R"lua(["abc","d","e",""])lua");
  CHECK(
      lua_libs_eval(
          R"lua(cjson.encode({cmsgpack.unpack(string.char(0xdc, 0, 2, 1, 2, 0xde, 0, 1, 0xa1, 107, 0xc3))}))lua") ==
      R"lua([[1,2],{"k":true}])lua");
  CHECK(
      lua_libs_eval(
          R"lua(cjson.encode({cmsgpack.unpack(string.char(0xdd, 0, 0, 0, 1, 0xd0, 0x80, 0xdf, 0, 0, 0, 0))}))lua") ==
      R"lua([[-128],{}])lua");
  CHECK(lua_libs_eval(
            R"lua(cjson.encode({cmsgpack.unpack(string.char(0x90, 0x80, 0xc0, 0xc2))}))lua") ==
        R"lua([{},{},null,false])lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({cmsgpack.unpack(string.char(0x92, 0xc0, 1))}))lua") ==
        R"lua([[null,1]])lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({cmsgpack.unpack(string.char(0x93, 1, 0xc0, 1))}))lua") ==
        R"lua([[1,null,1]])lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({cmsgpack.unpack(string.char(0x81, 1, 0xc0))}))lua") ==
        R"lua([{}])lua");
  CHECK(
      lua_libs_eval(R"lua(cjson.encode({cmsgpack.unpack(string.char(0x82, 0xc0, 1, 2, 3))}))lua") ==
      R"lua(error: table index is nil)lua");
  CHECK(
      lua_libs_eval(R"lua(cjson.encode({cmsgpack.unpack(string.char(0x81, 0x91, 1, 2))}))lua") ==
      R"lua(error: user_script:1: Cannot serialise table: table key must be a number or string)lua");
  // malformed input
  CHECK(lua_libs_eval(R"lua(cmsgpack.unpack(string.char(0xc1)))lua") ==
        R"lua(error: user_script:1: Bad data format in input.)lua");
  CHECK(lua_libs_eval(R"lua(cmsgpack.unpack(string.char(0x92, 1)))lua") ==
        R"lua(error: user_script:1: Missing bytes in input.)lua");
  CHECK(lua_libs_eval(R"lua(cmsgpack.unpack(string.char(0xcd, 1)))lua") ==
        R"lua(error: user_script:1: Missing bytes in input.)lua");
  CHECK(lua_libs_eval(R"lua(cmsgpack.unpack(string.char(0xcc)))lua") ==
        R"lua(error: user_script:1: Missing bytes in input.)lua");
  CHECK(lua_libs_eval(R"lua(cmsgpack.unpack(string.char(0xd9)))lua") ==
        R"lua(error: user_script:1: Missing bytes in input.)lua");
  CHECK(lua_libs_eval(R"lua(cmsgpack.unpack(string.char(0xd9, 3, 97, 98)))lua") ==
        R"lua(error: user_script:1: Missing bytes in input.)lua");
  CHECK(lua_libs_eval(R"lua(cmsgpack.unpack(string.char(0xa3, 97)))lua") ==
        R"lua(error: user_script:1: Missing bytes in input.)lua");
  CHECK(lua_libs_eval(R"lua(cmsgpack.unpack(string.char(0xdb, 0xff, 0xff, 0xff, 0xff)))lua") ==
        R"lua(error: user_script:1: Missing bytes in input.)lua");
  CHECK(lua_libs_eval(R"lua(cmsgpack.unpack(string.char(0xdd, 0xff, 0xff, 0xff, 0xff)))lua") ==
        R"lua(error: user_script:1: Missing bytes in input.)lua");
  CHECK(lua_libs_eval(R"lua(cmsgpack.unpack(string.char(0x01, 0xc1)))lua") ==
        R"lua(error: user_script:1: Bad data format in input.)lua");
  CHECK(lua_libs_eval(
            R"lua(cmsgpack.unpack(string.rep(string.char(0x81), 4000) .. string.char(1)))lua") ==
        R"lua(error: user_script:1: Missing bytes in input.)lua");
  // bin and ext types are not decoded
  CHECK(lua_libs_eval(R"lua(cmsgpack.unpack(string.char(0xc4, 2, 97, 98)))lua") ==
        R"lua(error: user_script:1: Bad data format in input.)lua");
  CHECK(lua_libs_eval(R"lua(cmsgpack.unpack(string.char(0xc5, 0, 1, 122)))lua") ==
        R"lua(error: user_script:1: Bad data format in input.)lua");
  CHECK(lua_libs_eval(R"lua(cmsgpack.unpack(string.char(0xc6, 0, 0, 0, 1, 121)))lua") ==
        R"lua(error: user_script:1: Bad data format in input.)lua");
  CHECK(lua_libs_eval(R"lua(cmsgpack.unpack(string.char(0xd4, 1, 2)))lua") ==
        R"lua(error: user_script:1: Bad data format in input.)lua");
  CHECK(lua_libs_eval(R"lua(cmsgpack.unpack(string.char(0xc7, 1, 2, 3)))lua") ==
        R"lua(error: user_script:1: Bad data format in input.)lua");
  CHECK(lua_libs_eval(R"lua(cmsgpack.unpack(string.char(0xd8, 1, 2)))lua") ==
        R"lua(error: user_script:1: Bad data format in input.)lua");
  // unpack_one and unpack_limit return the next offset first (-1 at the end)
  CHECK(lua_libs_eval(R"lua(cjson.encode({cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3))}))lua") ==
        R"lua([1,1])lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 1)}))lua") ==
        R"lua([2,2])lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 2)}))lua") ==
        R"lua([-1,3])lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 3)}))lua") ==
        R"lua([-1])lua");
  CHECK(
      lua_libs_eval(R"lua(cjson.encode({cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 2.7)}))lua") ==
      R"lua([-1,3])lua");
  CHECK(
      lua_libs_eval(R"lua(cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), -1))lua") ==
      R"lua(error: user_script:1: Invalid request to unpack with offset of -1 and limit of 3.)lua");
  CHECK(lua_libs_eval(R"lua(cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 5))lua") ==
        R"lua(error: user_script:1: Start offset 5 greater than input length 3.)lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({cmsgpack.unpack_one('')}))lua") == R"lua([-1])lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({cmsgpack.unpack_one('', 0)}))lua") == R"lua([-1])lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({cmsgpack.unpack_one(string.char(1), 1)}))lua") ==
        R"lua([-1])lua");
  CHECK(lua_libs_eval(R"lua(cmsgpack.unpack_one(string.char(1), 2))lua") ==
        R"lua(error: user_script:1: Start offset 2 greater than input length 1.)lua");
  CHECK(lua_libs_eval(R"lua(cjson.encode({cmsgpack.unpack_one(string.char(0x01, 0xc1))}))lua") ==
        R"lua([1,1])lua");
  CHECK(lua_libs_eval(R"lua(cmsgpack.unpack_one(string.char(0x01, 0xc1), 1))lua") ==
        R"lua(error: user_script:1: Bad data format in input.)lua");
  CHECK(
      lua_libs_eval(R"lua(cjson.encode({cmsgpack.unpack_one(cmsgpack.pack('ab', {1}), 0)}))lua") ==
      R"lua([3,"ab"])lua");
  CHECK(
      lua_libs_eval(R"lua(cmsgpack.unpack_one())lua") ==
      R"lua(error: user_script:1: bad argument #1 to 'unpack_one' (string expected, got no value))lua");
  CHECK(
      lua_libs_eval(R"lua(cmsgpack.unpack_one(string.char(1), 'x'))lua") ==
      R"lua(error: user_script:1: bad argument #2 to 'unpack_one' (number expected, got string))lua");
  CHECK(
      lua_libs_eval(R"lua(cjson.encode({cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)}))lua") ==
      R"lua([2,1,2])lua");
  CHECK(lua_libs_eval(
            R"lua(cjson.encode({cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2, 2)}))lua") ==
        R"lua([-1,3])lua");
  CHECK(
      lua_libs_eval(R"lua(cjson.encode({cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0)}))lua") ==
      R"lua([1,2,3])lua");
  CHECK(lua_libs_eval(
            R"lua(cjson.encode({cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 5, 1)}))lua") ==
        R"lua([-1,2,3])lua");
  CHECK(
      lua_libs_eval(R"lua(cjson.encode({cmsgpack.unpack_limit(string.char(0x01, 0xc1), 1)}))lua") ==
      R"lua([1,1])lua");
  CHECK(
      lua_libs_eval(R"lua(cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), -1))lua") ==
      R"lua(error: user_script:1: Invalid request to unpack with offset of 0 and limit of 3.)lua");
  CHECK(
      lua_libs_eval(R"lua(cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3)))lua") ==
      R"lua(error: user_script:1: bad argument #2 to 'unpack_limit' (number expected, got no value))lua");
  // Lua's stack limits: as many results and as deep nesting as Redis allows
  CHECK(lua_libs_eval(R"lua(select('#', cmsgpack.unpack(string.rep(string.char(1), 7999))))lua") ==
        R"lua(7999)lua");
  CHECK(
      lua_libs_eval(R"lua(cmsgpack.unpack(string.rep(string.char(1), 8000)))lua") ==
      R"lua(error: user_script:1: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.))lua");
  CHECK(
      lua_libs_eval(
          R"lua(select('#', cmsgpack.unpack_limit(string.rep(string.char(1), 8001), 7998)))lua") ==
      R"lua(7999)lua");
  CHECK(lua_libs_eval(R"lua(cmsgpack.unpack_limit(string.rep(string.char(1), 8001), 7999))lua") ==
        R"lua(error: user_script:1: stack overflow (in function mp_unpack_full))lua");
  CHECK(
      lua_libs_eval(
          R"lua(select('#', cmsgpack.unpack_limit(string.rep(string.char(1), 8001), 7998, 0)))lua") ==
      R"lua(7999)lua");
  CHECK(
      lua_libs_eval(
          R"lua(select('#', cmsgpack.unpack(string.rep(string.char(0x91), 3999) .. string.char(1))))lua") ==
      R"lua(1)lua");
  CHECK(lua_libs_eval(
            R"lua(cmsgpack.unpack(string.rep(string.char(0x91), 4000) .. string.char(1)))lua") ==
        R"lua(error: user_script:1: stack overflow (in function mp_decode_to_lua_array))lua");
  CHECK(lua_libs_eval(
            R"lua(cmsgpack.unpack(string.rep(string.char(0x91), 100000) .. string.char(1)))lua") ==
        R"lua(error: user_script:1: stack overflow (in function mp_decode_to_lua_array))lua");
  CHECK(
      lua_libs_eval(
          R"lua(select('#', cmsgpack.unpack(string.rep(string.char(0x81, 1), 3999) .. string.char(1))))lua") ==
      R"lua(1)lua");
  CHECK(
      lua_libs_eval(
          R"lua(cmsgpack.unpack(string.rep(string.char(0x81, 1), 4000) .. string.char(1)))lua") ==
      R"lua(error: user_script:1: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.))lua");
  CHECK(
      lua_libs_eval(
          R"lua(select('#', cmsgpack.unpack(string.char(1) .. string.rep(string.char(0x91), 3998) .. string.char(1))))lua") ==
      R"lua(2)lua");
  CHECK(
      lua_libs_eval(
          R"lua(cmsgpack.unpack(string.char(1) .. string.rep(string.char(0x91), 3999) .. string.char(1)))lua") ==
      R"lua(error: user_script:1: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.))lua");
  CHECK(
      lua_libs_eval(
          R"lua(cmsgpack.unpack(string.char(1) .. string.rep(string.char(0x81, 1), 3999) .. string.char(1)))lua") ==
      R"lua(error: user_script:1: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.))lua");
  // the module's identity
  CHECK(
      lua_libs_eval(
          R"lua(cmsgpack._NAME .. ' ' .. cmsgpack._VERSION .. ' / ' .. cmsgpack._COPYRIGHT .. ' / ' .. cmsgpack._DESCRIPTION)lua") ==
      R"lua(cmsgpack lua-cmsgpack 0.4.0 / Copyright (C) 2012, Salvatore Sanfilippo / MessagePack C implementation for Lua)lua");
  // limit 0 with an offset decodes nothing
  CHECK(lua_libs_eval(
            R"lua(cjson.encode({cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0, 1)}))lua") ==
        R"lua([1])lua");
  CHECK(lua_libs_eval(
            R"lua(cjson.encode({cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0, 3)}))lua") ==
        R"lua([-1])lua");
}
