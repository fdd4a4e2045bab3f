// The configuration parsers on arbitrary bytes: the redis.conf reader (apply_config_text),
// the CONFIG SET value parsers (Config::set) and CONFIG GET (Config::get), checked for
// properties, not only for crashes.
//
// Input: a mode byte, then its text. An even mode byte ('F') makes the rest a config file:
//  - applying it either succeeds or throws ConfigError, shaped as redis-server's fatal
//    config error; nothing else escapes;
//  - once accepted, the configuration written back as a file (every option CONFIG GET *
//    shows, as `name "value"` with every unusual byte escaped, list options as their
//    words) and read into a fresh Config gives the same CONFIG GET *;
//  - every value CONFIG GET shows for a mutable option is one CONFIG SET accepts, and
//    setting it changes nothing (bind aside when an address holds a space: CONFIG GET
//    joins the addresses with spaces, as Redis does).
// An odd mode byte ('S') makes the rest a script of CONFIG SET and CONFIG GET calls, one
// per line: "name value" adds a change to the current CONFIG SET (the value runs to the
// end of the line, spaces included), "!name value" does too and makes that option's change
// handler refuse, an empty line runs the CONFIG SET (as does the end of the input), and
// "?pattern" runs CONFIG GET pattern. Each CONFIG SET is all or nothing:
//  - refused, it leaves CONFIG GET * exactly as it was (handlers refusing included);
//  - accepted, the change handlers ran for exactly the options whose shown value changed,
//    and saw the new values; setting each changed option again to the value it now shows
//    succeeds, changes nothing and runs no handler;
//  - CONFIG GET pattern shows each option once, with the value CONFIG GET * shows;
//  - the final configuration survives the config-file round trip above.
//
// Inputs that would make the reader open files ("include", however spelled) are rejected.
// "dir" is allowed: the reader only resolves it (lstat/readlink/getcwd), it neither changes
// into it nor creates or reads anything; CONFIG SET refuses it (a protected option).
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/config.h"
#include "split_arguments.h"
#include "util/glob.h"
#include "util/strings.h"

