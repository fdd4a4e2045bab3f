#include "store/zset_range.h"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <string_view>

namespace fkvs {
namespace {

using namespace std::string_view_literals;

TEST_CASE("zset_range: score bounds as Redis's strtod reads them") {
  auto range = parse_score_range("(1", "2.5");
  REQUIRE(range);
  CHECK(range->min == 1);
  CHECK(range->min_exclusive);
  CHECK(range->max == 2.5);
  CHECK_FALSE(range->max_exclusive);
  CHECK(range->contains(2));
  CHECK_FALSE(range->contains(1));
  CHECK(range->contains(2.5));

  CHECK(parse_score_range("( 1", " 1")->min == 1);
  CHECK(parse_score_range("(", "")->min == 0);
  CHECK(parse_score_range("(", "")->max == 0);
  CHECK(std::isinf(parse_score_range("1e400", "-inf")->min));
  CHECK(parse_score_range("0x10", "infinity")->min == 16);
  CHECK(std::isinf(parse_score_range("0x10", "infinity")->max));
  CHECK(parse_score_range("2\0x"sv, "3")->min == 2);
  CHECK(parse_score_range("-inf", "+inf")->contains(1e308));
}

TEST_CASE("zset_range: score bounds Redis rejects") {
  for (std::string_view bad : {"nan"sv, "1 "sv, "2.5abc"sv, "((1"sv, "[1"sv, "(nan"sv, "x"sv}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_score_range(bad, "1"));
    CHECK_FALSE(parse_score_range("1", bad));
  }
}

TEST_CASE("zset_range: lex bounds") {
  auto all = parse_lex_range("-", "+");
  REQUIRE(all);
  CHECK(all->contains(""));
  CHECK(all->contains("\xff\xff"));
  auto inner = parse_lex_range("[b", "(d");
  REQUIRE(inner);
  CHECK(inner->contains("b"));
  CHECK(inner->contains("c"));
  CHECK(inner->contains("czz"));
  CHECK_FALSE(inner->contains("d"));
  CHECK_FALSE(inner->contains("a"));
  auto empty_strings = parse_lex_range("[", "(");
  REQUIRE(empty_strings);
  CHECK(empty_strings->min.text.empty());
  CHECK_FALSE(empty_strings->contains(""));
  auto reversed = parse_lex_range("+", "-");
  REQUIRE(reversed);
  CHECK_FALSE(reversed->contains("a"));
  // Redis reads "+" and "-" as C strings: a NUL ends them.
  CHECK(parse_lex_range("-\0x"sv, "+"));
}

TEST_CASE("zset_range: lex bounds Redis rejects") {
  for (std::string_view bad : {"a"sv, ""sv, "-a"sv, "+a"sv, "b"sv}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_lex_range(bad, "+"));
    CHECK_FALSE(parse_lex_range("-", bad));
  }
}

}  // namespace
}  // namespace fkvs
