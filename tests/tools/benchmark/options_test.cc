#include "tools/benchmark/options.h"

#include <doctest/doctest.h>

#include <string_view>
#include <vector>

using fkvs::benchmark::Action;
using fkvs::benchmark::parse_options;
using fkvs::benchmark::ParsedOptions;

namespace {

ParsedOptions parse(std::vector<std::string_view> args) { return parse_options(args); }

}  // namespace

TEST_CASE("benchmark options: redis-benchmark's defaults") {
  ParsedOptions parsed = parse({});
  REQUIRE(parsed.error.empty());
  CHECK(parsed.action == Action::kRun);
  const auto& options = parsed.options;
  CHECK(options.connection.host == "127.0.0.1");
  CHECK(options.connection.port == 6379);
  CHECK(options.clients == 50);
  CHECK(options.requests == 100000);
  CHECK(options.data_size == 3);
  CHECK(options.pipeline == 1);
  CHECK_FALSE(options.keyspace);
  CHECK(options.keepalive);
  CHECK(options.threads == 1);
  CHECK(options.precision == 3);
  CHECK(options.tests.empty());
  CHECK(options.command.empty());
}

TEST_CASE("benchmark options: every flag") {
  ParsedOptions parsed =
      parse({"-h", "example.org", "-p", "7000",        "-a", "pw",      "--user", "alice",
             "-c", "8",           "-n", "1234",        "-d", "100",     "-P",     "16",
             "-r", "1000",        "-t", "SET,Get",     "-q", "--csv",   "-l",     "--threads",
             "2",  "-k",          "0",  "--precision", "1",  "--dbnum", "3"});
  REQUIRE(parsed.error.empty());
  const auto& options = parsed.options;
  CHECK(options.connection.host == "example.org");
  CHECK(options.connection.port == 7000);
  CHECK(options.connection.password == "pw");
  CHECK(options.connection.user == "alice");
  CHECK(options.connection.db == 3);
  CHECK(options.clients == 8);
  CHECK(options.requests == 1234);
  CHECK(options.data_size == 100);
  CHECK(options.pipeline == 16);
  CHECK(options.keyspace == 1000);
  CHECK(options.tests == "set,get");
  CHECK(options.quiet);
  CHECK(options.csv);
  CHECK(options.loop);
  CHECK(options.threads == 2);
  CHECK_FALSE(options.keepalive);
  CHECK(options.precision == 1);
}

TEST_CASE("benchmark options: -u takes a URI or a unix socket path") {
  ParsedOptions uri = parse({"-u", "redis://bob:secret@10.0.0.1:7001/2"});
  REQUIRE(uri.error.empty());
  CHECK(uri.options.connection.host == "10.0.0.1");
  CHECK(uri.options.connection.port == 7001);
  CHECK(uri.options.connection.user == "bob");
  CHECK(uri.options.connection.password == "secret");
  CHECK(uri.options.connection.db == 2);
  CHECK_FALSE(uri.options.connection.uses_socket());

  ParsedOptions socket = parse({"-u", "/tmp/fkvs.sock"});
  REQUIRE(socket.error.empty());
  CHECK(socket.options.connection.socket_path == "/tmp/fkvs.sock");
  CHECK(parse({"-s", "/run/x.sock"}).options.connection.socket_path == "/run/x.sock");

  CHECK(parse({"-u", "rediss://host"}).error.find("TLS") != std::string::npos);
}

TEST_CASE("benchmark options: the first word that is no flag starts the command") {
  ParsedOptions parsed = parse({"-n", "1000", "LPUSH", "mylist", "-x", "__rand_int__"});
  REQUIRE(parsed.error.empty());
  CHECK(parsed.options.requests == 1000);
  CHECK(parsed.options.command ==
        std::vector<std::string>{"LPUSH", "mylist", "-x", "__rand_int__"});
}

TEST_CASE("benchmark options: help and version") {
  CHECK(parse({"--help"}).action == Action::kHelp);
  CHECK(parse({"-q", "--version"}).action == Action::kVersion);
}

TEST_CASE("benchmark options: bad flags and values are errors") {
  CHECK(parse({"--bogus"}).error == "Invalid option \"--bogus\"");
  CHECK(parse({"-c"}).error == "Option \"-c\" needs a value");
  CHECK(parse({"-c", "abc"}).error == "Invalid value for -c: \"abc\"");
  for (std::vector<std::string_view> bad : {std::vector<std::string_view>{"-c", "0"},
                                            {"-n", "0"},
                                            {"-n", "-5"},
                                            {"-P", "0"},
                                            {"-d", "0"},
                                            {"-r", "0"},
                                            {"-k", "2"},
                                            {"-p", "65536"},
                                            {"--threads", "0"},
                                            {"--precision", "7"},
                                            {"-c", "10x"},
                                            {"--user", "alice"}}) {
    CAPTURE(bad[0]);
    CHECK_FALSE(parse(bad).error.empty());
  }
}
