#include "scripting/script_flags.h"

#include <doctest/doctest.h>

namespace fkvs::scripting {
namespace {

TEST_CASE("script flags: no shebang is compatibility mode") {
  ScriptDeclaration declaration;
  std::string error;
  REQUIRE(parse_script_declaration("return 1", declaration, error));
  CHECK_FALSE(declaration.has_shebang);
  CHECK(declaration.flags == 0);
}

TEST_CASE("script flags: every flag Redis 7.0 knows") {
  ScriptDeclaration declaration;
  std::string error;
  REQUIRE(parse_script_declaration(
      "#!lua flags=no-writes,allow-oom,allow-stale,no-cluster,allow-cross-slot-keys\nreturn 1",
      declaration, error));
  CHECK(declaration.has_shebang);
  CHECK(declaration.shebang_length == 76);
  CHECK(declaration.flags == (kScriptNoWrites | kScriptAllowOom | kScriptAllowStale |
                              kScriptNoCluster | kScriptAllowCrossSlotKeys));
  REQUIRE(parse_script_declaration("#!lua flags=\nreturn 1", declaration, error));
  CHECK(declaration.flags == 0);
}

TEST_CASE("script flags: Redis's errors") {
  ScriptDeclaration declaration;
  std::string error;
  CHECK_FALSE(parse_script_declaration("#!lua", declaration, error));
  CHECK(error == "Invalid script shebang");
  CHECK_FALSE(parse_script_declaration("#!luax\n", declaration, error));
  CHECK(error == "Unexpected engine in script shebang: #!luax");
  CHECK_FALSE(parse_script_declaration("#!lua bar=1\n", declaration, error));
  CHECK(error == "Unknown lua shebang option: bar=1");
  CHECK_FALSE(parse_script_declaration("#!lua flags=no-writes,,x\n", declaration, error));
  CHECK(error == "Unexpected flag in script shebang: ");
  CHECK_FALSE(parse_script_declaration("#!lua flags=foo\n", declaration, error));
  CHECK(error == "Unexpected flag in script shebang: foo");
}

}  // namespace
}  // namespace fkvs::scripting
