#include "store/key_table.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "test_values.h"

namespace fkvs {
namespace {

// Every key the reference holds is found with its value, and the sizes agree.
void check_matches(KeyTable& table, const std::unordered_map<std::string, std::string>& model) {
  REQUIRE(table.size() == model.size());
  size_t visited = 0;
  table.for_each([&](Entry& entry) {
    ++visited;
    const auto it = model.find(std::string(entry.key()));
    REQUIRE(it != model.end());
    CHECK(value_text(entry) == it->second);
  });
  CHECK(visited == model.size());
}

TEST_CASE("key_table: an empty table finds nothing and scans to 0") {
  KeyTable table;
  CHECK(table.find("missing") == nullptr);
  CHECK_FALSE(table.erase("missing"));
  CHECK(table.random_entry() == nullptr);
  CHECK(table.scan(0, [](Entry&) { FAIL("visited an entry of an empty table"); }) == 0);
  CHECK(table.size() == 0);
}

TEST_CASE("key_table: insert, find and erase keys of every short length") {
  KeyTable table;
  std::vector<std::string> keys = {""};
  for (size_t length = 1; length <= 70; ++length) {
    keys.push_back(std::string(length, 'k'));
    keys.push_back(std::string(length - 1, 'k') + 'x');
    std::string differs_first(length, 'k');
    differs_first[0] = 'x';
    keys.push_back(differs_first);
  }
  keys.push_back(std::string("a\0b", 3));
  std::set<std::string> distinct(keys.begin(), keys.end());
  for (const std::string& key : distinct) {
    Entry* entry = table.insert(key);
    REQUIRE(entry != nullptr);
    CHECK(entry->key() == key);
    entry->value().set_string(key + "!");
  }
  CHECK(table.size() == distinct.size());
  for (const std::string& key : distinct) {
    Entry* entry = table.find(key);
    REQUIRE(entry != nullptr);
    CHECK(entry->key() == key);
    CHECK(value_text(*entry) == key + "!");
  }
  CHECK(table.find("absent") == nullptr);
  for (const std::string& key : distinct) CHECK(table.erase(key));
  CHECK(table.empty());
}

TEST_CASE("key_table: find_or_insert adds once") {
  KeyTable table;
  auto [first, added] = table.find_or_insert("k");
  CHECK(added);
  first->value().set_string("v");
  auto [second, added_again] = table.find_or_insert("k");
  CHECK_FALSE(added_again);
  CHECK(second == first);
  CHECK(value_text(*second) == "v");
  CHECK(table.size() == 1);
}

TEST_CASE("key_table: randomised operations match std::unordered_map through growth and shrink") {
  const uint64_t seed = 0x6b65797461626c65;
  std::printf("key_table randomised seed: %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 random(seed);
  KeyTable table;
  std::unordered_map<std::string, std::string> model;
  size_t max_buckets = 0;
  size_t min_buckets_after_peak = SIZE_MAX;
  // Phases: mostly inserts up to ~60k keys, then mostly erases down to a few
  // thousand.
  for (int phase = 0; phase < 2; ++phase) {
    const bool growing = phase == 0;
    for (int op = 0; op < 300000; ++op) {
      const std::string key = key_name(random() % 60000);
      const unsigned kind = random() % 20;
      if (kind < (growing ? 14u : 1u)) {
        auto [entry, added] = table.find_or_insert(key);
        CHECK(added == (model.count(key) == 0));
        const std::string value = std::to_string(random());
        entry->value().set_string(value);
        model[key] = value;
      } else if (kind < 18) {
        CHECK(table.erase(key) == (model.erase(key) == 1));
      } else {
        Entry* entry = table.find(key);
        const auto it = model.find(key);
        REQUIRE((entry != nullptr) == (it != model.end()));
        if (entry != nullptr) CHECK(value_text(*entry) == it->second);
      }
      if (growing) {
        max_buckets = std::max(max_buckets, table.bucket_count());
      } else {
        min_buckets_after_peak = std::min(min_buckets_after_peak, table.bucket_count());
      }
      REQUIRE(table.size() == model.size());
    }
    check_matches(table, model);
  }
  CHECK(max_buckets >= 32768);
  CHECK(min_buckets_after_peak * 4 <= max_buckets);
}

TEST_CASE("key_table: the load factor stays near one while growing") {
  KeyTable table;
  for (uint64_t i = 0; i < 100000; ++i) {
    table.insert(key_name(i));
    // Buckets double when full; a resize in progress holds both arrays.
    CHECK(table.size() <= 2 * table.bucket_count());
  }
  while (table.rehash_step(1000)) {
  }
  CHECK(table.bucket_count() >= table.size());
  CHECK(table.bucket_count() <= 2 * table.size());
}

TEST_CASE("key_table: mass erase shrinks the table incrementally") {
  KeyTable table;
  for (uint64_t i = 0; i < 50000; ++i) table.insert(key_name(i));
  for (uint64_t i = 0; i < 49990; ++i) REQUIRE(table.erase(key_name(i)));
  // Erasing alone has started shrinking (and may still be moving buckets).
  CHECK((table.is_rehashing() || table.bucket_count() < 65536));
  while (table.rehash_step(1000)) {
  }
  // Under one key per eight buckets would shrink again.
  CHECK(table.bucket_count() <= 64);
  for (uint64_t i = 49990; i < 50000; ++i) CHECK(table.find(key_name(i)) != nullptr);
}

TEST_CASE("key_table: clear empties the table and it stays usable") {
  KeyTable table;
  for (uint64_t i = 0; i < 10000; ++i)
    table.insert(key_name(i))->value().set_string(std::string(40, 'v'));
  table.clear();
  CHECK(table.empty());
  CHECK(table.find(key_name(1)) == nullptr);
  table.insert("again");
  CHECK(table.find("again") != nullptr);
}

// Scans to completion, calling between_calls after each call; returns every
// key seen.
template <typename Between>
std::set<std::string> full_scan(KeyTable& table, Between&& between_calls) {
  std::set<std::string> seen;
  uint64_t cursor = 0;
  size_t calls = 0;
  do {
    cursor = table.scan(cursor, [&](Entry& entry) { seen.emplace(entry.key()); });
    between_calls(calls++);
    REQUIRE(calls < 10000000);
  } while (cursor != 0);
  return seen;
}

TEST_CASE("key_table: a scan without changes returns every key") {
  KeyTable table;
  for (uint64_t i = 0; i < 5000; ++i) table.insert(key_name(i));
  const std::set<std::string> seen = full_scan(table, [](size_t) {});
  CHECK(seen.size() == 5000);
}

TEST_CASE("key_table: scan returns every stable key while the table grows") {
  KeyTable table;
  for (uint64_t i = 0; i < 1000; ++i) table.insert(key_name(i));
  uint64_t next_key = 1000000;
  const std::set<std::string> seen = full_scan(table, [&](size_t call) {
    // Insert steadily so the table resizes several times mid-scan (then stop,
    // or the scan would never catch up).
    if (call >= 500) return;
    for (int i = 0; i < 40; ++i) table.insert(key_name(next_key++));
  });
  CHECK(table.size() > 16000);
  for (uint64_t i = 0; i < 1000; ++i) CHECK(seen.count(key_name(i)) == 1);
}

TEST_CASE("key_table: scan returns every stable key while the table shrinks") {
  KeyTable table;
  const uint64_t stable = 200;
  const uint64_t transient = 60000;
  for (uint64_t i = 0; i < stable; ++i) table.insert(key_name(i));
  for (uint64_t i = 0; i < transient; ++i) table.insert(key_name(1000000 + i));
  const size_t peak_buckets = table.bucket_count();
  uint64_t next_erase = 0;
  const std::set<std::string> seen = full_scan(table, [&](size_t) {
    for (int i = 0; i < 50 && next_erase < transient; ++i) {
      REQUIRE(table.erase(key_name(1000000 + next_erase++)));
    }
  });
  for (uint64_t i = 0; i < stable; ++i) CHECK(seen.count(key_name(i)) == 1);
  while (table.rehash_step(1000)) {
  }
  CHECK(table.bucket_count() * 64 < peak_buckets);
}

TEST_CASE("key_table: scan survives randomised grow and shrink cycles") {
  const uint64_t seed = 20240607;
  std::printf("key_table scan seed: %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 random(seed);
  for (int round = 0; round < 10; ++round) {
    KeyTable table;
    const uint64_t stable = 1 + random() % 500;
    for (uint64_t i = 0; i < stable; ++i) table.insert(key_name(i));
    std::vector<std::string> transient;
    uint64_t next_key = 1000000;
    const std::set<std::string> seen = full_scan(table, [&](size_t call) {
      // Alternate bursts of inserts and erases of transient keys.
      const bool add = (call / 20) % 2 == 0;
      for (int i = 0; i < 50; ++i) {
        if (add) {
          transient.push_back(key_name(next_key++));
          table.insert(transient.back());
        } else if (!transient.empty()) {
          const size_t pick = random() % transient.size();
          REQUIRE(table.erase(transient[pick]));
          transient[pick] = transient.back();
          transient.pop_back();
        }
      }
    });
    for (uint64_t i = 0; i < stable; ++i) REQUIRE(seen.count(key_name(i)) == 1);
  }
}

TEST_CASE("key_table: random_entry reaches every key, roughly evenly") {
  KeyTable table;
  const int keys = 100;
  for (int i = 0; i < keys; ++i) table.insert(key_name(i));
  std::map<std::string, int> draws;
  const int total = 100000;
  for (int i = 0; i < total; ++i) {
    Entry* entry = table.random_entry();
    REQUIRE(entry != nullptr);
    ++draws[std::string(entry->key())];
  }
  CHECK(draws.size() == keys);
  for (const auto& [key, count] : draws) {
    CAPTURE(key);
    // Uniform would give each key 1000 draws. A key sharing its bucket gets
    // a share of that bucket's draws (as in Redis), so allow several-fold
    // deviation; a broken picker gives some key none or most.
    CHECK(count > 50);
    CHECK(count < 4000);
  }
}

TEST_CASE("key_table: random_entry works mid-resize") {
  KeyTable table;
  for (uint64_t i = 0; i < 4096; ++i) table.insert(key_name(i));
  table.insert("trigger");  // 4097 keys in 4096 buckets starts a grow
  REQUIRE(table.is_rehashing());
  std::set<std::string> seen;
  for (int i = 0; i < 200000 && seen.size() < table.size(); ++i) {
    seen.emplace(table.random_entry()->key());
  }
  CHECK(seen.size() == table.size());
}

TEST_CASE("key_table: the hash spreads similar keys over buckets") {
  KeyTable table;
  const uint64_t buckets = 1 << 16;
  for (const std::string prefix : {"", "user:", "key:00000000", "a-much-longer-common-prefix:"}) {
    CAPTURE(prefix);
    std::vector<int> counts(buckets);
    for (uint64_t i = 0; i < buckets; ++i) {
      ++counts[table.hash(prefix + std::to_string(i)) & (buckets - 1)];
    }
    // With a uniform hash about 1/e of buckets stay empty.
    const auto empty = std::count(counts.begin(), counts.end(), 0);
    CHECK(empty > buckets * 0.36);
    CHECK(empty < buckets * 0.38);
    CHECK(*std::max_element(counts.begin(), counts.end()) < 12);
  }
}

}  // namespace
}  // namespace fkvs
