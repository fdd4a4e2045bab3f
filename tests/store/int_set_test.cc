#include "store/int_set.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <set>
#include <vector>

namespace fkvs {
namespace {

void check_matches(const IntSet& set, const std::set<int64_t>& model) {
  REQUIRE(set.size() == model.size());
  std::vector<int64_t> walked;
  for (const int64_t member : set) walked.push_back(member);
  CHECK(walked == std::vector<int64_t>(model.begin(), model.end()));
  size_t index = 0;
  for (const int64_t member : model) CHECK(set.at(index++) == member);
  CHECK(set.bytes() == 8 + set.size() * set.width());
}

TEST_CASE("int_set: an empty set holds nothing in 2-byte members") {
  IntSet set;
  CHECK(set.empty());
  CHECK(set.width() == 2);
  CHECK_FALSE(set.contains(0));
  CHECK_FALSE(set.erase(0));
  CHECK(set.begin() == set.end());
}

TEST_CASE("int_set: members are distinct and kept in order") {
  IntSet set;
  CHECK(set.insert(5));
  CHECK(set.insert(-3));
  CHECK(set.insert(10));
  CHECK_FALSE(set.insert(5));
  check_matches(set, {-3, 5, 10});
  CHECK(set.erase(5));
  CHECK_FALSE(set.erase(5));
  check_matches(set, {-3, 10});
}

TEST_CASE("int_set: a wider member widens all of them, and they never narrow") {
  IntSet set;
  set.insert(INT16_MAX);
  set.insert(INT16_MIN);
  CHECK(set.width() == 2);
  set.insert(INT16_MAX + 1);
  CHECK(set.width() == 4);
  check_matches(set, {INT16_MIN, INT16_MAX, INT16_MAX + 1});
  set.insert(int64_t{INT32_MIN} - 1);
  CHECK(set.width() == 8);
  check_matches(set, {int64_t{INT32_MIN} - 1, INT16_MIN, INT16_MAX, INT16_MAX + 1});
  set.insert(INT64_MIN);
  set.insert(INT64_MAX);
  CHECK(set.contains(INT64_MIN));
  CHECK(set.contains(INT64_MAX));
  CHECK(set.erase(INT64_MIN));
  CHECK(set.erase(INT64_MAX));
  CHECK(set.erase(int64_t{INT32_MIN} - 1));
  CHECK(set.width() == 8);
  check_matches(set, {INT16_MIN, INT16_MAX, INT16_MAX + 1});
}

TEST_CASE("int_set: a value wider than the members is not found") {
  IntSet set;
  set.insert(1);
  CHECK_FALSE(set.contains(INT64_MAX));
  CHECK_FALSE(set.contains(int64_t{INT16_MIN} - 1));
  CHECK_FALSE(set.erase(INT32_MAX));
  CHECK(set.width() == 2);
}

TEST_CASE("int_set: bytes grow by the width per member") {
  IntSet set;
  const size_t empty_bytes = set.bytes();
  set.insert(1);
  CHECK(set.bytes() == empty_bytes + 2);
  set.insert(INT32_MAX);
  CHECK(set.bytes() == empty_bytes + 2 * 4);
  set.insert(INT64_MAX);
  CHECK(set.bytes() == empty_bytes + 3 * 8);
}

TEST_CASE("int_set: a moved-from set gives its members away") {
  IntSet set;
  set.insert(7);
  IntSet moved(std::move(set));
  check_matches(moved, {7});
  IntSet assigned;
  assigned = std::move(moved);
  check_matches(assigned, {7});
}

// Values near each width boundary, so upgrades happen at every step.
int64_t random_value(std::mt19937_64& random) {
  const int64_t edges[] = {0, INT16_MIN, INT16_MAX, INT32_MIN, INT32_MAX, INT64_MIN, INT64_MAX};
  const int64_t edge = edges[random() % std::size(edges)];
  const int64_t offset = static_cast<int64_t>(random() % 5) - 2;
  if (edge == INT64_MAX && offset > 0) return edge - offset;
  if (edge == INT64_MIN && offset < 0) return edge - offset;
  return edge + offset;
}

TEST_CASE("int_set: random inserts and erases match std::set") {
  constexpr uint64_t kSeed = 20261202;
  MESSAGE("seed " << kSeed);
  std::mt19937_64 random(kSeed);
  for (int round = 0; round < 50; ++round) {
    IntSet set;
    std::set<int64_t> model;
    for (int step = 0; step < 200; ++step) {
      const int64_t value = random_value(random);
      if (random() % 3 == 0) {
        CHECK(set.erase(value) == (model.erase(value) == 1));
      } else {
        CHECK(set.insert(value) == model.insert(value).second);
      }
      CHECK(set.contains(value) == model.contains(value));
    }
    check_matches(set, model);
  }
}

}  // namespace
}  // namespace fkvs
