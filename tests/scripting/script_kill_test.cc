#include "scripting/script_kill.h"

#include <doctest/doctest.h>

#include <lua.hpp>
#include <string>

#include "byte_buffer.h"
#include "scripting/script_engine.h"

namespace fkvs::scripting {
namespace {

// Lets a script run for a few checks, then tells it to stop (SCRIPT KILL).
class StoppingHost final : public ScriptHost {
 public:
  std::string_view call(std::span<const std::string_view>, resp::Protocol) override {
    return "+OK\r\n";
  }
  void set_replication(int) override {}
  bool keep_running() override { return ++checks < 3; }
  int checks = 0;
};

std::string run_until_stopped(ScriptEngine& engine, std::string_view body) {
  std::string sha;
  std::string error;
  if (engine.load(body, sha, error) == nullptr) return error;
  StoppingHost host;
  resp::ByteBuffer out;
  resp::ReplyWriter writer(out);
  engine.run(sha, {}, {}, host, writer);
  return std::string(out.view());
}

constexpr std::string_view kKilled = "-ERR Script killed by user with SCRIPT KILL... script:";

TEST_CASE("killable calls: a killed coroutine's error is not caught by resume") {
  ScriptEngine engine;
  CHECK(run_until_stopped(
            engine,
            "while true do coroutine.resume(coroutine.create(function() while true do end end)) "
            "end")
            .starts_with(kKilled));
  CHECK(run_until_stopped(
            engine,
            "local function f() while true do coroutine.resume(coroutine.create(f)) end "
            "end f()")
            .starts_with(kKilled));
}

TEST_CASE("killable calls: nor by a pcall around a wrapped coroutine") {
  ScriptEngine engine;
  CHECK(run_until_stopped(engine,
                          "local function f() while true do pcall(coroutine.wrap(f)) end end f()")
            .starts_with(kKilled));
}

TEST_CASE("killable calls: an xpcall handler that loops does not outlive the kill") {
  ScriptEngine engine;
  CHECK(run_until_stopped(engine,
                          "while true do xpcall(function() error('x') end, "
                          "function() while true do end end) end")
            .starts_with(kKilled));
  CHECK(run_until_stopped(engine,
                          "return {xpcall(function() error('a') end, "
                          "function(e) return 'handled: ' .. e end)}") ==
        "*2\r\n$-1\r\n$25\r\nhandled: user_script:1: a\r\n");
}

TEST_CASE("killable calls: resume and wrap otherwise behave as the library's") {
  ScriptEngine engine;
  CHECK(
      run_until_stopped(engine,
                        "local co = coroutine.create(function(a) local b = coroutine.yield(a + 1) "
                        "return b * 2 end) local _, x = coroutine.resume(co, 1) "
                        "local _, y = coroutine.resume(co, 5) "
                        "local ok, e = coroutine.resume(co) return {x, y, tostring(ok), e}") ==
      "*4\r\n:2\r\n:10\r\n$5\r\nfalse\r\n$28\r\ncannot resume dead coroutine\r\n");
  CHECK(run_until_stopped(engine,
                          "local f = coroutine.wrap(function() error('boom') end) "
                          "local ok, e = pcall(f) return e") == "$19\r\nuser_script:1: boom\r\n");
  CHECK(run_until_stopped(engine, "return coroutine.resume(1)")
            .starts_with("-ERR user_script:1: bad argument #1 to 'resume' (coroutine expected)"));
}

void noop_test_hook(lua_State*, lua_Debug*) {}

TEST_CASE("killable calls: only a marked thread counts as killed") {
  lua_State* L = luaL_newstate();
  CHECK_FALSE(is_killed(L));
  lua_sethook(L, noop_test_hook, LUA_MASKCOUNT, 100);
  CHECK_FALSE(is_killed(L));
  mark_killed(L, noop_test_hook);
  CHECK(is_killed(L));
  CHECK((lua_gethook(L) == noop_test_hook));
  lua_close(L);
}

}  // namespace
}  // namespace fkvs::scripting
