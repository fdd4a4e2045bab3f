// Where fkvs deliberately differs from redis-server 7.0.15: Debian's
// lua-cjson 2.1.0 sizes its buffers with int (CVE-2022-24834), so values
// whose JSON could pass 1 GiB are refused instead of corrupting the heap.
// Bounds count 6 bytes per byte of a string (what 2.1.0 reserves), so one
// shared 32 MiB string repeated six times is enough to pass the limit.
#include <doctest/doctest.h>

#include "lua_libs_eval.h"

using fkvs::test::lua_libs_eval;

namespace {

constexpr const char* kCjsonGuardRefusal =
    "error: user_script:1: Cannot serialise: JSON text too large";

}  // namespace

TEST_CASE("lua_libs cjson: text that could outgrow 2.1.0's int buffers is refused") {
  CHECK(lua_libs_eval("(function() local s = string.rep('a', 2^25) "
                      "return cjson.encode({s, s, s, s, s, s}) end)()") == kCjsonGuardRefusal);
  CHECK(lua_libs_eval("(function() local s = string.rep('a', 2^25) "
                      "return cjson.encode({x = {s, s, s}, y = {s, s, s}}) end)()") ==
        kCjsonGuardRefusal);
  CHECK(lua_libs_eval("(function() local s = string.rep('a', 2^25) "
                      "return cjson.new().encode({s, s, s, s, s, s}) end)()") ==
        kCjsonGuardRefusal);
  // Without the sparse check an array of 2^30 nulls would be 5 GiB.
  CHECK(lua_libs_eval("(function() local c = cjson.new() c.encode_sparse_array(false, 0) "
                      "return c.encode({[2^30] = 1}) end)()") == kCjsonGuardRefusal);
  // A key of 2^31 makes an object, whose values are bounded all the same.
  CHECK(lua_libs_eval("(function() local s = string.rep('a', 2^25) "
                      "return cjson.encode({[2^31] = {s, s, s, s, s, s}}) end)()") ==
        kCjsonGuardRefusal);
  // Under the bound it still encodes.
  CHECK(lua_libs_eval("(function() local s = string.rep('a', 2^25) "
                      "return #cjson.encode({s, s}) end)()") == "67108871");
}
