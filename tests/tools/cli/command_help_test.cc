#include "tools/cli/command_help.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "command_docs_replies.h"
#include "tools/cli/builtin_help_table.h"
#include "tools/cli/reply_tree.h"

namespace {

using fkvs::cli::CommandHelp;
using fkvs::cli::ReplyNode;
using fkvs::cli::ReplyParse;

ReplyNode parsed(std::string_view resp) {
  ReplyParse parse = fkvs::cli::parse_reply_tree(resp);
  REQUIRE(parse.status == ReplyParse::Status::kDone);
  REQUIRE(parse.consumed == resp.size());
  return std::move(parse.reply);
}

std::vector<CommandHelp> entries_of(std::string_view resp) {
  return fkvs::cli::help_from_command_docs(parsed(resp));
}

const CommandHelp& entry_named(const std::vector<CommandHelp>& entries, std::string_view name) {
  auto found = std::find_if(entries.begin(), entries.end(),
                            [&](const CommandHelp& entry) { return entry.name == name; });
  REQUIRE(found != entries.end());
  return *found;
}

std::string topic(const std::vector<CommandHelp>& entries, std::vector<std::string> words) {
  return fkvs::cli::topic_help(entries, words);
}

}  // namespace

TEST_CASE("cli help: syntax from redis-server's argument trees, as redis-cli 7.0 prints it") {
  std::vector<CommandHelp> set = entries_of(fkvs::cli::test::kRedisSetDocs);
  REQUIRE(set.size() == 1);
  CHECK(set[0].name == "SET");
  CHECK(set[0].params ==
        "key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|"
        "PXAT unix-time-milliseconds|KEEPTTL]");
  CHECK(set[0].summary == "Set the string value of a key");
  CHECK(set[0].since == "1.0.0");
  CHECK(set[0].group == "string");

  // Nested choices of blocks, an empty-string token, a repeated argument with a token.
  std::vector<CommandHelp> migrate = entries_of(fkvs::cli::test::kRedisMigrateDocs);
  CHECK(entry_named(migrate, "MIGRATE").params ==
        "host port key|\"\" destination-db timeout [COPY] [REPLACE] "
        "[[AUTH password]|[AUTH2 username password]] [KEYS key [key ...]]");

  // A repeated block; a repeat that needs its token each time (multiple_token).
  std::vector<CommandHelp> mset_sort = entries_of(fkvs::cli::test::kRedisMsetSortDocs);
  CHECK(entry_named(mset_sort, "MSET").params == "key value [key value ...]");
  CHECK(entry_named(mset_sort, "SORT").params ==
        "key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] "
        "[ALPHA] [STORE destination]");
}

TEST_CASE("cli help: subcommands become entries of their own, sorted by name") {
  std::vector<CommandHelp> config = entries_of(fkvs::cli::test::kRedisConfigDocs);
  std::vector<std::string> names;
  for (const CommandHelp& entry : config) names.push_back(entry.name);
  CHECK(names == std::vector<std::string>{"CONFIG", "CONFIG GET", "CONFIG HELP", "CONFIG RESETSTAT",
                                          "CONFIG REWRITE", "CONFIG SET"});
  CHECK(entry_named(config, "CONFIG").params.empty());
  CHECK(entry_named(config, "CONFIG SET").params == "parameter value [parameter value ...]");
}

TEST_CASE("cli help: fkvs-server's docs without arguments take the built-in syntax") {
  std::vector<CommandHelp> entries = entries_of(fkvs::cli::test::kFkvsGetConfigDocs);
  const CommandHelp& get = entry_named(entries, "GET");
  CHECK(get.params == "key");
  CHECK(get.summary == "Get the value of a key");
  CHECK(get.group == "string");
  CHECK(entry_named(entries, "CONFIG GET").params == "parameter [parameter ...]");
  CHECK(entry_named(entries, "CONFIG").params.empty());
}

