#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "commands/sort_order.h"
#include "commands/sort_pattern.h"

using namespace std::string_view_literals;

namespace {

using fkvs::SortPattern;
namespace sort_order = fkvs::sort_order;

std::string substituted_key(std::string_view pattern, std::string_view element) {
  std::string key;
  SortPattern(pattern).key_for(element, key);
  return key;
}

TEST_CASE("sort pattern: '#' is the element, the first '*' takes it") {
  CHECK(SortPattern("#").is_element());
  CHECK_FALSE(SortPattern("#*").is_element());
  CHECK_FALSE(SortPattern("#").names_keys());
  CHECK_FALSE(SortPattern("nosort").names_keys());
  CHECK(substituted_key("weight_*", "7") == "weight_7");
  CHECK(substituted_key("*", "a") == "a");
  CHECK(substituted_key("a*b*c", "X") == "aXb*c");
  CHECK_FALSE(SortPattern("weight_*").hash_field());
}

TEST_CASE("sort pattern: '->field' after the star names a hash field") {
  const SortPattern hash("wobj_*->weight");
  REQUIRE(hash.hash_field());
  CHECK(*hash.hash_field() == "weight");
  CHECK(substituted_key("wobj_*->weight", "3") == "wobj_3");
  // An arrow with nothing after it is part of the key.
  CHECK_FALSE(SortPattern("x:*->").hash_field());
  CHECK(substituted_key("x:*->", "a") == "x:a->");
  // An arrow before the star is part of the key too.
  CHECK_FALSE(SortPattern("a->b*").hash_field());
  CHECK(substituted_key("a->b*", "1") == "a->b1");
  // The first arrow after the star splits; the field keeps any later one.
  CHECK(*SortPattern("h_*->f->g").hash_field() == "f->g");
  CHECK(substituted_key("h_*->f->g", "1") == "h_1");
  CHECK(substituted_key("p*s->f", "1") == "p1s");
}

TEST_CASE("sort pattern: nothing after a NUL byte is searched") {
  CHECK(SortPattern("#\0x"sv).is_element());
  CHECK_FALSE(SortPattern("a\0*"sv).names_keys());
  // The star before the NUL counts, the arrow after it does not: it stays in the key.
  const SortPattern star("k*\0->f"sv);
  CHECK_FALSE(star.hash_field());
  std::string key;
  star.key_for("1", key);
  CHECK(key == "k1\0->f"sv);
  // A field keeps bytes past a NUL.
  CHECK(*SortPattern("k*->f\0g"sv).hash_field() == "f\0g"sv);
}

TEST_CASE("sort order: LIMIT's window") {
  auto window = [](int64_t offset, int64_t count, size_t size) {
    const sort_order::Window w = sort_order::limit_window(offset, count, size);
    return std::pair(w.start, w.count);
  };
  using Pair = std::pair<size_t, size_t>;
  CHECK(window(0, -1, 3) == Pair{0, 3});
  CHECK(window(1, -1, 3) == Pair{1, 2});
  CHECK(window(-5, 2, 3) == Pair{0, 2});
  CHECK(window(1, 0, 3) == Pair{0, 0});
  CHECK(window(5, -1, 3).second == 0);
  CHECK(window(3, 1, 3).second == 0);
  CHECK(window(2, 10, 3) == Pair{2, 1});
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  CHECK(window(2, kMax, 3) == Pair{2, 1});
  CHECK(window(kMax, kMax, 3).second == 0);
  CHECK(window(kMin, kMin, 3) == Pair{0, 3});
  CHECK(window(0, -1, 0).second == 0);
  CHECK(window(0, 5, 0).second == 0);
}

TEST_CASE("sort order: scores read as strtod reads them") {
  CHECK(sort_order::parse_score("1.5") == 1.5);
  CHECK(sort_order::parse_score("-3") == -3);
  CHECK(sort_order::parse_score("") == 0);
  CHECK(sort_order::parse_score(" 5") == 5);
  CHECK(sort_order::parse_score("0x10") == 16);
  CHECK(sort_order::parse_score("inf") == std::numeric_limits<double>::infinity());
  CHECK(sort_order::parse_score("-inf") == -std::numeric_limits<double>::infinity());
  CHECK(sort_order::parse_score("3\0abc"sv) == 3);
  CHECK_FALSE(sort_order::parse_score("5 "));
  CHECK_FALSE(sort_order::parse_score("abc"));
  CHECK_FALSE(sort_order::parse_score("nan"));
  CHECK_FALSE(sort_order::parse_score("1e400"));
  CHECK_FALSE(sort_order::parse_score("1e-400"));
  const std::string long_number = "1" + std::string(100, '0');
  CHECK(sort_order::parse_score(long_number) == 1e100);
  CHECK_FALSE(sort_order::parse_score(long_number + "x"));
}

TEST_CASE("sort order: collated text stops at NUL, bytes compare all") {
  CHECK(sort_order::compare_collated("a", "b") < 0);
  CHECK(sort_order::compare_collated("b", "a") > 0);
  CHECK(sort_order::compare_collated("a", "aa") < 0);
  CHECK(sort_order::compare_collated("\xff", "a") > 0);  // unsigned bytes
  CHECK(sort_order::compare_collated("a\0z"sv, "a\0b"sv) == 0);
  CHECK(sort_order::compare_collated("a\0z"sv, "a"sv) == 0);
  CHECK(sort_order::compare_bytes("a\0z"sv, "a\0b"sv) > 0);
  CHECK(sort_order::compare_bytes("a"sv, "a\0b"sv) < 0);
  CHECK(sort_order::compare_bytes("10", "2") < 0);
}

}  // namespace
