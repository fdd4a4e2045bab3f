#include "tools/cli/completion.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using fkvs::cli::CommandHelp;
using fkvs::cli::common_prefix;
using fkvs::cli::complete_line;

namespace {

const std::vector<CommandHelp> kEntries = {
    {"CONFIG", "", "", "", "server"},
    {"CONFIG GET", "parameter [parameter ...]", "", "", "server"},
    {"GET", "key", "", "", "string"},
    {"GETDEL", "key", "", "", "string"},
    {"SET", "key value", "", "", "string"},
};

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("cli completion: command names in the case typed") {
  CHECK(complete_line(kEntries, "ge") == Lines{"get", "getdel"});
  CHECK(complete_line(kEntries, "GE") == Lines{"GET", "GETDEL"});
  CHECK(complete_line(kEntries, "s") == Lines{"set"});
  CHECK(complete_line(kEntries, "config g") == Lines{"config get"});
  CHECK(complete_line(kEntries, "x").empty());
  // An empty line would list everything.
  CHECK(complete_line(kEntries, "").empty());
}

TEST_CASE("cli completion: help topics after help, groups included, without repeats") {
  CHECK(complete_line(kEntries, "help @s") == Lines{"help @server", "help @string"});
  CHECK(complete_line(kEntries, "help GETD") == Lines{"help GETDEL"});
  CHECK(complete_line(kEntries, "help ").size() == 7);
}

TEST_CASE("cli completion: the common prefix ignores case") {
  CHECK(common_prefix(Lines{"get", "getdel"}) == "get");
  CHECK(common_prefix(Lines{"config", "CONFIG GET"}) == "config");
  CHECK(common_prefix(Lines{"set"}) == "set");
  CHECK(common_prefix(Lines{}).empty());
}
