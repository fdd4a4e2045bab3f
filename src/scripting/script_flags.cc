#include "scripting/script_flags.h"

#include <array>
#include <optional>
#include <utility>
#include <vector>

namespace fkvs::scripting {
namespace {

constexpr std::array<std::pair<std::string_view, ScriptFlag>, 5> kShebangFlagNames = {{
    {"no-writes", kScriptNoWrites},
    {"allow-oom", kScriptAllowOom},
    {"allow-stale", kScriptAllowStale},
    {"no-cluster", kScriptNoCluster},
    {"allow-cross-slot-keys", kScriptAllowCrossSlotKeys},
}};

std::vector<std::string_view> split_shebang_words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

}  // namespace

std::optional<ScriptFlag> script_flag_named(std::string_view name) {
  for (const auto& [flag_name, flag] : kShebangFlagNames) {
    if (name == flag_name) return flag;
  }
  return std::nullopt;
}

std::vector<std::string_view> script_flag_names(uint32_t flags) {
  std::vector<std::string_view> names;
  for (const auto& [flag_name, flag] : kShebangFlagNames) {
    if (flags & flag) names.push_back(flag_name);
  }
  return names;
}

bool parse_script_declaration(std::string_view body, ScriptDeclaration& declaration,
                              std::string& error) {
  declaration = {};
  if (!body.starts_with("#!")) return true;
  const size_t end = body.find('\n');
  if (end == std::string_view::npos) {
    error = "Invalid script shebang";
    return false;
  }
  declaration.has_shebang = true;
  declaration.shebang_length = end;
  const std::vector<std::string_view> words = split_shebang_words(body.substr(0, end));
  if (words.empty()) {
    error = "Invalid engine in script shebang";
    return false;
  }
  if (words[0] != "#!lua") {
    error = "Unexpected engine in script shebang: " + std::string(words[0]);
    return false;
  }
  for (size_t i = 1; i < words.size(); ++i) {
    std::string_view word = words[i];
    if (!word.starts_with("flags=")) {
      error = "Unknown lua shebang option: " + std::string(word);
      return false;
    }
    word.remove_prefix(6);
    while (!word.empty()) {
      const size_t comma = word.find(',');
      const std::string_view name = word.substr(0, comma);
      word = comma == std::string_view::npos ? std::string_view() : word.substr(comma + 1);
      const std::optional<ScriptFlag> flag = script_flag_named(name);
      if (!flag) {
        error = "Unexpected flag in script shebang: " + std::string(name);
        return false;
      }
      declaration.flags |= *flag;
    }
  }
  return true;
}

}  // namespace fkvs::scripting
