#include "scripting/library_metadata.h"

#include <doctest/doctest.h>

#include <string>

namespace fkvs::scripting {
namespace {

std::string metadata_error(std::string_view code) {
  LibraryMetadata metadata;
  std::string error;
  CHECK_FALSE(parse_library_metadata(code, metadata, error));
  return error;
}

TEST_CASE("library metadata: engine, name and the line's length") {
  LibraryMetadata metadata;
  std::string error;
  REQUIRE(parse_library_metadata("#!lua name=mylib\nreturn 1", metadata, error));
  CHECK(metadata.engine == "lua");
  CHECK(metadata.name == "mylib");
  CHECK(metadata.line_length == 16);
  REQUIRE(parse_library_metadata("#!LUA   name=\"quoted\"  \n", metadata, error));
  CHECK(metadata.engine == "LUA");
  CHECK(metadata.name == "quoted");
  REQUIRE(parse_library_metadata("#! name=x\n", metadata, error));
  CHECK(metadata.engine.empty());
}

TEST_CASE("library metadata: Redis's errors") {
  CHECK(metadata_error("return 1") == "Missing library metadata");
  CHECK(metadata_error("#!lua name=x") == "Invalid library metadata");
  CHECK(metadata_error(std::string_view("#!lua name=a\0b\n", 15)) == "Invalid library metadata");
  CHECK(metadata_error("#!lua name=\"open\n") == "Invalid library metadata");
  CHECK(metadata_error("#!lua\n") == "Library name was not given");
  CHECK(metadata_error("#!lua name=x foo=bar\n") == "Invalid metadata value given: foo=bar");
  CHECK(metadata_error("#!lua name=x name=y\n") ==
        "Invalid metadata value, name argument was given multiple times");
}

TEST_CASE("library metadata: names are letters, digits and underscores") {
  CHECK(valid_library_name("abc_XYZ_019"));
  CHECK_FALSE(valid_library_name(""));
  CHECK_FALSE(valid_library_name("a-b"));
  CHECK_FALSE(valid_library_name("a b"));
  CHECK_FALSE(valid_library_name(std::string_view("a\0b", 3)));
}

}  // namespace
}  // namespace fkvs::scripting
