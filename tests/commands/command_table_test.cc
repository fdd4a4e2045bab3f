#include "commands/command_table.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace fkvs {
namespace {

void no_op(CommandContext&) {}

constexpr CommandSpec kPlain[] = {
    {"get", 2, kReadOnly | kFast, 1, 1, 1, no_op, "string", "", "1.0.0"},
    {"set", -3, kWrite, 1, 1, 1, no_op, "string", "", "1.0.0"},
    {"getset", 3, kWrite, 1, 1, 1, no_op, "string", "", "1.0.0"},
};
constexpr CommandSpec kContainer = {"client", -2, 0, 0, 0, 0, nullptr, "connection", "", "2.4.0"};
constexpr CommandSpec kSubcommands[] = {
    {"client|id", 2, 0, 0, 0, 0, no_op, "connection", "", "5.0.0"},
    {"client|list", -2, kAdmin, 0, 0, 0, no_op, "connection", "", "2.4.0"},
};

TEST_CASE("command table: names are found whatever their case") {
  CommandTable table;
  table.add(kPlain);
  table.add_container(kContainer, kSubcommands);
  for (std::string name : {"get", "GET", "gEt", "set", "SET", "getset", "GetSet", "client"}) {
    const Command* command = table.find(name);
    REQUIRE(command != nullptr);
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(c | 0x20);
    CHECK(command->spec.name == lower);
  }
}

TEST_CASE("command table: unknown, empty, prefixed and over-long names are not found") {
  CommandTable table;
  table.add(kPlain);
  CHECK(table.find("ge") == nullptr);
  CHECK(table.find("gett") == nullptr);
  CHECK(table.find("") == nullptr);
  CHECK(table.find("client|id") == nullptr);
  CHECK(table.find(std::string(33, 'g')) == nullptr);
  CHECK(table.find(std::string("g\0t", 3)) == nullptr);
  CHECK(CommandTable().find("get") == nullptr);
}

TEST_CASE("command table: names of every length up to 32 bytes, compared in full") {
  // Names are keyed by their first 16 bytes in two words; lengths around the
  // word edges and beyond the key must still compare every byte.
  std::vector<std::string> names;
  for (size_t length = 1; length <= 32; ++length) {
    std::string name;
    for (size_t i = 0; i < length; ++i) name += static_cast<char>('a' + (i * 7 + length) % 26);
    names.push_back(name);
  }
  std::vector<CommandSpec> specs;
  for (const std::string& name : names) {
    specs.push_back({name.c_str(), 1, 0, 0, 0, 0, no_op, "test", "", "1.0.0"});
  }
  CommandTable table;
  table.add(specs);
  for (const std::string& name : names) {
    std::string upper = name;
    for (char& c : upper) c = static_cast<char>(c - 32);
    REQUIRE(table.find(upper) != nullptr);
    CHECK(table.find(upper)->spec.name == name);
    for (size_t i = 0; i < name.size(); ++i) {
      std::string changed = name;
      changed[i] = changed[i] == 'z' ? 'y' : static_cast<char>(changed[i] + 1);
      CHECK(table.find(changed) == nullptr);
    }
  }
}

TEST_CASE("command table: only ASCII letters fold") {
  CommandTable table;
  table.add(kPlain);
  // '@' and '[' sit just outside 'A'..'Z', and 0xC7 would be 'G' with the top bit.
  CHECK(table.find("@et") == nullptr);
  CHECK(table.find("[et") == nullptr);
  CHECK(table.find("\xc7"
                   "et") == nullptr);
  CHECK(table.find("\xc7"
                   "ET") == nullptr);
  CHECK(table.find("g\x85"
                   "t") == nullptr);
}

TEST_CASE("command table: a container resolves its subcommands without case") {
  CommandTable table;
  table.add_container(kContainer, kSubcommands);
  const Command* client = table.find("CLIENT");
  REQUIRE(client != nullptr);
  CHECK(client->is_container());
  REQUIRE(client->find_subcommand("LiSt") != nullptr);
  CHECK(client->find_subcommand("LiSt")->spec.name == "client|list");
  CHECK(client->find_subcommand("kill") == nullptr);
}

}  // namespace
}  // namespace fkvs
