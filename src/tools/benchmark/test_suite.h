#pragma once

#include <string>
#include <vector>

#include "tools/benchmark/command_template.h"
#include "tools/benchmark/options.h"

namespace fkvs::benchmark {

// One benchmark: its title as printed (and matched by --csv readers) and the
// command every request sends.
struct BenchmarkTest {
  std::string title;
  CommandTemplate command;
};

// What to run: the custom command when one was given, otherwise the tests of
// redis-benchmark 7.0's default suite that -t selects, in the suite's order
// (not -t's), with its keys, values and argument shapes.
std::vector<BenchmarkTest> select_tests(const BenchmarkOptions& options);

// The -d payload: fixed, printable, not one repeated byte.
std::string payload(size_t size);

}  // namespace fkvs::benchmark
