#include "tools/cli/hints.h"

#include <doctest/doctest.h>

#include <vector>

using fkvs::cli::command_hint;
using fkvs::cli::CommandHelp;

namespace {

const std::vector<CommandHelp> kHintEntries = {
    {"CONFIG", "", "", "", "server"},
    {"CONFIG GET", "parameter [parameter ...]", "", "", "server"},
    {"GET", "key", "", "", "string"},
    {"SET", "key value [NX|XX] [GET]", "", "", "string"},
};

}  // namespace

TEST_CASE("cli hints: the syntax still to type, as redis-cli shows it") {
  CHECK(command_hint(kHintEntries, "SET") == " key value [NX|XX] [GET]");
  CHECK(command_hint(kHintEntries, "set ") == "key value [NX|XX] [GET]");
  CHECK(command_hint(kHintEntries, "SET k") == " value [NX|XX] [GET]");
  CHECK(command_hint(kHintEntries, "SET k ") == "value [NX|XX] [GET]");
  CHECK(command_hint(kHintEntries, "SET k v ") == "[NX|XX] [GET]");
  // Optional parts stay however many arguments follow.
  CHECK(command_hint(kHintEntries, "SET k v NX GET ") == "[NX|XX] [GET]");
  CHECK(command_hint(kHintEntries, "GET k ") == "");
  CHECK(command_hint(kHintEntries, "SET \"a b\" ") == "value [NX|XX] [GET]");
}

TEST_CASE("cli hints: the longest matching command name wins") {
  CHECK(command_hint(kHintEntries, "config get ") == "parameter [parameter ...]");
  CHECK(command_hint(kHintEntries, "config get") == " parameter [parameter ...]");
  CHECK(command_hint(kHintEntries, "config") == " ");
  CHECK(command_hint(kHintEntries, "config ge") == " ");
}

TEST_CASE("cli hints: none for unknown commands, empty lines and open quotes") {
  CHECK(command_hint(kHintEntries, "") == "");
  CHECK(command_hint(kHintEntries, "   ") == "");
  CHECK(command_hint(kHintEntries, "NOSUCH ") == "");
  CHECK(command_hint(kHintEntries, "SE") == "");
  CHECK(command_hint(kHintEntries, "3 SET ") == "");
  CHECK(command_hint(kHintEntries, "SET \"a ") == "");
}