TEST_CASE("cli help: help <command> prints redis-cli's layout and colours") {
  std::vector<CommandHelp> set = entries_of(fkvs::cli::test::kRedisSetDocs);
  CHECK(topic(set, {"set"}) ==
        "\r\n  \x1b[1mSET\x1b[0m \x1b[90mkey value [NX|XX] [GET] [EX seconds|PX milliseconds|"
        "EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]\x1b[0m\r\n"
        "  \x1b[33msummary:\x1b[0m Set the string value of a key\r\n"
        "  \x1b[33msince:\x1b[0m 1.0.0\r\n"
        "  \x1b[33mgroup:\x1b[0m string\r\n"
        "\n");
  CHECK(topic(set, {"SeT"}) == topic(set, {"set"}));
  // Nothing matches: redis-cli still prints the closing empty line.
  CHECK(topic(set, {"nosuch"}) == "\n");
  CHECK(topic(set, {"set", "key"}) == "\n");
}

TEST_CASE("cli help: a container's topic lists it and its subcommands") {
  std::vector<CommandHelp> config = entries_of(fkvs::cli::test::kRedisConfigDocs);
  std::string all = topic(config, {"config"});
  size_t listed = 0;
  for (size_t at = all.find("summary:"); at != std::string::npos;
       at = all.find("summary:", at + 1)) {
    ++listed;
  }
  CHECK(listed == 6);
  CHECK(all.find("\x1b[1mCONFIG\x1b[0m \x1b[90m\x1b[0m\r\n") != std::string::npos);
  std::string get = topic(config, {"config", "get"});
  CHECK(get.starts_with("\r\n  \x1b[1mCONFIG GET\x1b[0m \x1b[90mparameter [parameter ...]"));
  CHECK(get.find("CONFIG SET") == std::string::npos);
}

TEST_CASE("cli help: help @group lists the group's entries without the group line") {
  std::vector<CommandHelp> entries = fkvs::cli::builtin_help();
  std::string strings = topic(entries, {"@STRING"});
  CHECK(
      strings.starts_with("\r\n  \x1b[1mAPPEND\x1b[0m \x1b[90mkey value\x1b[0m\r\n"
                          "  \x1b[33msummary:\x1b[0m Append a value to a key\r\n"
                          "  \x1b[33msince:\x1b[0m 2.0.0\r\n"
                          "\r\n  \x1b[1mDECR\x1b[0m"));
  CHECK(strings.find("group:") == std::string::npos);
  CHECK(strings.find("\x1b[1mSET\x1b[0m") != std::string::npos);
  CHECK(strings.find("\x1b[1mDEL\x1b[0m") == std::string::npos);
  CHECK(strings.ends_with("\r\n\n"));
  CHECK(topic(entries, {"@nosuch"}) == "\n");
}

TEST_CASE("cli help: the banner names the version and the topics") {
  std::string banner = fkvs::cli::general_help("1.2.3");
  CHECK(banner.starts_with("fkvs-cli 1.2.3\nTo get help about Redis commands type:\n"));
  CHECK(banner.find("      \"help @<group>\" to get a list of commands in <group>\n") !=
        std::string::npos);
  CHECK(banner.find("      \"quit\" to exit\n") != std::string::npos);
}

TEST_CASE("cli help: the built-in table is sorted and found by exact name") {
  auto table = fkvs::cli::builtin_help_table();
  REQUIRE(table.size() > 50);
  CHECK(std::is_sorted(table.begin(), table.end(),
                       [](const auto& a, const auto& b) { return a.name < b.name; }));
  const fkvs::cli::BuiltinHelp* set = fkvs::cli::find_builtin_help("SET");
  REQUIRE(set != nullptr);
  CHECK(set->params ==
        "key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|"
        "PXAT unix-time-milliseconds|KEEPTTL]");
  CHECK(set->group == "string");
  const fkvs::cli::BuiltinHelp* object = fkvs::cli::find_builtin_help("OBJECT ENCODING");
  REQUIRE(object != nullptr);
  CHECK(object->params == "key");
  CHECK(fkvs::cli::find_builtin_help("set") == nullptr);
  CHECK(fkvs::cli::find_builtin_help("NOSUCH") == nullptr);
}
