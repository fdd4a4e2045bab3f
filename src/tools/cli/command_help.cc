#include "tools/cli/command_help.h"

#include <algorithm>
#include <cctype>

#include "tools/cli/builtin_help_table.h"
#include "util/strings.h"

namespace fkvs::cli {
namespace {

std::string_view text_field(const ReplyNode& map, std::string_view key) {
  const ReplyNode* value = map.field(key);
  return value ? value->str() : std::string_view();
}

bool has_flag(const ReplyNode& argument, std::string_view flag) {
  const ReplyNode* flags = argument.field("flags");
  if (flags == nullptr) return false;
  for (const ReplyNode& element : flags->elements) {
    if (element.str() == flag) return true;
  }
  return false;
}

std::string one_argument(const ReplyNode& argument);

std::string joined(const ReplyNode& arguments, std::string_view separator) {
  std::string text;
  for (size_t i = 0; i < arguments.elements.size(); ++i) {
    if (i > 0) text += separator;
    text += one_argument(arguments.elements[i]);
  }
  return text;
}

std::string one_argument(const ReplyNode& argument) {
  std::string_view type = text_field(argument, "type");
  std::string_view token = text_field(argument, "token");
  const ReplyNode* children = argument.field("arguments");

  std::string body;
  if (type == "pure-token") {
    // MIGRATE's empty-string key is a token with no text; redis-cli shows it quoted.
    body = token.empty() ? "\"\"" : token;
  } else if ((type == "oneof" || type == "block") && children != nullptr) {
    body = joined(*children, type == "oneof" ? "|" : " ");
  } else {
    body = text_field(argument, "name");
  }
  std::string with_token = body;
  if (type != "pure-token" && !token.empty()) with_token = std::string(token) + " " + body;

  std::string text = with_token;
  if (has_flag(argument, "multiple")) {
    // "KEYS key [key ...]", but "GET pattern [GET pattern ...]" where each repeat
    // needs its token again.
    const std::string& repeat = has_flag(argument, "multiple_token") ? with_token : body;
    text += " [" + repeat + " ...]";
  }
  if (has_flag(argument, "optional")) text = "[" + text + "]";
  return text;
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

void add_entries(const ReplyNode& docs, std::vector<CommandHelp>& entries) {
  if (docs.type != ReplyNode::Type::kArray) return;
  for (size_t i = 0; i + 1 < docs.elements.size(); i += 2) {
    const ReplyNode& doc = docs.elements[i + 1];
    CommandHelp entry;
    // Subcommands are named "config|get".
    entry.name = upper(docs.elements[i].str());
    std::replace(entry.name.begin(), entry.name.end(), '|', ' ');
    if (const ReplyNode* arguments = doc.field("arguments")) {
      entry.params = argument_syntax(*arguments);
    } else if (const BuiltinHelp* builtin = find_builtin_help(entry.name)) {
      entry.params = builtin->params;
    }
    entry.summary = text_field(doc, "summary");
    entry.since = text_field(doc, "since");
    entry.group = text_field(doc, "group");
    entries.push_back(std::move(entry));
    if (const ReplyNode* subcommands = doc.field("subcommands")) {
      add_entries(*subcommands, entries);
    }
  }
}

void sort_by_name(std::vector<CommandHelp>& entries) {
  std::sort(entries.begin(), entries.end(),
            [](const CommandHelp& a, const CommandHelp& b) { return a.name < b.name; });
}

std::vector<std::string_view> words_of(std::string_view name) {
  std::vector<std::string_view> words;
  while (!name.empty()) {
    size_t space = name.find(' ');
    words.push_back(name.substr(0, space));
    if (space == std::string_view::npos) break;
    name.remove_prefix(space + 1);
  }
  return words;
}

bool name_begins_with(std::string_view name, std::span<const std::string> topic) {
  std::vector<std::string_view> words = words_of(name);
  if (topic.size() > words.size()) return false;
  for (size_t i = 0; i < topic.size(); ++i) {
    if (!equals_nocase(topic[i], words[i])) return false;
  }
  return true;
}

// redis-cli's layout and colours: bold name, grey syntax, yellow labels.
void append_entry(std::string& out, const CommandHelp& entry, bool with_group) {
  out += "\r\n  \x1b[1m" + entry.name + "\x1b[0m \x1b[90m" + entry.params + "\x1b[0m\r\n";
  out += "  \x1b[33msummary:\x1b[0m " + entry.summary + "\r\n";
  out += "  \x1b[33msince:\x1b[0m " + entry.since + "\r\n";
  if (with_group) out += "  \x1b[33mgroup:\x1b[0m " + entry.group + "\r\n";
}

}  // namespace

std::string argument_syntax(const ReplyNode& arguments) { return joined(arguments, " "); }

std::vector<CommandHelp> help_from_command_docs(const ReplyNode& docs) {
  std::vector<CommandHelp> entries;
  add_entries(docs, entries);
  sort_by_name(entries);
  return entries;
}

std::vector<CommandHelp> builtin_help() {
  std::vector<CommandHelp> entries;
  for (const BuiltinHelp& row : builtin_help_table()) {
    entries.push_back({std::string(row.name), std::string(row.params), std::string(row.summary),
                       std::string(row.since), std::string(row.group)});
  }
  sort_by_name(entries);
  return entries;
}

std::string general_help(std::string_view version) {
  std::string out = "fkvs-cli " + std::string(version) + "\n";
  out +=
      "To get help about Redis commands type:\n"
      "      \"help @<group>\" to get a list of commands in <group>\n"
      "      \"help <command>\" for help on <command>\n"
      "      \"help <tab>\" to get a list of possible help topics\n"
      "      \"quit\" to exit\n"
      "\n"
      "To set fkvs-cli preferences:\n"
      "      \":set hints\" enable online hints\n"
      "      \":set nohints\" disable online hints\n";
  return out;
}

std::string topic_help(std::span<const CommandHelp> entries, std::span<const std::string> topic) {
  std::string out;
  std::string_view group;
  if (!topic.empty() && topic[0].starts_with('@')) {
    std::string_view wanted = std::string_view(topic[0]).substr(1);
    for (const CommandHelp& entry : entries) {
      if (equals_nocase(entry.group, wanted)) group = entry.group;
    }
  }
  for (const CommandHelp& entry : entries) {
    if (!group.empty()) {
      if (entry.group == group) append_entry(out, entry, false);
    } else if (name_begins_with(entry.name, topic)) {
      append_entry(out, entry, true);
    }
  }
  // redis-cli ends every help with an empty line, even one that matched nothing.
  return out + "\n";
}

}  // namespace fkvs::cli
