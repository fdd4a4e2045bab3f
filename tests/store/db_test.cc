#include "store/db.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "test_values.h"
#include "util/clock.h"

namespace fkvs {
namespace {

// Tests never call clock::update(), so now_ms() holds still through each
// test and expiry times relative to it are exact.
int64_t now_ms() { return clock::now_ms(); }

TEST_CASE("db: insert, find, replace and erase") {
  KeyspaceStats stats;
  Db db(stats);
  CHECK(db.find("k") == nullptr);
  Entry* entry = db.insert("k", string_value("v1"));
  CHECK(entry->key() == "k");
  CHECK(value_text(*db.find("k")) == "v1");
  db.insert("k", string_value("v2"));
  CHECK(value_text(*db.find("k")) == "v2");
  CHECK(db.size() == 1);
  CHECK(db.erase("k"));
  CHECK_FALSE(db.erase("k"));
  CHECK(db.size() == 0);
}

// Records what a Db tells its listener, as "event db key".
struct RecordingListener final : KeyspaceListener {
  std::vector<std::string> heard;
  void key_created(int db, std::string_view key) override { record("new", db, key); }
  void key_expired(int db, std::string_view key) override { record("expired", db, key); }
  void key_missed(int db, std::string_view key) override { record("keymiss", db, key); }
  void record(const char* event, int db, std::string_view key) {
    heard.push_back(std::string(event) + " " + std::to_string(db) + " " + std::string(key));
  }
};

TEST_CASE("db: the listener hears of created, expired and missed keys") {
  KeyspaceStats stats;
  RecordingListener listener;
  Db db(stats, 3, &listener);
  db.insert("a", string_value("v"));
  db.insert("a", string_value("w"));  // replaced, not created
  db.find_or_insert("b");
  db.find_or_insert("b");
  CHECK(db.lookup_read("nope") == nullptr);
  CHECK(db.find("nope") == nullptr);  // writes' lookups miss silently
  db.set_expire(db.find("a"), now_ms() - 1);
  CHECK(db.lookup_read("a") == nullptr);  // expired, then missed
  db.set_expire(db.find("b"), now_ms() - 1);
  db.find_or_insert("b");  // expired, and created again in the same entry
  db.set_expire(db.find("b"), now_ms() - 1);
  db.insert("b", string_value("v"));
  db.renumber(5);
  db.insert("c", string_value("v"));
  CHECK(listener.heard == std::vector<std::string>{"new 3 a", "new 3 b", "keymiss 3 nope",
                                                   "expired 3 a", "keymiss 3 a", "expired 3 b",
                                                   "new 3 b", "expired 3 b", "new 3 b", "new 5 c"});
}

TEST_CASE("db: find_or_insert creates an empty string once") {
  KeyspaceStats stats;
  Db db(stats);
  auto [entry, created] = db.find_or_insert("k");
  CHECK(created);
  CHECK(entry->value().string_length() == 0);
  entry->value().set_string("x");
  auto [again, created_again] = db.find_or_insert("k");
  CHECK_FALSE(created_again);
  CHECK(again == entry);
}

TEST_CASE("db: lookup_read counts hits and misses, find does not") {
  KeyspaceStats stats;
  Db db(stats);
  db.insert("k", string_value("v"));
  CHECK(db.lookup_read("k") != nullptr);
  CHECK(db.lookup_read("missing") == nullptr);
  CHECK(db.lookup_read("k") != nullptr);
  db.find("k");
  db.find("missing");
  CHECK(stats.keyspace_hits == 2);
  CHECK(stats.keyspace_misses == 1);
}

TEST_CASE("db: a key expires once the clock is past its expire time") {
  KeyspaceStats stats;
  Db db(stats);
  db.set_expire(db.insert("now", string_value("v")), now_ms());
  db.set_expire(db.insert("past", string_value("v")), now_ms() - 1);
  db.set_expire(db.insert("future", string_value("v")), now_ms() + 100000);
  CHECK(db.expires_count() == 3);
  // Redis keeps a key whose time equals now; it goes once now is later.
  CHECK(db.find("now") != nullptr);
  CHECK(db.find("future") != nullptr);
  CHECK(db.expire_at(db.find("future")) == now_ms() + 100000);
  CHECK(db.lookup_read("past") == nullptr);
  CHECK(stats.expired_keys == 1);
  CHECK(stats.keyspace_misses == 1);
  CHECK(db.size() == 2);
  CHECK(db.expires_count() == 2);
}

TEST_CASE("db: while reclaiming is held, expired keys read as missing and stay") {
  KeyspaceStats stats;
  Db db(stats);
  db.set_expire(db.insert("past", string_value("v")), now_ms() - 1);
  db.set_reclaiming_held(true);
  CHECK(db.lookup_read("past") == nullptr);
  CHECK_FALSE(db.erase("past"));
  CHECK(db.random_entry() == nullptr);
  CHECK(db.active_expire(now_ms(), 1000) == 0);
  CHECK(db.size() == 1);
  CHECK(stats.expired_keys == 0);
  db.insert("live", string_value("v"));
  for (int i = 0; i < 200; ++i) {
    db.set_expire(db.insert("past:" + std::to_string(i), string_value("v")), now_ms() - 1);
  }
  for (int i = 0; i < 20; ++i) CHECK(db.random_entry()->key() == "live");
  CHECK(db.erase("live"));
  db.set_reclaiming_held(false);
  CHECK(db.find("past") == nullptr);
  CHECK(db.size() == 200);
  CHECK(stats.expired_keys == 1);
}

TEST_CASE("db: every access path treats an expired key as gone") {
  KeyspaceStats stats;
  Db db(stats);
  const auto add_expired = [&](const char* key) {
    db.set_expire(db.insert(key, string_value("old")), now_ms() - 10);
  };
  SUBCASE("erase reports it absent") {
    add_expired("k");
    CHECK_FALSE(db.erase("k"));
    CHECK(db.size() == 0);
    CHECK(stats.expired_keys == 1);
  }
  SUBCASE("find_or_insert recreates it without TTL") {
    add_expired("k");
    auto [entry, created] = db.find_or_insert("k");
    CHECK(created);
    CHECK(entry->value().string_length() == 0);
    CHECK(db.expire_at(entry) == -1);
    CHECK(db.expires_count() == 0);
    CHECK(stats.expired_keys == 1);
  }
  SUBCASE("insert replaces it without TTL") {
    add_expired("k");
    Entry* entry = db.insert("k", string_value("new"));
    CHECK(db.expire_at(entry) == -1);
    CHECK(value_text(*db.find("k")) == "new");
    CHECK(db.expires_count() == 0);
    CHECK(stats.expired_keys == 1);
  }
  SUBCASE("scan, for_each and random_entry skip and reclaim it") {
    add_expired("a");
    add_expired("b");
    db.insert("live", string_value("v"));
    std::set<std::string> scanned;
    uint64_t cursor = 0;
    do {
      cursor = db.scan(cursor, 10, [&](Entry& entry) { scanned.emplace(entry.key()); });
    } while (cursor != 0);
    CHECK(scanned == std::set<std::string>{"live"});
    CHECK(db.size() == 1);
    add_expired("c");
    std::set<std::string> listed;
    db.for_each([&](Entry& entry) { listed.emplace(entry.key()); });
    CHECK(listed == std::set<std::string>{"live"});
    add_expired("d");
    for (int i = 0; i < 20; ++i) CHECK(db.random_entry()->key() == "live");
    CHECK(db.size() == 1);
    CHECK(stats.expired_keys == 4);
  }
}

TEST_CASE("db: insert over a key drops its TTL, value writes keep it") {
  KeyspaceStats stats;
  Db db(stats);
  Entry* entry = db.insert("k", string_value("v"));
  db.set_expire(entry, now_ms() + 5000);
  db.find("k")->value().set_string("changed in place");
  CHECK(db.expire_at(db.find("k")) == now_ms() + 5000);
  db.insert("k", string_value("replaced"));
  CHECK(db.expire_at(db.find("k")) == -1);
  CHECK(db.expires_count() == 0);
}

TEST_CASE("db: persist and set_expire update the TTL") {
  KeyspaceStats stats;
  Db db(stats);
  Entry* entry = db.insert("k", string_value("v"));
  CHECK_FALSE(db.persist(entry));
  db.set_expire(entry, now_ms() + 10);
  db.set_expire(entry, now_ms() + 20);
  CHECK(db.expires_count() == 1);
  CHECK(db.expire_at(entry) == now_ms() + 20);
  CHECK(db.persist(entry));
  CHECK(db.expire_at(entry) == -1);
  CHECK(db.expires_count() == 0);
}

TEST_CASE("db: TTL bookkeeping matches a reference model under random operations") {
  const uint64_t seed = 0x7474;
  std::printf("db TTL seed: %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 random(seed);
  KeyspaceStats stats;
  Db db(stats);
  std::map<std::string, int64_t> model;     // key -> expire time, -1 for none
  const int64_t base = now_ms() + 1000000;  // nothing expires in this test
  for (int op = 0; op < 100000; ++op) {
    const std::string key = key_name(random() % 2000);
    const bool present = model.count(key) == 1;
    switch (random() % 6) {
      case 0:
        db.insert(key, string_value("v"));
        model[key] = -1;
        break;
      case 1: {
        auto [entry, created] = db.find_or_insert(key);
        CHECK(created == !present);
        if (created) model[key] = -1;
        break;
      }
      case 2:
        CHECK(db.erase(key) == present);
        model.erase(key);
        break;
      case 3:
      case 4:
        if (Entry* entry = db.find(key)) {
          const int64_t when = base + static_cast<int64_t>(random() % 1000);
          db.set_expire(entry, when);
          model[key] = when;
        }
        break;
      case 5:
        if (Entry* entry = db.find(key)) {
          CHECK(db.persist(entry) == (model[key] != -1));
          model[key] = -1;
        }
        break;
    }
    REQUIRE(db.size() == model.size());
  }
  size_t with_ttl = 0;
  for (const auto& [key, when] : model) {
    Entry* entry = db.find(key);
    REQUIRE(entry != nullptr);
    CHECK(db.expire_at(entry) == when);
    if (when != -1) ++with_ttl;
  }
  CHECK(db.expires_count() == with_ttl);
  CHECK(stats.expired_keys == 0);
}

TEST_CASE("db: active_expire reclaims 100k expired keys and spares live ones") {
  KeyspaceStats stats;
  Db db(stats);
  const int64_t now = now_ms();
  for (uint64_t i = 0; i < 100000; ++i) {
    db.set_expire(db.insert(key_name(i), string_value("v")), now - 1);
  }
  for (uint64_t i = 0; i < 1000; ++i) {
    db.set_expire(db.insert("live:" + std::to_string(i), string_value("v")), now + 60000);
    db.insert("persistent:" + std::to_string(i), string_value("v"));
  }
  size_t deleted = 0;
  int cycles = 0;
  while (db.size() > 2000 && cycles < 10000) {
    deleted += db.active_expire(now, 25000);
    ++cycles;
  }
  CHECK(deleted == 100000);
  CHECK(db.size() == 2000);
  CHECK(db.expires_count() == 1000);
  CHECK(stats.expired_keys == 100000);
  CHECK(stats.expired_stale_perc > 0);
  CHECK(db.find("live:5") != nullptr);
  CHECK(db.find("persistent:5") != nullptr);
  // With nothing left to expire, a cycle samples once and stops.
  CHECK(db.active_expire(now, 25000) == 0);
}

TEST_CASE("db: active_expire stops when its time budget runs out") {
  KeyspaceStats stats;
  Db db(stats);
  const int64_t now = now_ms();
  for (uint64_t i = 0; i < 50000; ++i) {
    db.set_expire(db.insert(key_name(i), string_value("v")), now - 1);
  }
  const size_t deleted = db.active_expire(now, 0);
  CHECK(deleted > 0);
  CHECK(deleted < 50000);
  CHECK(stats.expired_time_cap_reached_count == 1);
}

TEST_CASE("db: active_expire stops early when few sampled keys have expired") {
  KeyspaceStats stats;
  Db db(stats);
  const int64_t now = now_ms();
  for (uint64_t i = 0; i < 10000; ++i) {
    db.set_expire(db.insert(key_name(i), string_value("v")), i < 100 ? now - 1 : now + 60000);
  }
  // 1% expired: the first sample almost surely finds under a quarter.
  CHECK(db.active_expire(now, 1000000) < 100);
  CHECK(stats.expired_time_cap_reached_count == 0);
}

TEST_CASE("db: scan returns every key across calls and honours count as a hint") {
  KeyspaceStats stats;
  Db db(stats);
  for (uint64_t i = 0; i < 3000; ++i) db.insert(key_name(i), string_value("v"));
  std::set<std::string> seen;
  uint64_t cursor = 0;
  size_t calls = 0;
  do {
    size_t this_call = 0;
    cursor = db.scan(cursor, 100, [&](Entry& entry) {
      seen.emplace(entry.key());
      ++this_call;
    });
    ++calls;
    CHECK(this_call < 200);
  } while (cursor != 0);
  CHECK(seen.size() == 3000);
  CHECK(calls >= 15);
  CHECK(calls <= 60);
}

TEST_CASE("db: clear removes keys and TTLs and the db stays usable") {
  KeyspaceStats stats;
  Db db(stats);
  for (uint64_t i = 0; i < 5000; ++i) {
    Entry* entry = db.insert(key_name(i), string_value(std::string(50, 'v')));
    if (i % 2 == 0) db.set_expire(entry, now_ms() + 1000);
  }
  db.clear();
  CHECK(db.size() == 0);
  CHECK(db.expires_count() == 0);
  CHECK(db.find(key_name(2)) == nullptr);
  db.set_expire(db.insert("k", string_value("v")), now_ms() + 1000);
  CHECK(db.expires_count() == 1);
}

}  // namespace
}  // namespace fkvs
