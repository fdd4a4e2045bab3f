#include "tools/cli/cli_options.h"

#include <cstdlib>

#include "fkvs_build_config.h"

namespace fkvs::cli {
namespace {

// redis-cli reads numeric flags with atoi/strtod: text that is not a number
// counts as 0 rather than an error.
int as_int(const std::string& text) { return std::atoi(text.c_str()); }

}  // namespace

std::variant<CliOptions, std::string> parse_options(std::span<const std::string> args,
                                                    tools::ConnectionOptions base) {
  CliOptions options;
  options.connection = std::move(base);
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    bool has_value = i + 1 < args.size();
    auto value = [&]() -> const std::string& { return args[++i]; };

    if (arg == "-h" && has_value) {
      options.connection.host = value();
    } else if (arg == "-h" || arg == "--help") {
      options.mode = CliMode::kHelp;
      return options;
    } else if (arg == "-v" || arg == "--version") {
      options.mode = CliMode::kVersion;
      return options;
    } else if (arg == "-p" && has_value) {
      options.connection.port = as_int(value());
    } else if (arg == "-s" && has_value) {
      options.connection.socket_path = value();
    } else if ((arg == "-a" || arg == "--pass") && has_value) {
      options.connection.password = value();
      options.password_on_command_line = true;
    } else if (arg == "--user" && has_value) {
      options.connection.user = value();
    } else if (arg == "-u" && has_value) {
      const std::string& target = value();
      if (!tools::looks_like_uri(target)) {
        // FKVS's -u named a unix socket.
        options.connection.socket_path = target;
        continue;
      }
      if (auto error = tools::apply_uri(target, options.connection)) return *error;
      if (options.connection.password) options.password_on_command_line = true;
    } else if (arg == "-n" && has_value) {
      options.connection.db = as_int(value());
    } else if (arg == "-d" && has_value) {
      options.config_file = value();
    } else if (arg == "-r" && has_value) {
      options.repeat = std::strtoll(value().c_str(), nullptr, 10);
    } else if (arg == "-i" && has_value) {
      options.interval_s = std::strtod(value().c_str(), nullptr);
    } else if (arg == "-x") {
      options.last_arg_from_stdin = true;
    } else if (arg == "-e") {
      options.exit_on_error = true;
    } else if (arg == "--raw") {
      options.output = OutputMode::kRaw;
    } else if (arg == "--no-raw") {
      options.output = OutputMode::kTty;
    } else if (arg == "--csv") {
      options.output = OutputMode::kCsv;
    } else if (arg == "--no-auth-warning") {
      options.no_auth_warning = true;
    } else if (arg == "--non-interactive") {
      options.non_interactive = true;
    } else if (arg == "--scan") {
      options.mode = CliMode::kScan;
    } else if (arg == "--pattern" && has_value) {
      options.pattern = value();
    } else if (arg == "--count" && has_value) {
      options.count = std::strtol(value().c_str(), nullptr, 10);
    } else if (arg == "--latency") {
      options.mode = CliMode::kLatency;
    } else if (arg == "--latency-history") {
      options.mode = CliMode::kLatency;
      options.latency_history = true;
    } else if (arg == "--stat") {
      options.mode = CliMode::kStat;
    } else if (!arg.empty() && arg[0] == '-') {
      return "Unrecognized option or bad number of args for: '" + arg + "'";
    } else {
      break;
    }
  }
  options.command.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  return options;
}

std::string usage_text() {
  return "fkvs-cli " FKVS_VERSION
         "\n"
         "\n"
         "Usage: fkvs-cli [OPTIONS] [cmd [arg [arg ...]]]\n"
         "  -h <hostname>      Server hostname (default: 127.0.0.1).\n"
         "  -p <port>          Server port (default: 6379).\n"
         "  -s <socket>        Server unix socket (overrides hostname and port).\n"
         "  -u <uri>           redis://[[user]:[password]@]host[:port][/db], or a unix\n"
         "                     socket path.\n"
         "  -a <password>      Password (also --pass, or the REDISCLI_AUTH environment\n"
         "                     variable, which does not show in ps).\n"
         "  --user <username>  ACL user for AUTH; needs a password too.\n"
         "  --no-auth-warning  No warning about a password on the command line.\n"
         "  -n <db>            Database number.\n"
         "  -d <file>          Client config file: host, port, socket, user, password\n"
         "                     and db lines; flags given here override it.\n"
         "  -r <repeat>        Run the command this many times (-1: forever).\n"
         "  -i <interval>      Seconds to wait between repeats, --scan pages and --stat\n"
         "                     rows; the history period of --latency-history.\n"
         "  -x                 Read the last argument from stdin.\n"
         "  -e                 Exit with status 1 when the command gets an error reply.\n"
         "  --raw              Print replies raw (the default when stdout is not a\n"
         "                     terminal).\n"
         "  --no-raw           Print replies formatted even when stdout is not a terminal.\n"
         "  --csv              Print replies as CSV.\n"
         "  --non-interactive  Never start the shell: run the command given, or read\n"
         "                     commands from stdin, one per line.\n"
         "  --scan             List keys with SCAN (--pattern <glob>, --count <n>).\n"
         "  --latency          Sample PING latency continuously (ms).\n"
         "  --latency-history  Like --latency, starting a new sample every -i seconds\n"
         "                     (default 15).\n"
         "  --stat             A rolling table of keys, memory, clients and requests.\n"
         "  --help             This text.\n"
         "  -v, --version      The version.\n"
         "\n"
         "With no command, fkvs-cli starts an interactive shell when stdin is a terminal\n"
         "and otherwise runs the commands read from stdin, one per line.\n";
}

}  // namespace fkvs::cli
