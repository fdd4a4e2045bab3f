#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tools/cli/reply_tree.h"

namespace fkvs::cli {

// One topic of the shell's help, the text `help <command>` prints and the hints show.
struct CommandHelp {
  std::string name;    // "SET", or "CONFIG GET" for a subcommand
  std::string params;  // "key value [NX|XX] [GET] ..."
  std::string summary;
  std::string since;
  std::string group;
};

// The syntax redis-cli shows after a command's name, built from the "arguments" array
// of a COMMAND DOCS entry: tokens in capitals, [optional] parts, "a|b" choices, blocks
// in sequence and "key [key ...]" for repeats.
std::string argument_syntax(const ReplyNode& arguments);

// Every command and subcommand of a COMMAND DOCS reply (RESP2 maps as flat arrays),
// sorted by name. An entry without an argument tree takes its syntax from the
// built-in table: fkvs-server documents only summary, since and group.
std::vector<CommandHelp> help_from_command_docs(const ReplyNode& docs);

// The built-in table as help entries, for a server without COMMAND DOCS.
std::vector<CommandHelp> builtin_help();

// `help` alone: the banner naming the version and the help topics.
std::string general_help(std::string_view version);

// What `help <topic>` prints, byte for byte as redis-cli 7.0 does on a terminal: for
// "@group" that group's entries, otherwise every entry whose name begins with the
// topic's words (so "help config" lists CONFIG and its subcommands), with its group.
std::string topic_help(std::span<const CommandHelp> entries, std::span<const std::string> topic);

}  // namespace fkvs::cli
