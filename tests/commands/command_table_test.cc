#include "commands/command_table.h"

#include <doctest/doctest.h>

#include <string>

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
