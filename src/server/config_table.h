#pragma once

// Internal to the configuration: what config_reader.cc (redis.conf text and the command line)
// needs of the option table in config.cc. Other files use config.h.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/config.h"

namespace fkvs::config_detail {

// Why a value was refused, in redis-server's words; nullopt when it was accepted.
using Refusal = std::optional<std::string>;
using Args = std::span<const std::string_view>;

// Start-up adds each "save" line to the ones before it; CONFIG SET replaces the list.
enum class SetMode { kLoad, kConfigSet };

// One option of the table; defined in config.cc, which alone looks inside.
struct OptionSpec;

// The option called `name` (case-insensitively), or nullptr.
const OptionSpec* find_option(std::string_view name);

// Whether the option takes any number of arguments rather than exactly one.
bool takes_list(const OptionSpec& spec);

// Stores `args` (exactly one unless the option takes a list) into `config`.
Refusal assign(const OptionSpec& spec, Config& config, Args args, SetMode mode);

// CONFIG REWRITE's lines for one option, which together set its current value. A line is
// `needed` in a file that has no line for the option yet when the value differs from the
// default, or when Redis always writes the option (dir, save).
struct RewriteLine {
  std::string text;
  bool needed;
};
struct RewriteOption {
  std::string_view name;
  std::string_view alias;  // an older name a file may still use
  std::vector<RewriteLine> lines;
};
std::vector<RewriteOption> rewrite_options(const Config& config);

// A list option's value as Redis splits it: one argument per space ("" is no argument at all).
std::vector<std::string_view> split_at_spaces(std::string_view value);

}  // namespace fkvs::config_detail
