// fkvs-benchmark: redis-benchmark's flags, tests and output, with a load
// generator that can keep a single-threaded server busy.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "fkvs_build_config.h"
#include "tools/benchmark/load_generator.h"
#include "tools/benchmark/options.h"
#include "tools/benchmark/report.h"
#include "tools/benchmark/test_suite.h"
#include "tools/common/redis_connection.h"

namespace fkvs::benchmark {
namespace {

constexpr const char* kProgram = "fkvs-benchmark";

void print(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

std::string config_value(redisContext* context, std::string_view name, bool& ok) {
  tools::RedisReply reply = tools::run_command(context, {"CONFIG", "GET", name});
  if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
      reply->element[1]->type != REDIS_REPLY_STRING) {
    ok = false;
    return "";
  }
  return std::string(reply->element[1]->str, reply->element[1]->len);
}

// Connects once before any test, so that an unreachable server or a wrong
// password is one clear message instead of a failure per client, and reads
// the settings the full report shows.
bool check_server(const BenchmarkOptions& options, ServerSettings& settings) {
  std::string error;
  tools::RedisContext context = tools::open_connection(options.connection, error);
  if (!context) {
    std::fprintf(stderr, "%s: Could not connect to %s: %s\n", kProgram,
                 options.connection.endpoint().c_str(), error.c_str());
    return false;
  }
  if (auto failure = tools::authenticate_and_select(context.get(), options.connection)) {
    std::fprintf(stderr, "%s: AUTH or SELECT failed on %s: %s\n", kProgram,
                 options.connection.endpoint().c_str(), failure->c_str());
    return false;
  }
  if (!options.quiet && !options.csv) {
    bool ok = true;
    settings.save = config_value(context.get(), "save", ok);
    settings.appendonly = config_value(context.get(), "appendonly", ok);
    if (!ok) std::fprintf(stderr, "WARNING: Could not fetch server CONFIG\n");
  }
  return true;
}

// The live "TITLE: 123456.00" line, on a terminal only: redirected output
// stays exactly the report.
class ProgressLine {
 public:
  explicit ProgressLine(bool enabled) : enabled_(enabled) {}

  ProgressCallback callback(const std::string& title) {
    if (!enabled_) return nullptr;
    return [this, title](uint64_t finished, double elapsed_s) {
      char line[256];
      int length = std::snprintf(line, sizeof(line), "%s: %.2f", title.c_str(),
                                 elapsed_s > 0 ? static_cast<double>(finished) / elapsed_s : 0.0);
      width_ = std::max(width_, length);
      std::printf("\r%s", line);
      std::fflush(stdout);
    };
  }
  void clear() {
    if (width_ == 0) return;
    std::printf("\r%*s\r", width_, "");
    std::fflush(stdout);
    width_ = 0;
  }

 private:
  bool enabled_;
  int width_ = 0;
};

enum class Outcome { kPassed, kErrorReplies, kStopped };

// Runs one test and prints its report. Error replies fail the test but not
// the run; a test that could not complete (connection refused or lost, a
// reply that is not RESP) stops the run, since the next would fare no better.
Outcome run_test(const BenchmarkTest& test, const BenchmarkOptions& options,
                 const ServerSettings& settings, ProgressLine& progress) {
  std::unique_ptr<RunResult> result =
      run_benchmark(options, test.command, progress.callback(test.title));
  progress.clear();
  if (!result->fatal.empty()) {
    std::fprintf(stderr, "%s: %s: %s\n", kProgram, test.title.c_str(), result->fatal.c_str());
    return Outcome::kStopped;
  }
  if (options.csv) {
    print(csv_row(test.title, *result, options));
  } else if (options.quiet) {
    print(quiet_line(test.title, *result, options));
  } else {
    print(full_report(test.title, *result, options, settings));
  }
  if (result->errors > 0) {
    std::fprintf(stderr, "%s: %s: %llu of %llu replies were errors, the first: %s\n", kProgram,
                 test.title.c_str(), static_cast<unsigned long long>(result->errors),
                 static_cast<unsigned long long>(result->requests), result->first_error.c_str());
    return Outcome::kErrorReplies;
  }
  return Outcome::kPassed;
}

int run(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  ParsedOptions parsed = parse_options(args);
  if (!parsed.error.empty()) {
    std::fprintf(stderr, "%s: %s\nTry '%s --help' for the options.\n", kProgram,
                 parsed.error.c_str(), kProgram);
    return 1;
  }
  if (parsed.action == Action::kHelp) {
    print(std::string(usage_text()));
    return 0;
  }
  if (parsed.action == Action::kVersion) {
    print(std::string(kProgram) + " " + FKVS_VERSION + "\n");
    return 0;
  }
  const BenchmarkOptions& options = parsed.options;
  std::vector<BenchmarkTest> tests = select_tests(options);
  if (tests.empty()) {
    std::fprintf(stderr, "%s: -t %s selects no test\n", kProgram, options.tests.c_str());
    return 1;
  }
  // A server that closes a connection must not kill the whole run silently.
  std::signal(SIGPIPE, SIG_IGN);
  ServerSettings settings;
  if (!check_server(options, settings)) return 1;

  ProgressLine progress(!options.csv && isatty(STDOUT_FILENO));
  if (options.csv) print(std::string(kCsvHeader) + "\n");
  bool all_passed = true;
  do {
    for (const BenchmarkTest& test : tests) {
      Outcome outcome = run_test(test, options, settings, progress);
      if (outcome == Outcome::kStopped) return 1;
      all_passed &= outcome == Outcome::kPassed;
    }
  } while (options.loop);
  if (options.quiet && !options.csv) print("\n");
  return all_passed ? 0 : 1;
}

}  // namespace
}  // namespace fkvs::benchmark

int main(int argc, char** argv) { return fkvs::benchmark::run(argc, argv); }
