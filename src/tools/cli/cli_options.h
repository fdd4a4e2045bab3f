#pragma once

#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "tools/cli/session.h"
#include "tools/common/connection_options.h"

namespace fkvs::cli {

// What fkvs-cli does once connected.
enum class CliMode { kCommands, kScan, kLatency, kStat, kHelp, kVersion };

// fkvs-cli's command line: redis-cli 7.0's flags, plus -d FILE (a client
// config file, FKVS's idea), --non-interactive and --count for --scan.
struct CliOptions {
  tools::ConnectionOptions connection;
  // -a, --pass or a password in a -u URI: redis-cli warns that it may leak.
  bool password_on_command_line = false;
  bool no_auth_warning = false;
  std::string config_file;           // -d
  std::optional<OutputMode> output;  // unset: TTY format only when stdout is a terminal
  long long repeat = 1;              // -r; negative repeats forever
  double interval_s = 0;             // -i
  bool last_arg_from_stdin = false;  // -x
  bool exit_on_error = false;        // -e
  bool non_interactive = false;      // --non-interactive
  CliMode mode = CliMode::kCommands;
  bool latency_history = false;        // --latency-history
  std::optional<std::string> pattern;  // --pattern for --scan
  long count = 0;                      // --count for --scan; 0 leaves COUNT out
  std::vector<std::string> command;    // everything from the first non-option on
};

// Parses args (argv without the program name) over base, the connection
// settings from a -d file or the defaults. Returns the options, or the message
// redis-cli prints for a bad flag ("Unrecognized option or bad number of args
// for: '-p'") or for a bad -u URI.
std::variant<CliOptions, std::string> parse_options(std::span<const std::string> args,
                                                    tools::ConnectionOptions base = {});

// The text --help prints.
std::string usage_text();

}  // namespace fkvs::cli
