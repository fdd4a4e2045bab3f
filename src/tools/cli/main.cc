// fkvs-cli: redis-cli's one-shot, stdin and monitoring modes, and the
// interactive shell when stdin is a terminal.
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "fkvs_build_config.h"
#include "tools/cli/cli_options.h"
#include "tools/cli/client_config.h"
#include "tools/cli/interactive.h"
#include "tools/cli/latency_mode.h"
#include "tools/cli/line_mode.h"
#include "tools/cli/scan_mode.h"
#include "tools/cli/session.h"
#include "tools/cli/stat_mode.h"

namespace fkvs::cli {
namespace {

constexpr const char* kPasswordWarning =
    "Warning: Using a password with '-a' or '-u' option on the command line interface may not "
    "be safe.\n";

std::string read_all(std::FILE* in) {
  std::string data;
  char buffer[65536];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), in)) > 0) data.append(buffer, n);
  return data;
}

// The connection settings of a -d file over the defaults; nullopt after
// printing why the file could not be used.
std::optional<tools::ConnectionOptions> load_client_config(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "Could not open client config file '%s': %s\n", path.c_str(),
                 std::strerror(errno));
    return std::nullopt;
  }
  std::stringstream text;
  text << file.rdbuf();
  tools::ConnectionOptions options;
  if (auto error = apply_client_config(text.str(), options)) {
    std::fprintf(stderr, "Bad client config file '%s', line %d: %s\n", path.c_str(), error->line,
                 error->reason.c_str());
    return std::nullopt;
  }
  return options;
}

// Parses the command line, over a -d file when one is named: flags given
// anywhere override the file, so the file is read between two parses.
std::optional<CliOptions> options_from(const std::vector<std::string>& args) {
  auto parsed = parse_options(args);
  if (auto* options = std::get_if<CliOptions>(&parsed); options && !options->config_file.empty()) {
    auto base = load_client_config(options->config_file);
    if (!base) return std::nullopt;
    parsed = parse_options(args, *base);
  }
  if (auto* error = std::get_if<std::string>(&parsed)) {
    std::fprintf(stderr, "%s\n", error->c_str());
    return std::nullopt;
  }
  return std::get<CliOptions>(std::move(parsed));
}

void pause_for(double seconds) {
  if (seconds > 0) std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

// One command from the command line, -r times. As redis-cli: exit 1 when the
// connection fails, and on an error reply only with -e.
int run_one_shot(Session& session, const CliOptions& options) {
  if (is_help(options.command)) {
    print_help(std::span<const std::string>(options.command).subspan(1));
    return 0;
  }
  std::vector<std::string> command = options.command;
  if (options.last_arg_from_stdin) command.push_back(read_all(stdin));
  if (!session.connect()) return 1;
  session.set_errors_to_stderr(options.exit_on_error);
  for (long long left = options.repeat; options.repeat < 0 || left-- > 0;) {
    if (!session.execute(command) && (options.exit_on_error || !session.connected())) return 1;
    pause_for(options.interval_s);
  }
  return 0;
}

int run(const CliOptions& options) {
  if (options.mode == CliMode::kHelp) {
    std::fputs(usage_text().c_str(), stdout);
    return 0;
  }
  if (options.mode == CliMode::kVersion) {
    std::puts("fkvs-cli " FKVS_VERSION);
    return 0;
  }
  if (options.password_on_command_line && !options.no_auth_warning) {
    std::fputs(kPasswordWarning, stderr);
  }
  tools::ConnectionOptions connection = options.connection;
  if (const char* password = std::getenv("REDISCLI_AUTH");
      password && !options.password_on_command_line) {
    connection.password = password;
  }
  OutputMode mode =
      options.output.value_or(isatty(STDOUT_FILENO) ? OutputMode::kTty : OutputMode::kRaw);
  Session session(std::move(connection), mode);

  switch (options.mode) {
    case CliMode::kScan:
      if (!session.connect()) return 1;
      return run_scan(session, options.pattern, options.count, options.interval_s);
    case CliMode::kLatency:
      if (!session.connect()) return 1;
      return run_latency(session, options.latency_history, options.interval_s);
    case CliMode::kStat:
      if (!session.connect()) return 1;
      return run_stat(session, options.interval_s);
    default:
      break;
  }
  if (!options.command.empty()) return run_one_shot(session, options);

  // Without a command the session outlives a server that goes away: a write
  // to its closed socket must fail with EPIPE, not kill fkvs-cli.
  std::signal(SIGPIPE, SIG_IGN);
  session.connect();
  if (isatty(STDIN_FILENO) && !options.non_interactive) return run_interactive(session);
  return run_lines(session, stdin, options.interval_s);
}

}  // namespace
}  // namespace fkvs::cli

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto options = fkvs::cli::options_from(args);
  if (!options) return 1;
  return fkvs::cli::run(*options);
}