namespace fkvs {
namespace {

// What CONFIG GET shows: (name, value) pairs in the option table's order.
using Settings = std::vector<std::pair<std::string, std::string>>;

// The input being run, for failure messages.
std::string_view fuzz_input;

std::string printable(std::string_view bytes) {
  std::string out;
  for (const unsigned char c : bytes) {
    if (c >= 32 && c < 127 && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  return out;
}

[[noreturn]] void broken(std::string_view property, std::string_view detail = {}) {
  std::fprintf(stderr, "config fuzz: %.*s\n", static_cast<int>(property.size()), property.data());
  if (!detail.empty()) std::fprintf(stderr, "  %s\n", printable(detail).c_str());
  std::fprintf(stderr, "  input: %s\n", printable(fuzz_input).c_str());
  std::abort();
}

// The first option whose value differs, as "name: expected -> actual".
std::string first_difference(const Settings& expected, const Settings& actual) {
  if (expected.size() != actual.size()) {
    return "shows " + std::to_string(actual.size()) + " options, not " +
           std::to_string(expected.size());
  }
  for (size_t i = 0; i < expected.size(); ++i) {
    if (expected[i] != actual[i]) {
      return expected[i].first + ": '" + expected[i].second + "' -> " + actual[i].first + ": '" +
             actual[i].second + "'";
    }
  }
  return "no difference";
}

void expect_same_settings(std::string_view property, const Settings& expected,
                          const Settings& actual) {
  if (expected != actual) broken(property, first_difference(expected, actual));
}

// ---------------------------------------------------------------------------------------------
// Keeping the reader away from the file system.

// The first word of a config line as the reader splits it (quotes and escapes decoded), so
// that no spelling of "include" slips past; "" for a line the reader refuses.
std::string first_word(std::string_view line) {
  std::string unescaped(line.size(), '\0');
  std::vector<std::string_view> words;
  if (!resp::split_arguments(line, unescaped.data(), words) || words.empty()) return "";
  return std::string(words[0]);
}

// Whether some line, as the reader splits the text, is an include directive: the reader
// would read (or block on, or exhaust memory with) whatever file it names.
bool has_include(std::string_view text) {
  while (!text.empty()) {
    const size_t end = std::min(text.find('\n'), text.size());
    if (equals_nocase(first_word(text.substr(0, end)), "include")) return true;
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Writing a configuration back as a config file.

// A double-quoted config-file argument holding exactly `value`: bytes other than a few safe
// ones become \xHH, which the reader decodes to any byte (NUL and newline included).
std::string quoted(std::string_view value) {
  std::string out = "\"";
  for (const unsigned char c : value) {
    if (std::isalnum(c) || (c != 0 && std::strchr("-_./:@+,=", c) != nullptr)) {
      out += static_cast<char>(c);
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  return out + '"';
}

std::vector<std::string_view> space_separated_words(std::string_view value) {
  std::vector<std::string_view> words;
  for (size_t start = 0;;) {
    const size_t space = value.find(' ', start);
    words.push_back(value.substr(start, space - start));
    if (space == std::string_view::npos) return words;
    start = space + 1;
  }
}

// The options that take several arguments, shown joined by spaces. An empty value is no
// argument at all (`save ""`).
bool takes_words(std::string_view name) {
  return name == "save" || name == "client-output-buffer-limit";
}

// bind is written from its addresses rather than from what CONFIG GET shows: a file line
// with several arguments may give an address holding a space (bind "a b" c), and CONFIG GET
// joins the addresses with spaces, as Redis does, so its value alone cannot tell.
std::string bind_line(const Config& config) {
  std::string line = "bind";
  if (config.bind.size() == 1) {
    // The reader splits a lone argument again, as a line, so the address is quoted twice.
    return line + ' ' + quoted(quoted(config.bind[0]));
  }
  for (const std::string& address : config.bind) line += ' ' + quoted(address);
  return line;
}

std::string as_config_file(const Config& config, const Settings& settings) {
  std::string text;
  for (const auto& [name, value] : settings) {
    if (name == "bind") {
      text += bind_line(config);
    } else if (takes_words(name) && !value.empty()) {
      text += name;
      for (std::string_view word : space_separated_words(value)) text += ' ' + quoted(word);
    } else {
      text += name + ' ' + quoted(value);
    }
    text += '\n';
  }
  return text;
}

void check_file_round_trip(const Config& config) {
  const Settings settings = config.get("*");
  const std::string text = as_config_file(config, settings);
  Config again;
  try {
    apply_config_text(again, text, "rewritten.conf");
  } catch (const ConfigError& error) {
    broken("the configuration written back as a file is refused", error.what());
  }
  expect_same_settings("the configuration written back as a file reads back differently", settings,
                       again.get("*"));
}

// ---------------------------------------------------------------------------------------------
// Values shown are values accepted.

bool refused_as_unsettable(std::string_view refusal) {
  return refusal.ends_with("can't set immutable config") ||
         refusal.ends_with("can't set protected config");
}

// CONFIG GET bind cannot show an address holding a space (see bind_line).
bool bind_shown_faithfully(const Config& config) {
  return std::ranges::none_of(config.bind, [](const std::string& address) {
    return address.find(' ') != std::string::npos;
  });
}

// Sets every option named in `names` to the value it shows; each must be accepted (unless
// it cannot be set at all) and the configuration must stay as it was.
void check_shown_values_accepted(Config& config, const std::vector<std::string>& names) {
  const Settings shown = config.get("*");
  for (const auto& [name, value] : shown) {
    if (std::ranges::find(names, name) == names.end()) continue;
    if (name == "bind" && !bind_shown_faithfully(config)) continue;
    if (config.get(name).at(0).second != value) {
      broken("CONFIG GET name shows another value than CONFIG GET *", name);
    }
    const std::optional<std::string> refusal = config.set(name, value);
    if (refusal && !refused_as_unsettable(*refusal)) {
      broken("CONFIG SET refuses a value CONFIG GET shows", name + " '" + value + "': " + *refusal);
    }
  }
  expect_same_settings("setting options to the values they show changed the configuration", shown,
                       config.get("*"));
}

std::vector<std::string> names_of(const Settings& settings) {
  std::vector<std::string> names;
  for (const auto& setting : settings) names.push_back(setting.first);
  return names;
}

// ---------------------------------------------------------------------------------------------
// Mode 'F': a config file.

void fuzz_config_file(std::string_view text) {
  Config config;
  try {
    apply_config_text(config, text, "fuzz.conf");
  } catch (const ConfigError& error) {
    const std::string_view message = error.what();
    if (!message.starts_with("*** FATAL CONFIG FILE ERROR (fkvs ") ||
        message.find("\nReading the configuration file fuzz.conf, at line ") ==
            std::string_view::npos ||
        message.find("\n>>> '") == std::string_view::npos || message.ends_with('\n')) {
      broken("a config file error is not shaped as redis-server's", message);
    }
    return;
  } catch (const std::exception& error) {
    broken("apply_config_text threw something other than ConfigError", error.what());
  }
  check_file_round_trip(config);
  check_shown_values_accepted(config, names_of(config.get("*")));
}

// ---------------------------------------------------------------------------------------------
// Mode 'S': CONFIG SET and CONFIG GET calls.

// Change handlers for every option (under its name and, separately, under its alias), which
// record what they saw and refuse when told to.
struct HandlerRecord {
  const Config* config = nullptr;
  std::vector<std::string> refusing;  // names (as CONFIG SET was given them) whose handler refuses
  std::vector<std::pair<std::string, std::string>> calls;  // registered name, value it saw
};

void register_handlers(Config& config, HandlerRecord& record) {
  record.config = &config;
  for (const std::string& name : names_of(config.get("*"))) {
    config.on_change(name, [&record, name]() -> std::optional<std::string> {
      record.calls.emplace_back(name, record.config->get(name).at(0).second);
      const bool refuses = std::ranges::any_of(record.refusing, [&](const std::string& refusing) {
        return equals_nocase(refusing, name);
      });
      if (refuses) return "refused by the fuzzer's handler for " + name;
      return std::nullopt;
    });
  }
}

struct Change {
  std::string name;
  std::string value;
  bool handler_refuses;
};

Change parse_change(std::string_view line) {
  const bool handler_refuses = line.starts_with('!');
  if (handler_refuses) line.remove_prefix(1);
  const size_t space = line.find(' ');
  if (space == std::string_view::npos) return {std::string(line), "", handler_refuses};
  return {std::string(line.substr(0, space)), std::string(line.substr(space + 1)), handler_refuses};
}

// The names whose shown value differs (CONFIG GET * always lists the same names in order).
std::vector<std::string> changed_names(const Settings& before, const Settings& after) {
  if (names_of(before) != names_of(after)) broken("CONFIG GET * lists other options after a set");
  std::vector<std::string> changed;
  for (size_t i = 0; i < before.size(); ++i) {
    if (before[i].second != after[i].second) changed.push_back(before[i].first);
  }
  return changed;
}

void check_handler_calls(const HandlerRecord& record, const std::vector<std::string>& changed,
                         const Settings& after) {
  for (const auto& [name, seen] : record.calls) {
    if (std::ranges::find(changed, name) == changed.end()) {
      broken("a change handler ran for an option whose value did not change", name);
    }
    const auto shown = std::ranges::find(after, name, &Settings::value_type::first);
    if (shown == after.end()) broken("a change handler ran for an option CONFIG GET * lacks", name);
    if (seen != shown->second) {
      broken("a change handler saw another value than the one set", name + " saw '" + seen + "'");
    }
  }
  for (const std::string& name : changed) {
    if (std::ranges::find(record.calls, name, &Settings::value_type::first) == record.calls.end()) {
      broken("an option changed without its change handler running", name);
    }
  }
}

void run_config_set(Config& config, HandlerRecord& record, const std::vector<Change>& changes) {
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  record.refusing.clear();
  for (const Change& change : changes) {
    pairs.emplace_back(change.name, change.value);
    if (change.handler_refuses) record.refusing.push_back(change.name);
  }
  record.calls.clear();
  const Settings before = config.get("*");
  const std::optional<std::string> refusal = config.set(pairs);
  const Settings after = config.get("*");
  if (refusal) {
    if (!refusal->starts_with("ERR ")) broken("a CONFIG SET error is not an ERR reply", *refusal);
    expect_same_settings("a refused CONFIG SET changed the configuration", before, after);
    return;
  }
  const std::vector<std::string> changed = changed_names(before, after);
  check_handler_calls(record, changed, after);

  record.refusing.clear();
  record.calls.clear();
  check_shown_values_accepted(config, changed);
  if (!record.calls.empty()) {
    broken("a change handler ran when an option was set to the value it shows",
           record.calls.front().first);
  }
}

void check_config_get(const Config& config, std::string_view pattern) {
  const Settings all = config.get("*");
  const Settings found = config.get(pattern);
  const bool is_glob = pattern.find_first_of("*?[") != std::string_view::npos;
  size_t expected_count = 0;
  for (const auto& [name, value] : all) {
    expected_count += is_glob ? glob_match(pattern, name, true) : equals_nocase(pattern, name);
  }
  if (found.size() != expected_count) {
    broken("CONFIG GET shows another number of options than match the pattern", pattern);
  }
  // Not a structured binding: clang before 16 cannot capture one in a lambda.
  for (const auto& setting : found) {
    const std::string& name = setting.first;
    const std::string& value = setting.second;
    const auto same_name = [&](const auto& other) { return equals_nocase(other.first, name); };
    const auto shown = std::ranges::find_if(all, same_name);
    if (shown == all.end() || shown->second != value) {
      broken("CONFIG GET pattern shows another value than CONFIG GET *", name + " '" + value + "'");
    }
    if (!is_glob && name != pattern) broken("CONFIG GET does not echo the name as given", name);
  }
}

void fuzz_config_set_script(std::string_view script) {
  Config config;
  HandlerRecord record;
  register_handlers(config, record);
  std::vector<Change> pending;
  const auto flush = [&] {
    if (!pending.empty()) run_config_set(config, record, pending);
    pending.clear();
  };
  while (!script.empty()) {
    const size_t end = std::min(script.find('\n'), script.size());
    const std::string_view line = script.substr(0, end);
    script.remove_prefix(std::min(end + 1, script.size()));
    if (line.empty()) {
      flush();
    } else if (line.starts_with('?')) {
      check_config_get(config, line.substr(1));
    } else {
      pending.push_back(parse_change(line));
    }
  }
  flush();
  check_file_round_trip(config);
}

}  // namespace
}  // namespace fkvs

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  fkvs::fuzz_input = input;
  const std::string_view text = input.substr(1);
  try {
    if (data[0] % 2 == 0) {
      if (fkvs::has_include(text)) return -1;
      fkvs::fuzz_config_file(text);
    } else {
      fkvs::fuzz_config_set_script(text);
    }
  } catch (const std::exception& error) {
    fkvs::broken("an exception escaped the configuration code", error.what());
  }
  return 0;
}
