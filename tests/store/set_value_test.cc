#include "store/set_value.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace fkvs {
namespace {

std::set<std::string> members_of(const SetValue& set) {
  std::set<std::string> members;
  set.for_each([&](std::string_view member) { members.emplace(member); });
  return members;
}

std::vector<std::string> ordered_members(const SetValue& set) {
  std::vector<std::string> members;
  set.for_each([&](std::string_view member) { members.emplace_back(member); });
  return members;
}

TEST_CASE("set_value: integers stay an intset, walked in ascending order") {
  auto set = SetValue::create_for("5");
  CHECK(set->encoding() == Encoding::kIntset);
  CHECK(set->add("5", 512));
  CHECK(set->add("-3", 512));
  CHECK(set->add("100000000000", 512));
  CHECK_FALSE(set->add("5", 512));
  CHECK(set->encoding() == Encoding::kIntset);
  CHECK(ordered_members(*set) == std::vector<std::string>{"-3", "5", "100000000000"});
  CHECK(set->contains("-3"));
  CHECK_FALSE(set->contains("-4"));
  CHECK_FALSE(set->contains("abc"));
  CHECK_FALSE(set->contains("05"));
  CHECK(set->remove("5"));
  CHECK_FALSE(set->remove("5"));
  CHECK_FALSE(set->remove("x"));
  CHECK(set->size() == 2);
}

TEST_CASE("set_value: a non-integer first member makes a hashtable") {
  auto set = SetValue::create_for("a");
  CHECK(set->encoding() == Encoding::kHashtable);
  CHECK(set->add("a", 512));
  CHECK(set->add("1", 512));
  CHECK(set->encoding() == Encoding::kHashtable);
  CHECK(members_of(*set) == std::set<std::string>{"a", "1"});
}

TEST_CASE("set_value: only canonical int64s stay in the intset") {
  for (const char* member : {"01", " 1", "1 ", "-0", "+1", "9223372036854775808", "1.0", ""}) {
    CAPTURE(member);
    SetValue set;
    CHECK(set.add("7", 512));
    CHECK(set.add(member, 512));
    CHECK(set.encoding() == Encoding::kHashtable);
    CHECK(members_of(set) == std::set<std::string>{"7", member});
  }
  SetValue set;
  CHECK(set.add("-9223372036854775808", 512));
  CHECK(set.add("9223372036854775807", 512));
  CHECK(set.encoding() == Encoding::kIntset);
}

TEST_CASE("set_value: the intset converts past exactly max entries, and never back") {
  SetValue set;
  for (int i = 0; i < 16; ++i) CHECK(set.add(std::to_string(i), 16));
  CHECK(set.encoding() == Encoding::kIntset);
  CHECK_FALSE(set.add("3", 16));  // a repeat adds nothing and converts nothing
  CHECK(set.encoding() == Encoding::kIntset);
  CHECK(set.add("16", 16));
  CHECK(set.encoding() == Encoding::kHashtable);
  CHECK(set.size() == 17);
  for (int i = 0; i < 17; ++i) CHECK(set.contains(std::to_string(i)));
  for (int i = 0; i < 16; ++i) CHECK(set.remove(std::to_string(i)));
  CHECK(set.encoding() == Encoding::kHashtable);
  CHECK(members_of(set) == std::set<std::string>{"16"});
}

TEST_CASE("set_value: max entries 0 converts on the first member") {
  SetValue set;
  CHECK(set.add("1", 0));
  CHECK(set.encoding() == Encoding::kHashtable);
}

TEST_CASE("set_value: clone copies members and encoding") {
  for (const char* extra : {"9", "x"}) {
    SetValue set;
    for (int i = 0; i < 20; ++i) set.add(std::to_string(i * 7), 512);
    set.add(extra, 512);
    auto copy = set.clone();
    CHECK(copy->encoding() == set.encoding());
    CHECK(members_of(static_cast<SetValue&>(*copy)) == members_of(set));
    CHECK(copy->heap_bytes() > 0);
  }
}

TEST_CASE("set_value: heap bytes grow with the members") {
  SetValue small;
  small.add("1", 512);
  const size_t one = small.heap_bytes();
  small.add("2", 512);
  CHECK(small.heap_bytes() > one);
  SetValue table;
  table.add("a", 512);
  const size_t table_one = table.heap_bytes();
  table.add(std::string(1000, 'b'), 512);
  CHECK(table.heap_bytes() >= table_one + 1000);
  table.remove(std::string(1000, 'b'));
  CHECK(table.heap_bytes() < table_one + 1000);
}

TEST_CASE("set_value: random picks and pops come from the set") {
  for (const char* extra : {"5", "x"}) {
    CAPTURE(extra);
    SetValue set;
    std::set<std::string> model;
    for (int i = 0; i < 50; ++i) {
      set.add(std::to_string(i), 512);
      model.insert(std::to_string(i));
    }
    set.add(extra, 512);
    model.insert(extra);
    for (int i = 0; i < 100; ++i) {
      set.random_member([&](std::string_view member) { CHECK(model.count(std::string(member))); });
    }
    for (size_t count : {size_t{1}, size_t{10}, size_t{40}, model.size() - 1}) {
      std::set<std::string> picked;
      set.random_distinct(count, [&](std::string_view member) {
        CHECK(model.count(std::string(member)));
        CHECK(picked.emplace(member).second);
      });
      CHECK(picked.size() == count);
    }
    while (set.size() > 0) {
      set.pop_random(
          [&](std::string_view member) { CHECK(model.erase(std::string(member)) == 1); });
    }
    CHECK(model.empty());
  }
}

TEST_CASE("set_value: scanning a hashtable visits every member") {
  SetValue set;
  std::set<std::string> model;
  for (int i = 0; i < 1000; ++i) {
    set.add("m" + std::to_string(i), 512);
    model.insert("m" + std::to_string(i));
  }
  std::set<std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = set.scan(cursor, [&](std::string_view member) { seen.emplace(member); });
  } while (cursor != 0);
  CHECK(seen == model);
}

TEST_CASE("set_value: randomized against std::set") {
  const uint64_t seed = 0x5e7;
  MESSAGE("seed " << seed);
  std::mt19937_64 random(seed);
  for (int round = 0; round < 20; ++round) {
    SetValue set;
    std::set<std::string> model;
    const size_t limit = 1 + random() % 64;
    const bool strings = random() % 3 == 0;
    bool was_table = false;
    for (int step = 0; step < 2000; ++step) {
      std::string member = std::to_string(static_cast<int64_t>(random() % 200) - 100);
      if (strings && random() % 50 == 0) member = "s" + member;
      switch (random() % 4) {
        case 0:
        case 1: {
          const bool added = model.insert(member).second;
          CHECK(set.add(member, limit) == added);
          break;
        }
        case 2:
          CHECK(set.remove(member) == (model.erase(member) == 1));
          break;
        default:
          CHECK(set.contains(member) == (model.count(member) == 1));
      }
      REQUIRE(set.size() == model.size());
      if (was_table) REQUIRE(set.encoding() == Encoding::kHashtable);
      was_table = set.encoding() == Encoding::kHashtable;
    }
    CHECK(members_of(set) == model);
  }
}

}  // namespace
}  // namespace fkvs
