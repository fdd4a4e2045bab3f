#include "scripting/function_engine.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "byte_buffer.h"

namespace fkvs::scripting {
namespace {

// Functions under test call no commands.
class NoCommandsHost final : public ScriptHost {
 public:
  std::string_view call(std::span<const std::string_view>, resp::Protocol) override {
    return "-ERR no commands here\r\n";
  }
  void set_replication(int) override {}
  bool keep_running() override { return true; }
};

std::string library_returning(std::string_view library, std::string_view function,
                              std::string_view value) {
  return "#!lua name=" + std::string(library) + "\nredis.register_function('" +
         std::string(function) + "', function() return '" + std::string(value) + "' end)";
}

// FCALL's reply to function, or "missing".
std::string call(FunctionEngine& engine, std::string_view name) {
  const Function* function = engine.find(name);
  if (function == nullptr) return "missing";
  NoCommandsHost host;
  resp::ByteBuffer out;
  resp::ReplyWriter writer(out);
  engine.call(*function, {}, {}, host, writer);
  return std::string(out.view());
}

TEST_CASE("function engine: load, replace and the collisions Redis refuses") {
  FunctionEngine engine;
  std::string error;
  CHECK(engine.load(library_returning("lib", "f", "one"), false, error) == "lib");
  CHECK(call(engine, "F") == "$3\r\none\r\n");
  CHECK_FALSE(engine.load(library_returning("lib", "f", "two"), false, error));
  CHECK(error == "Library 'lib' already exists");
  CHECK(engine.load(library_returning("lib", "f", "two"), true, error) == "lib");
  CHECK(call(engine, "f") == "$3\r\ntwo\r\n");
  CHECK_FALSE(engine.load(library_returning("other", "F", "x"), false, error));
  CHECK(error == "Function F already exists");
  CHECK(engine.libraries().size() == 1);
  CHECK(engine.function_count() == 1);
}

TEST_CASE("function engine: joining libraries, all or none") {
  FunctionEngine engine;
  std::string error;
  const std::vector<std::string> dump = {library_returning("a", "fa", "a"),
                                         library_returning("b", "fb", "b")};
  REQUIRE(engine.load_all(dump, JoinPolicy::kAppend, error));
  CHECK_FALSE(engine.load_all(dump, JoinPolicy::kAppend, error));
  CHECK(error == "Library a already exists");
  REQUIRE(engine.load(library_returning("c", "fc", "c"), false, error));
  REQUIRE(engine.load_all(dump, JoinPolicy::kReplace, error));
  CHECK(engine.libraries().size() == 3);
  // A collision with a library that stays refuses the whole join.
  const std::vector<std::string> colliding = {library_returning("d", "fd", "d"),
                                              library_returning("e", "fc", "e")};
  CHECK_FALSE(engine.load_all(colliding, JoinPolicy::kReplace, error));
  CHECK(error == "Function fc already exists");
  CHECK(call(engine, "fd") == "missing");
  // FLUSH drops the others; the joined functions still run.
  REQUIRE(engine.load_all(colliding, JoinPolicy::kFlush, error));
  CHECK(call(engine, "fa") == "missing");
  CHECK(call(engine, "fc") == "$1\r\ne\r\n");
  CHECK(call(engine, "fd") == "$1\r\nd\r\n");
}

TEST_CASE("function engine: delete and flush") {
  FunctionEngine engine;
  std::string error;
  REQUIRE(engine.load(library_returning("lib", "f", "one"), false, error));
  CHECK(engine.codes() == std::vector<std::string>{library_returning("lib", "f", "one")});
  CHECK_FALSE(engine.remove("LIB"));
  CHECK(engine.remove("lib"));
  CHECK(call(engine, "f") == "missing");
  REQUIRE(engine.load(library_returning("lib", "f", "one"), false, error));
  engine.flush();
  CHECK(engine.libraries().empty());
  CHECK(engine.load(library_returning("lib", "f", "again"), false, error) == "lib");
  CHECK(call(engine, "f") == "$5\r\nagain\r\n");
}

}  // namespace
}  // namespace fkvs::scripting
