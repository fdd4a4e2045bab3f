#include "tools/cli/hints.h"

#include <cctype>
#include <vector>

#include "tools/cli/command_line.h"
#include "util/strings.h"

namespace fkvs::cli {
namespace {

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) words.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

// How many of the typed arguments the entry's name covers, or 0 when it does not match.
size_t matched_words(const CommandHelp& entry, const std::vector<std::string>& args) {
  std::vector<std::string_view> name = split_words(entry.name);
  if (name.size() > args.size()) return 0;
  for (size_t i = 0; i < name.size(); ++i) {
    if (!equals_nocase(name[i], args[i])) return 0;
  }
  return name.size();
}

}  // namespace

std::string command_hint(std::span<const CommandHelp> entries, std::string_view line) {
  std::optional<std::vector<std::string>> args = split_command_line(line);
  if (!args || args->empty()) return {};
  const CommandHelp* best = nullptr;
  size_t best_words = 0;
  for (const CommandHelp& entry : entries) {
    size_t words = matched_words(entry, *args);
    if (words > best_words) {
      best = &entry;
      best_words = words;
    }
  }
  if (best == nullptr) return {};

  std::vector<std::string_view> params = split_words(best->params);
  size_t typed = args->size() - best_words;
  size_t skip = 0;
  while (skip < typed && skip < params.size() && !params[skip].starts_with('[')) ++skip;
  std::string hint;
  for (size_t i = skip; i < params.size(); ++i) {
    if (!hint.empty()) hint += ' ';
    hint += params[i];
  }
  bool ends_in_space = !line.empty() && std::isspace(static_cast<unsigned char>(line.back()));
  return ends_in_space ? hint : " " + hint;
}

}  // namespace fkvs::cli
