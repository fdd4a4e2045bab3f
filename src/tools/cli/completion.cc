#include "tools/cli/completion.h"

#include <strings.h>

#include <algorithm>
#include <cctype>

namespace fkvs::cli {
namespace {

constexpr std::string_view kHelpPrefix = "help ";

bool begins_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         strncasecmp(text.data(), prefix.data(), prefix.size()) == 0;
}

// Upper case only when the first letter typed is a capital.
std::string in_case_of(std::string_view typed, std::string_view name) {
  std::string out(name);
  bool lower = true;
  for (char c : typed) {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      lower = std::islower(static_cast<unsigned char>(c));
      break;
    }
  }
  for (char& c : out) {
    unsigned char u = static_cast<unsigned char>(c);
    c = static_cast<char>(lower ? std::tolower(u) : std::toupper(u));
  }
  return out;
}

}  // namespace

std::vector<std::string> complete_line(std::span<const CommandHelp> entries,
                                       std::string_view typed) {
  std::vector<std::string> completions;
  std::string_view lead;
  std::string_view word = typed;
  if (begins_with_ignoring_case(typed, kHelpPrefix)) {
    lead = typed.substr(0, kHelpPrefix.size());
    word = typed.substr(kHelpPrefix.size());
  }
  // Tab on an empty line would list every command; help topics are listed on purpose.
  if (typed.empty()) return completions;
  std::string_view case_model = word.empty() ? typed : word;
  for (const CommandHelp& entry : entries) {
    if (begins_with_ignoring_case(entry.name, word)) {
      completions.push_back(std::string(lead) + in_case_of(case_model, entry.name));
    }
    if (!lead.empty() && begins_with_ignoring_case("@" + entry.group, word)) {
      completions.push_back(std::string(lead) + in_case_of(case_model, "@" + entry.group));
    }
  }
  std::sort(completions.begin(), completions.end());
  completions.erase(std::unique(completions.begin(), completions.end()), completions.end());
  return completions;
}

std::string common_prefix(std::span<const std::string> completions) {
  if (completions.empty()) return {};
  std::string prefix = completions[0];
  for (const std::string& completion : completions.subspan(1)) {
    size_t same = 0;
    while (same < prefix.size() && same < completion.size() &&
           std::tolower(static_cast<unsigned char>(prefix[same])) ==
               std::tolower(static_cast<unsigned char>(completion[same]))) {
      ++same;
    }
    prefix.resize(same);
  }
  return prefix;
}

}  // namespace fkvs::cli
