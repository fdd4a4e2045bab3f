#include "tools/cli/line_mode.h"

#include <strings.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <thread>

#include "fkvs_build_config.h"
#include "tools/cli/command_help.h"
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

// "connect host port": the rest of the settings (AUTH, db) carry over. As in
// redis-cli, a port that is not a number is 0.
void reconnect(Session& session, const std::string& host, const std::string& port) {
  tools::ConnectionOptions options = session.options();
  options.host = host;
  options.port = std::atoi(port.c_str());
  options.socket_path.clear();
  session = Session(std::move(options), session.mode());
  session.connect();
}

// One line without its newline. redis-cli hands lines on as C strings, so a
// NUL byte ends the line's text there ("\x00" in quotes still sends one).
bool read_line(std::FILE* in, std::string& line) {
  line.clear();
  bool any = false;
  int c;
  while ((c = std::fgetc(in)) != EOF) {
    any = true;
    if (c == '\n') break;
    line += static_cast<char>(c);
  }
  line.resize(std::char_traits<char>::length(line.c_str()));
  return any;
}

}  // namespace

bool is_help(std::span<const std::string> args) {
  return !args.empty() && (strcasecmp(args[0].c_str(), "help") == 0 || args[0] == "?");
}

void print_help(std::span<const std::string> topic) {
  std::string text = topic.empty() ? general_help(FKVS_VERSION) : topic_help(builtin_help(), topic);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

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
    if (strcasecmp(name, "connect") == 0 && args->size() == 3) {
      reconnect(session, (*args)[1], (*args)[2]);
      continue;
    }
    if (is_help(*args)) {
      print_help(std::span<const std::string>(*args).subspan(1));
      continue;
    }

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
