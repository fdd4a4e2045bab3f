#include "store/chained_table.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace fkvs {
namespace {

// A node holding only its key, as a set member would (all public: a test
// need not befriend the table).
struct Member {
  std::string_view key() const { return {reinterpret_cast<const char*>(this + 1), length_}; }

  static Member* create(std::string_view key) {
    void* block = ::operator new(sizeof(Member) + key.size());
    auto* member = new (block) Member();
    member->length_ = key.size();
    std::memcpy(member + 1, key.data(), key.size());
    return member;
  }
  static void destroy(Member* member) {
    member->~Member();
    ::operator delete(member);
  }
  Member* next_ = nullptr;
  size_t length_ = 0;
};

std::set<std::string> scan_all(ChainedTable<Member>& table) {
  std::set<std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = table.scan(cursor, [&](Member& member) { seen.insert(std::string(member.key())); });
  } while (cursor != 0);
  return seen;
}

TEST_CASE("chained_table: a node type of its own matches std::set through growth and shrink") {
  ChainedTable<Member> table;
  std::set<std::string> model;
  std::mt19937 random(11);
  for (int phase = 0; phase < 2; ++phase) {
    for (int step = 0; step < 20000; ++step) {
      const std::string key = "m" + std::to_string(random() % 5000);
      const bool growing = phase == 0;
      if (random() % 4 != 0 ? growing : !growing) {
        auto [member, added] = table.find_or_insert(key);
        CHECK(added == model.insert(key).second);
        CHECK(member->key() == key);
      } else {
        CHECK(table.erase(key) == (model.erase(key) == 1));
      }
      if (step % 997 == 0) {
        CHECK(table.size() == model.size());
        CHECK(scan_all(table) == model);
      }
    }
    CHECK(table.size() == model.size());
    CHECK(scan_all(table) == model);
    for (const std::string& key : model) CHECK(table.find(key) != nullptr);
    if (!model.empty()) CHECK(model.count(std::string(table.random_entry()->key())) == 1);
  }
  table.clear();
  CHECK(table.empty());
  CHECK(table.random_entry() == nullptr);
}

// renew_chain_to replaces the node and exactly the nodes before it in its
// chain; the table then holds the copies, and the originals are never read.
TEST_CASE("chained_table: renew_chain_to replaces a node and those before it, in place") {
  ChainedTable<Member> table;
  for (int n = 0; n < 3000; ++n) table.insert("m" + std::to_string(n));
  while (table.rehash_step(1000)) {
  }
  int chains_checked = 0;
  for (int n = 0; n < 3000; ++n) {
    const std::string key = "m" + std::to_string(n);
    Member* target = table.find(key);
    std::set<std::string> renewed;
    Member* copy = table.renew_chain_to(target, [&](Member* member) {
      renewed.insert(std::string(member->key()));
      Member* fresh = Member::create(member->key());
      fresh->next_ = member->next_;
      Member::destroy(member);
      return fresh;
    });
    CHECK(copy->key() == key);
    CHECK(table.find(key) == copy);
    CHECK(renewed.count(key) == 1);
    // The nodes renewed before the target are those the chain holds ahead of it.
    for (const std::string& other : renewed) CHECK(table.find(other) != nullptr);
    if (renewed.size() > 1) ++chains_checked;
    // A renew that keeps every node changes nothing.
    CHECK(table.renew_chain_to(copy, [](Member* member) { return member; }) == copy);
  }
  CHECK(chains_checked > 100);
  CHECK(table.size() == 3000);
  std::set<std::string> all;
  for (int n = 0; n < 3000; ++n) all.insert("m" + std::to_string(n));
  CHECK(scan_all(table) == all);
}

TEST_CASE("chained_table: while resizing is paused, lookups move no buckets and growth waits") {
  ChainedTable<Member> table;
  int next = 0;
  while (!table.is_rehashing()) table.insert("m" + std::to_string(next++));
  table.set_resizing_paused(true);
  for (int n = 0; n < next * 4; ++n) CHECK(table.find("m" + std::to_string(n % next)) != nullptr);
  CHECK(table.is_rehashing());
  table.set_resizing_paused(false);
  for (int n = 0; n < next * 4 && table.is_rehashing(); ++n) table.find("m0");
  CHECK_FALSE(table.is_rehashing());

  // Paused, the table fills to five keys per bucket before it grows.
  while (table.size() < 3000) table.insert("m" + std::to_string(next++));
  while (table.rehash_step(1000)) {
  }
  const size_t buckets = table.bucket_count();
  table.set_resizing_paused(true);
  while (table.size() < buckets * 5) table.insert("m" + std::to_string(next++));
  CHECK(table.bucket_count() == buckets);
  table.insert("m" + std::to_string(next++));
  CHECK(table.is_rehashing());
  // Nor does erasing most keys start a shrink.
  table.set_resizing_paused(false);
  while (table.rehash_step(1000)) {
  }
  table.set_resizing_paused(true);
  const size_t grown = table.bucket_count();
  for (int n = 0; n < next - 10; ++n) CHECK(table.erase("m" + std::to_string(n)));
  CHECK(table.bucket_count() == grown);
  CHECK_FALSE(table.is_rehashing());
  table.set_resizing_paused(false);
  CHECK(table.erase("m" + std::to_string(next - 1)));
  CHECK(table.is_rehashing());
  CHECK(table.size() == 9);
}

