#include "tools/cli/line_mode.h"

#include <strings.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <thread>

#include "tools/cli/command_line.h"

namespace fkvs::cli {
namespace {

// The repeat count in "3 INCR n"; nullopt when the line does not start with
// one (a number alone is a command) and 0 for a count that is not positive.
std::optional<long> repeat_prefix(const std::vector<std::string>& args) {
  if (args.size() < 2) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  long count = std::strtol(args[0].c_str(), &end, 10);
  if (end == args[0].c_str() || *end != '\0') return std::nullopt;
  if (errno == ERANGE || count <= 0) return 0;
  return count;
}

bool read_line(std::FILE* in, std::string& line) {
  line.clear();
  int c;
  while ((c = std::fgetc(in)) != EOF) {
    if (c == '\n') return true;
    line += static_cast<char>(c);
  }
  return !line.empty();
}

}  // namespace

int run_lines(Session& session, std::FILE* in, double interval_s) {
  std::string line;
  while (read_line(in, line)) {
    auto args = split_command_line(line);
    if (!args) {
      std::fputs("Invalid argument(s)\n", stdout);
      std::fflush(stdout);
      continue;
    }
    if (args->empty()) continue;
    const char* name = (*args)[0].c_str();
    if (strcasecmp(name, "quit") == 0 || strcasecmp(name, "exit") == 0) return 0;

    std::optional<long> repeat = repeat_prefix(*args);
    if (repeat == 0) {
      std::fputs("Invalid redis-cli repeat command option value.\n", stdout);
      std::fflush(stdout);
      continue;
    }
    std::span<const std::string> command(*args);
    if (repeat) command = command.subspan(1);
    for (long i = 0; i < repeat.value_or(1); ++i) {
      session.execute(command);
      if (!session.connected()) break;
      if (interval_s > 0) std::this_thread::sleep_for(std::chrono::duration<double>(interval_s));
    }
  }
  return 0;
}

}  // namespace fkvs::cli
