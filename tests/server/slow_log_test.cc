#include "server/slow_log.h"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "server/redaction.h"

namespace fkvs {
namespace {

std::vector<std::string_view> views(const std::vector<std::string>& args) {
  return {args.begin(), args.end()};
}

void add(SlowLog& log, const std::vector<std::string>& args, size_t max_len = 128) {
  const auto view = views(args);
  log.add(view, redacted_arguments(view), 1700000000, 42, "127.0.0.1:5000", "name", max_len);
}

TEST_CASE("slow_log: newest first, ids counting up, the oldest dropped past the length") {
  SlowLog log;
  for (int i = 0; i < 5; ++i) add(log, {"set", "k" + std::to_string(i), "v"}, 3);
  REQUIRE(log.entries().size() == 3);
  CHECK(log.entries()[0].id == 4);
  CHECK(log.entries()[2].id == 2);
  CHECK(log.entries()[0].args == std::vector<std::string>{"set", "k4", "v"});
  CHECK(log.entries()[0].duration_us == 42);
  CHECK(log.entries()[0].peer == "127.0.0.1:5000");
  CHECK(log.entries()[0].client_name == "name");
  add(log, {"ping"}, 0);
  CHECK(log.entries().empty());
  log.reset();
  add(log, {"ping"});
  CHECK(log.entries()[0].id == 6);  // ids go on after a reset, as Redis's
}

TEST_CASE("slow_log: arguments trimmed as Redis trims them") {
  SlowLog log;
  std::vector<std::string> exactly(SlowLog::kMaxArguments, "a");
  add(log, exactly);
  CHECK(log.entries()[0].args == exactly);

  std::vector<std::string> many(SlowLog::kMaxArguments + 1, "a");
  add(log, many);
  REQUIRE(log.entries()[0].args.size() == SlowLog::kMaxArguments);
  CHECK(log.entries()[0].args.back() == "... (2 more arguments)");

  add(log, {"set", std::string(128, 'x'), std::string(129, 'y')});
  CHECK(log.entries()[0].args[1] == std::string(128, 'x'));
  CHECK(log.entries()[0].args[2] == std::string(128, 'y') + "... (1 more bytes)");
}

TEST_CASE("redaction: the secrets MONITOR and SLOWLOG hide") {
  auto redacted = [](std::vector<std::string> args) { return redacted_arguments(views(args)); };
  CHECK(redacted({"AUTH", "pw"}) == std::vector<bool>{false, true});
  CHECK(redacted({"auth", "user", "pw"}) == std::vector<bool>{false, true, true});
  CHECK(redacted({"HELLO", "3", "AUTH", "u", "p", "SETNAME", "n"}) ==
        std::vector<bool>{false, false, false, true, true, false, false});
  CHECK(redacted({"config", "set", "requirepass", "pw", "maxmemory", "1mb"}) ==
        std::vector<bool>{false, false, false, true, false, false});
  CHECK(redacted({"CONFIG", "SET", "MASTERAUTH", "pw"}) ==
        std::vector<bool>{false, false, false, true});
  CHECK(redacted({"config", "get", "requirepass"}) == std::vector<bool>{false, false, false});
  CHECK(redacted({"set", "auth", "pw"}) == std::vector<bool>{false, false, false});
}

}  // namespace
}  // namespace fkvs
