#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tools/common/connection_options.h"

namespace fkvs::benchmark {

// The command line, with redis-benchmark 7.0's flags and defaults.
struct BenchmarkOptions {
  tools::ConnectionOptions connection;
  int clients = 50;
  uint64_t requests = 100000;
  size_t data_size = 3;
  int pipeline = 1;
  std::optional<uint64_t> keyspace;  // -r: substitute __rand_int__ when set
  std::string tests;                 // -t as given, lower-cased; empty selects all
  bool quiet = false;
  bool csv = false;
  bool loop = false;
  int threads = 1;
  bool keepalive = true;
  // redis-benchmark 7.0 accepts --precision but always prints 3 decimals;
  // here it sets the decimals of every latency figure, 3 unless given.
  int precision = 3;
  std::vector<std::string> command;  // a custom command replaces the default suite
};

enum class Action { kRun, kHelp, kVersion };

struct ParsedOptions {
  Action action = Action::kRun;
  BenchmarkOptions options;
  std::string error;  // set when the command line is unusable
};

// args excludes the program name.
ParsedOptions parse_options(std::span<const std::string_view> args);

std::string_view usage_text();

}  // namespace fkvs::benchmark
