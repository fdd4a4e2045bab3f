#include "server/keyspace_events.h"

#include <doctest/doctest.h>

namespace fkvs::keyspace_events {

TEST_CASE("keyspace events: CONFIG GET shows what redis-server 7.0 shows") {
  // Each pair was read off redis-server 7.0.15: CONFIG SET then CONFIG GET.
  const std::pair<const char*, const char*> cases[] = {
      {"KEA", "AKE"}, {"Ex", "xE"},   {"g$lshzxetd", "A"},  {"AKEmn", "AKEm"}, {"Kl", "lK"},
      {"", ""},       {"nK", "nK"},   {"z$K", "$zK"},       {"mEK", "KEm"},    {"gn", "gn"},
      {"nd", "dn"},   {"ntx", "xtn"}, {"dtexzhsl$gn", "A"},
  };
  for (const auto& [given, shown] : cases) {
    CAPTURE(given);
    const std::optional<uint32_t> flags = parse(given);
    REQUIRE(flags);
    CHECK(format(*flags) == shown);
  }
}

TEST_CASE("keyspace events: A is every event class but m and n") {
  CHECK(*parse("A") == kAll);
  CHECK((kAll & (kKeyMiss | kNewKey | kKeyspace | kKeyevent)) == 0);
  CHECK(*parse("An") == (kAll | kNewKey));
}

TEST_CASE("keyspace events: a character that is no class is refused") {
  CHECK_FALSE(parse("Kq"));
  CHECK_FALSE(parse("a"));
  CHECK_FALSE(parse("KE "));
}

}  // namespace fkvs::keyspace_events
