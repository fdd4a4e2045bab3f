#include "tools/cli/sensitive_command.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using fkvs::cli::is_sensitive_command;
using Args = std::vector<std::string>;

TEST_CASE("cli history: commands carrying passwords are left out, as redis-cli 7.0.15 does") {
  CHECK(is_sensitive_command(Args{"AUTH", "pw"}));
  CHECK(is_sensitive_command(Args{"auth", "user", "pw"}));
  CHECK(is_sensitive_command(Args{"ACL", "SETUSER", "u", "on", ">pw"}));
  CHECK(is_sensitive_command(Args{"acl", "setuser", "u"}));
  CHECK(is_sensitive_command(Args{"CONFIG", "SET", "requirepass", "pw"}));
  CHECK(is_sensitive_command(Args{"config", "set", "masterauth", "pw"}));
  CHECK(is_sensitive_command(Args{"config", "set", "masteruser", "u"}));
  CHECK(is_sensitive_command(Args{"HELLO", "3", "AUTH", "u", "pw"}));
  CHECK(is_sensitive_command(Args{"MIGRATE", "h", "1", "k", "0", "100", "AUTH", "pw"}));
  CHECK(is_sensitive_command(Args{"migrate", "h", "1", "k", "0", "100", "auth2", "u", "pw"}));
}

TEST_CASE("cli history: everything else is kept") {
  CHECK_FALSE(is_sensitive_command(Args{"SET", "auth", "x"}));
  CHECK_FALSE(is_sensitive_command(Args{"ACL", "LIST"}));
  CHECK_FALSE(is_sensitive_command(Args{"CONFIG", "GET", "requirepass"}));
  // redis-cli looks at the first parameter of CONFIG SET only.
  CHECK_FALSE(is_sensitive_command(Args{"CONFIG", "SET", "maxmemory", "0", "requirepass", "x"}));
  CHECK_FALSE(is_sensitive_command(Args{"CONFIG", "SET", "tls-key-file-pass", "x"}));
  CHECK_FALSE(is_sensitive_command(Args{"HELLO", "2"}));
  CHECK_FALSE(is_sensitive_command(Args{"MIGRATE", "h", "1", "k", "0", "100"}));
  CHECK_FALSE(is_sensitive_command(Args{}));
}