// Pearson's chi-square of draws random picks against a uniform pick
// over the table's nodes: about size() - 1 when uniform.
double random_entry_chi_square(ChainedTable<Member>& table, size_t draws) {
  std::unordered_map<const Member*, size_t> counts;
  table.for_each([&](Member& member) { counts[&member] = 0; });
  for (size_t n = 0; n < draws; ++n) ++counts.at(table.random_entry());
  const double expected = static_cast<double>(draws) / static_cast<double>(counts.size());
  double chi_square = 0;
  for (const auto& [member, count] : counts) {
    const double deviation = static_cast<double>(count) - expected;
    chi_square += deviation * deviation / expected;
  }
  return chi_square;
}

// The bound is far above what a uniform pick scores (8 standard deviations
// of the chi-square over its mean) and far below what a pick biased by chain
// length does, whose score grows with the draws: 40 per node, and at least
// 40000, make the gap wide.
void check_uniform(ChainedTable<Member>& table) {
  const double degrees = static_cast<double>(table.size() - 1);
  const double chi_square =
      random_entry_chi_square(table, std::max<size_t>(table.size() * 40, 40000));
  INFO("size " << table.size() << ", buckets " << table.bucket_count() << ", rehashing "
               << table.is_rehashing() << ", chi-square " << chi_square);
  CHECK(chi_square < degrees + 8 * std::sqrt(2 * degrees));
}

void insert_keys(ChainedTable<Member>& table, int count) {
  for (int n = 0; n < count; ++n) table.insert("m" + std::to_string(n));
}

// Seeds are fixed so that the layouts, and so the checks, are the same in
// every run; any seed passes.
TEST_CASE("chained_table: random_entry is uniform whatever the chain lengths") {
  for (const int size : {10, 100, 1000, 20000}) {
    ChainedTable<Member> table(static_cast<uint64_t>(size));
    insert_keys(table, size);
    while (table.rehash_step(1000)) {
    }
    check_uniform(table);
  }
}

TEST_CASE("chained_table: random_entry is uniform mid-resize, growing or shrinking") {
  SUBCASE("growing: half the old table moved, new keys in the new one") {
    ChainedTable<Member> table(7);
    insert_keys(table, 1025);
    REQUIRE(table.is_rehashing());
    table.rehash_step(256);
    table.set_resizing_paused(true);
    for (int n = 1025; n < 1500; ++n) table.insert("m" + std::to_string(n));
    check_uniform(table);
    CHECK(table.is_rehashing());
  }
  SUBCASE("shrinking: the new table's chains merge eight old ones") {
    ChainedTable<Member> table(8);
    insert_keys(table, 4096);
    while (table.rehash_step(1000)) {
    }
    int erased = 0;
    while (!table.is_rehashing()) REQUIRE(table.erase("m" + std::to_string(erased++)));
    table.rehash_step(100);
    table.set_resizing_paused(true);
    REQUIRE(table.is_rehashing());
    check_uniform(table);
    CHECK(table.is_rehashing());
  }
}

TEST_CASE("chained_table: random_entry is uniform with one chain far longer than the rest") {
  // Twenty keys in one bucket of a 32-bucket table, ten spread over others,
  // as in Redis's "SRANDMEMBER with a dict containing long chain".
  ChainedTable<Member> table(9);
  insert_keys(table, 30);
  while (table.rehash_step(1000)) {
  }
  REQUIRE(table.bucket_count() == 32);
  std::vector<std::string> colliding;
  std::vector<std::string> spread;
  std::set<uint64_t> spread_buckets{0};
  for (int n = 0; colliding.size() < 20 || spread.size() < 10; ++n) {
    const std::string key = "k" + std::to_string(n);
    const uint64_t bucket = table.hash(key) & 31;
    if (bucket == 0 && colliding.size() < 20) colliding.push_back(key);
    if (spread.size() < 10 && spread_buckets.insert(bucket).second) spread.push_back(key);
  }
  table.clear();
  table.reserve(32);
  for (const auto& keys : {colliding, spread}) {
    for (const std::string& key : keys) table.insert(key);
  }
  REQUIRE(table.bucket_count() == 32);
  REQUIRE_FALSE(table.is_rehashing());
  check_uniform(table);
}

TEST_CASE("chained_table: sample visits up to count held nodes, mid-resize too") {
  ChainedTable<Member> table(5);
  std::set<std::string> seen;
  const auto sample = [&](size_t count) {
    seen.clear();
    return table.sample(count, [&](Member& member) {
      CHECK(table.find(member.key()) == &member);
      seen.insert(std::string(member.key()));
    });
  };
  CHECK(sample(5) == 0);
  insert_keys(table, 3);
  CHECK(sample(5) == 5);  // a small table is walked round, seeing nodes again
  CHECK(seen.size() == 3);
  for (int n = 3; n < 5000; ++n) table.insert("m" + std::to_string(n));
  for (int round = 0; round < 100; ++round) CHECK(sample(16) == 16);
  // Mid-grow, nodes are found in both tables.
  int next = 5000;
  while (!table.is_rehashing()) table.insert("x" + std::to_string(next++));
  table.rehash_step(100);
  REQUIRE(table.is_rehashing());
  std::set<std::string> over_many;
  for (int round = 0; round < 2000; ++round) {
    CHECK(sample(5) == 5);
    over_many.insert(seen.begin(), seen.end());
  }
  // Not uniform, but it reaches far across the table.
  CHECK(over_many.size() > table.size() / 2);
}

}  // namespace
}  // namespace fkvs
