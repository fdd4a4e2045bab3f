#include "scripting/script_engine.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "byte_buffer.h"
#include "scripting/lua_sandbox.h"

namespace fkvs::scripting {
namespace {

// Answers every command with its own arguments as an array, so a script
// sees what redis.call sent.
class EchoHost final : public ScriptHost {
 public:
  std::string_view call(std::span<const std::string_view> argv, resp::Protocol) override {
    reply_ = "*" + std::to_string(argv.size()) + "\r\n";
    for (std::string_view arg : argv) {
      reply_ += "$" + std::to_string(arg.size()) + "\r\n" + std::string(arg) + "\r\n";
    }
    return reply_;
  }
  void set_replication(int targets) override { replication = targets; }
  bool keep_running() override { return ++checks < 3; }
  int checks = 0;
  int replication = 3;

 private:
  std::string reply_;
};

std::string run_script(ScriptEngine& engine, std::string_view body,
                       std::vector<std::string_view> keys = {},
                       std::vector<std::string_view> args = {}) {
  std::string sha;
  std::string error;
  const Script* script = engine.load(body, sha, error);
  if (script == nullptr) return error;
  EchoHost host;
  resp::ByteBuffer out;
  resp::ReplyWriter writer(out);
  engine.run(sha, keys, args, host, writer);
  return std::string(out.view());
}

TEST_CASE("script engine: scripts are cached by the SHA1 of their source") {
  ScriptEngine engine;
  std::string sha;
  std::string error;
  REQUIRE(engine.load("return 'hello'", sha, error) != nullptr);
  CHECK(sha == "1b936e3fe509bcbc9cd0664897bbe8fd0cac101b");
  CHECK(engine.find("1B936E3FE509BCBC9CD0664897BBE8FD0CAC101B") != nullptr);
  CHECK(engine.find("1b936e") == nullptr);
  CHECK(engine.script_count() == 1);
  engine.flush();
  CHECK(engine.script_count() == 0);
  CHECK(engine.find(sha) == nullptr);
}

TEST_CASE("script engine: compile errors") {
  ScriptEngine engine;
  CHECK(run_script(engine, "return x(") ==
        "ERR Error compiling script (new function): user_script:1: unexpected symbol near "
        "'<eof>'");
  CHECK(run_script(engine, "#!lua flags=nope\nreturn 1") ==
        "ERR Unexpected flag in script shebang: nope");
}

TEST_CASE("script engine: KEYS, ARGV and redis.call's arguments") {
  ScriptEngine engine;
  CHECK(run_script(engine, "return {KEYS[1], ARGV[1], #KEYS, #ARGV}", {"k"}, {"a", "b"}) ==
        "*4\r\n$1\r\nk\r\n$1\r\na\r\n:1\r\n:2\r\n");
  CHECK(run_script(engine, "return redis.call('echo', 1.5, 7, 'x')") ==
        "*4\r\n$4\r\necho\r\n$3\r\n1.5\r\n$1\r\n7\r\n$1\r\nx\r\n");
}

TEST_CASE("script engine: errors name the script and the line") {
  ScriptEngine engine;
  CHECK(run_script(engine, "\nreturn a") ==
        "-ERR user_script:2: Script attempted to access nonexistent global variable 'a' "
        "script: c053029128b93a33afd4a16b0943efa48324da86, on @user_script:2.\r\n");
  CHECK(run_script(engine, "a = 1")
            .starts_with("-ERR user_script:1: Attempt to modify a readonly table script:"));
  CHECK(run_script(engine, "return redis.call()")
            .starts_with(
                "-ERR Please specify at least one argument for this redis lib call script:"));
}

TEST_CASE("script engine: the sandbox hides and protects") {
  ScriptEngine engine;
  CHECK(run_script(engine,
                   "return {type(rawget(_G, 'os')), type(rawget(_G, 'io')), "
                   "type(rawget(_G, 'debug')), type(rawget(_G, 'loadfile'))}") ==
        "*4\r\n$3\r\nnil\r\n$3\r\nnil\r\n$3\r\nnil\r\n$3\r\nnil\r\n");
  CHECK(run_script(engine, "redis.call = nil").find("Attempt to modify a readonly table") !=
        std::string::npos);
  CHECK(run_script(engine, "setmetatable(_G, nil)").find("Attempt to modify a readonly table") !=
        std::string::npos);
  CHECK(run_script(engine, "return loadstring(string.dump(function() return 1 end))") == "$-1\r\n");
}

TEST_CASE("script engine: redis.set_repl reaches the host") {
  ScriptEngine engine;
  std::string sha;
  std::string error;
  const Script* script = engine.load("redis.set_repl(redis.REPL_NONE)", sha, error);
  REQUIRE(script != nullptr);
  EchoHost host;
  resp::ByteBuffer out;
  resp::ReplyWriter writer(out);
  engine.run(sha, {}, {}, host, writer);
  CHECK(host.replication == 0);
}

TEST_CASE("script engine: a host that says stop ends even a script that catches errors") {
  ScriptEngine engine;
  CHECK(run_script(engine, "while true do pcall(function() while true do end end) end")
            .starts_with("-ERR Script killed by user with SCRIPT KILL... script:"));
  CHECK(run_script(engine, "return 1") == ":1\r\n");
}

TEST_CASE("script engine: numbers reach redis.call as Redis's %.17g prints them") {
  ScriptEngine engine;
  // One number per script: Lua 5.1 shares one constant between 0 and -0.
  auto sent = [&engine](std::string_view number) {
    std::string reply =
        run_script(engine, "return redis.call('echo', " + std::string(number) + ")");
    const size_t last = reply.rfind("\r\n", reply.size() - 3);
    return reply.substr(last + 2, reply.size() - last - 4);
  };
  CHECK(sent("3600") == "3600");
  CHECK(sent("-7") == "-7");
  CHECK(sent("0") == "0");
  CHECK(sent("0/-1") == "-0");
  CHECK(sent("2^53") == "9007199254740992");
  CHECK(sent("99999999999999984") == "99999999999999984");
  CHECK(sent("-99999999999999984") == "-99999999999999984");
  CHECK(sent("1e17") == "1e+17");
  CHECK(sent("123456789012345678") == "1.2345678901234568e+17");
  CHECK(sent("-2^63") == "-9.2233720368547758e+18");
  CHECK(sent("0.1") == "0.10000000000000001");
  CHECK(sent("-2.5") == "-2.5");
  CHECK(sent("1/0") == "inf");
}

TEST_CASE("script engine: rand48 is the POSIX recurrence") {
  seed_rand48(0);
  // lrand48() after srand48(0), as glibc computes it.
  CHECK(next_rand48() == 366850414);
  CHECK(next_rand48() == 1610402240);
}

}  // namespace
}  // namespace fkvs::scripting
