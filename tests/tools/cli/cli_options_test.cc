#include "tools/cli/cli_options.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using fkvs::cli::CliMode;
using fkvs::cli::CliOptions;
using fkvs::cli::OutputMode;
using fkvs::cli::parse_options;

namespace {

CliOptions parsed(std::vector<std::string> args, fkvs::tools::ConnectionOptions base = {}) {
  auto result = parse_options(args, std::move(base));
  REQUIRE(std::holds_alternative<CliOptions>(result));
  return std::get<CliOptions>(result);
}

std::string error_of(std::vector<std::string> args) {
  auto result = parse_options(args);
  REQUIRE(std::holds_alternative<std::string>(result));
  return std::get<std::string>(result);
}

}  // namespace

TEST_CASE("cli options: connection flags") {
  CliOptions options = parsed(
      {"-h", "example.org", "-p", "7000", "-n", "3", "--user", "alice", "-a", "pw", "GET", "k"});
  CHECK(options.connection.host == "example.org");
  CHECK(options.connection.port == 7000);
  CHECK(options.connection.db == 3);
  CHECK(options.connection.user == "alice");
  CHECK(options.connection.password == "pw");
  CHECK(options.password_on_command_line);
  CHECK(options.command == std::vector<std::string>{"GET", "k"});
  CHECK(options.mode == CliMode::kCommands);
}

TEST_CASE("cli options: the first non-option starts the command") {
  CliOptions options = parsed({"-p", "7000", "ping", "-p", "5"});
  CHECK(options.connection.port == 7000);
  CHECK(options.command == std::vector<std::string>{"ping", "-p", "5"});
  CHECK(parsed({}).command.empty());
}

TEST_CASE("cli options: numbers are read as redis-cli reads them") {
  CHECK(parsed({"-p", "abc"}).connection.port == 0);
  CHECK(parsed({"-r", "-1"}).repeat == -1);
  CHECK(parsed({"-r", "x"}).repeat == 0);
  CHECK(parsed({"-i", "0.25"}).interval_s == doctest::Approx(0.25));
  CHECK(parsed({}).repeat == 1);
}

TEST_CASE("cli options: bad flags and missing values are errors") {
  CHECK(error_of({"--bogus"}) == "Unrecognized option or bad number of args for: '--bogus'");
  CHECK(error_of({"-p"}) == "Unrecognized option or bad number of args for: '-p'");
  CHECK(error_of({"--"}) == "Unrecognized option or bad number of args for: '--'");
  CHECK(error_of({"-u", "redis://host:notaport"}) == "Invalid port in URI");
  CHECK(error_of({"-u", "rediss://host"}) == "TLS (rediss://) is not supported");
}

TEST_CASE("cli options: -h alone asks for help, -v for the version") {
  CHECK(parsed({"-h"}).mode == CliMode::kHelp);
  CHECK(parsed({"--help", "-p", "1"}).mode == CliMode::kHelp);
  CHECK(parsed({"-v"}).mode == CliMode::kVersion);
  CHECK(parsed({"-h", "host"}).mode == CliMode::kCommands);
}

TEST_CASE("cli options: the last output flag wins") {
  CHECK_FALSE(parsed({}).output);
  CHECK(parsed({"--raw"}).output == OutputMode::kRaw);
  CHECK(parsed({"--no-raw", "--raw"}).output == OutputMode::kRaw);
  CHECK(parsed({"--raw", "--no-raw"}).output == OutputMode::kTty);
  CHECK(parsed({"--csv"}).output == OutputMode::kCsv);
}

TEST_CASE("cli options: -u takes a URI or, as in FKVS, a socket path") {
  CliOptions uri = parsed({"-u", "redis://bob:secret@db.example:6390/4"});
  CHECK(uri.connection.host == "db.example");
  CHECK(uri.connection.port == 6390);
  CHECK(uri.connection.user == "bob");
  CHECK(uri.connection.password == "secret");
  CHECK(uri.connection.db == 4);
  CHECK(uri.password_on_command_line);
  CHECK_FALSE(parsed({"-u", "redis://host"}).password_on_command_line);

  CliOptions socket = parsed({"-u", "/run/fkvs.sock"});
  CHECK(socket.connection.socket_path == "/run/fkvs.sock");
  CHECK(socket.connection.uses_socket());
}

TEST_CASE("cli options: modes and their settings") {
  CliOptions scan = parsed({"--scan", "--pattern", "user:*", "--count", "100"});
  CHECK(scan.mode == CliMode::kScan);
  CHECK(scan.pattern == "user:*");
  CHECK(scan.count == 100);
  CHECK(parsed({"--latency"}).mode == CliMode::kLatency);
  CHECK_FALSE(parsed({"--latency"}).latency_history);
  CHECK(parsed({"--latency-history"}).latency_history);
  CHECK(parsed({"--stat", "-i", "2"}).mode == CliMode::kStat);
  CliOptions flags = parsed({"-x", "-e", "--non-interactive", "--no-auth-warning", "-d", "f"});
  CHECK(flags.last_arg_from_stdin);
  CHECK(flags.exit_on_error);
  CHECK(flags.non_interactive);
  CHECK(flags.no_auth_warning);
  CHECK(flags.config_file == "f");
}

TEST_CASE("cli options: flags override the client config file's settings") {
  fkvs::tools::ConnectionOptions base;
  base.host = "from-file";
  base.port = 7001;
  base.password = "file-pw";
  CliOptions options = parsed({"-p", "7002"}, base);
  CHECK(options.connection.host == "from-file");
  CHECK(options.connection.port == 7002);
  CHECK(options.connection.password == "file-pw");
  CHECK_FALSE(options.password_on_command_line);
}
