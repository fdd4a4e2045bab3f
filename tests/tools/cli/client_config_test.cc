#include "tools/cli/client_config.h"

#include <doctest/doctest.h>

using fkvs::cli::apply_client_config;
using fkvs::tools::ConnectionOptions;

TEST_CASE("cli client config: every key, comments and blank lines") {
  ConnectionOptions options;
  auto error = apply_client_config(
      "# where fkvs runs\n"
      "host db.example\n"
      "\n"
      "  PORT 7000\r\n"
      "user alice\n"
      "password \"s3cret pass\"\n"
      "db 2\n"
      "   # indented comment\n",
      options);
  CHECK_FALSE(error);
  CHECK(options.host == "db.example");
  CHECK(options.port == 7000);
  CHECK(options.user == "alice");
  CHECK(options.password == "s3cret pass");
  CHECK(options.db == 2);
  CHECK_FALSE(options.uses_socket());
}

TEST_CASE("cli client config: socket, quoting and a later line winning") {
  ConnectionOptions options;
  CHECK_FALSE(
      apply_client_config("socket /tmp/a.sock\nsocket '/tmp/b c.sock'\n"
                          "password \"p\\x00w\"",
                          options));
  CHECK(options.socket_path == "/tmp/b c.sock");
  CHECK(options.password == std::string("p\0w", 3));
}

TEST_CASE("cli client config: mistakes name their line") {
  ConnectionOptions options;
  auto unknown = apply_client_config("host h\nhots x\n", options);
  REQUIRE(unknown);
  CHECK(unknown->line == 2);
  CHECK(unknown->reason == "unknown key 'hots'");

  auto port = apply_client_config("port 70000\n", options);
  REQUIRE(port);
  CHECK(port->line == 1);
  CHECK(port->reason == "port must be a number from 0 to 65535");

  CHECK(apply_client_config("db -1\n", options)->reason == "db must be a non-negative number");
  CHECK(apply_client_config("port\n", options)->reason == "expected a key and one value");
  CHECK(apply_client_config("host a b\n", options)->reason == "expected a key and one value");
  CHECK(apply_client_config("host \"a\n", options)->reason == "unbalanced quotes");
}
