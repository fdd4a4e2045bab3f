#include "store/shared_pages.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "store/db.h"
#include "test_values.h"
#include "util/clock.h"

namespace fkvs {
namespace {

// Shares memory with a pretend child for the length of a test, and leaves
// nothing set aside after it.
struct PretendChild {
  PretendChild() { shared_pages::set_shared_with_child(true); }
  ~PretendChild() { exits(); }
  void exits() {
    shared_pages::set_shared_with_child(false);
    while (shared_pages::release_set_aside(1000)) {
    }
  }
};

TEST_CASE("shared_pages: frees wait until no child shares the block") {
  void* now = std::malloc(16);
  shared_pages::release(now);  // no child: freed at once
  CHECK_FALSE(shared_pages::has_set_aside());

  PretendChild child;
  shared_pages::release(std::malloc(16));
  shared_pages::release(std::malloc(16));
  shared_pages::release(nullptr);
  CHECK(shared_pages::set_aside_count() == 2);
  CHECK(shared_pages::release_set_aside(10));  // the child still lives
  CHECK(shared_pages::set_aside_count() == 2);

  shared_pages::set_shared_with_child(false);
  CHECK(shared_pages::release_set_aside(1));
  CHECK(shared_pages::set_aside_count() == 1);
  CHECK_FALSE(shared_pages::release_set_aside(1));
  CHECK_FALSE(shared_pages::has_set_aside());
}

TEST_CASE("shared_pages: each fork starts a generation") {
  const uint32_t before = shared_pages::fork_generation();
  PretendChild child;
  CHECK(shared_pages::fork_generation() == before + 1);
  shared_pages::set_shared_with_child(true);  // the same child, or a second one beside it
  CHECK(shared_pages::fork_generation() == before + 1);
  child.exits();
  CHECK(shared_pages::fork_generation() == before + 1);
}

TEST_CASE("value: while a child shares memory, a string is rewritten into a new block") {
  Value value;
  value.set_string(std::string(100, 'a'));
  IntScratch scratch;
  const char* before = value.string_bytes(scratch).data();
  value.set_string(std::string(100, 'b'));
  CHECK(value.string_bytes(scratch).data() == before);  // no child: in place

  PretendChild child;
  value.set_string(std::string(100, 'c'));
  CHECK(value.string_bytes(scratch).data() != before);
  CHECK(value.string_bytes(scratch) == std::string(100, 'c'));
  CHECK(shared_pages::set_aside_count() == 1);
  value.set_string("short");  // inline: the block goes too
  CHECK(shared_pages::set_aside_count() == 2);
}

TEST_CASE("db: writable moves only entries made before the fork, and only while it is shared") {
  KeyspaceStats stats;
  Db db(stats);
  Entry* old_entry = db.insert("old", string_value("a"));
  CHECK(db.writable(old_entry) == old_entry);  // no child

  PretendChild child;
  Entry* moved = db.writable(old_entry);
  CHECK(moved != old_entry);
  CHECK(db.find("old") == moved);
  CHECK(value_text(*moved) == "a");
  CHECK(db.writable(moved) == moved);  // once per fork
  Entry* fresh = db.insert("fresh", string_value("b"));
  CHECK(db.writable(fresh) == fresh);

  child.exits();
  CHECK(db.writable(moved) == moved);
  CHECK(db.erase("old"));
  CHECK(db.erase("fresh"));
  CHECK(db.size() == 0);
}

// Writes under a pretend child to every key of a table with long chains and
// TTLs, against a model: every key keeps its value and TTL, the TTL array
// follows the moved entries (persist and expiry use it), and deletes work.
TEST_CASE("db: keys written while a child shares memory keep values, TTLs and chains") {
  const uint64_t seed = 0x5a5a;
  std::mt19937_64 random(seed);
  KeyspaceStats stats;
  Db db(stats);
  constexpr int kKeys = 5000;
  const int64_t base = clock::now_ms() + 1000000;  // nothing expires in this test
  std::map<std::string, std::pair<std::string, int64_t>> model;
  for (int n = 0; n < kKeys; ++n) {
    Entry* entry = db.insert(key_name(n), string_value("v" + std::to_string(n)));
    int64_t when = -1;
    if (n % 3 == 0) {
      when = base + n;
      db.set_expire(entry, when);
    }
    model[key_name(n)] = {"v" + std::to_string(n), when};
  }

  PretendChild child;
  for (int op = 0; op < 20000; ++op) {
    const std::string key = key_name(static_cast<int>(random() % kKeys));
    Entry* entry = db.find(key);
    if (entry == nullptr) {
      db.insert(key, string_value("new"));
      model[key] = {"new", -1};
      continue;
    }
    switch (random() % 4) {
      case 0:
      case 1: {
        const std::string text = "w" + std::to_string(op) + std::string(op % 40, 'x');
        db.writable(entry)->value().set_string(text);
        model[key].first = text;
        break;
      }
      case 2:
        CHECK(db.persist(db.writable(entry)) == (model[key].second != -1));
        model[key].second = -1;
        break;
      case 3:
        db.erase(entry);
        model.erase(key);
        break;
    }
    REQUIRE(db.size() == model.size());
  }
  CHECK(shared_pages::has_set_aside());
  child.exits();

  size_t with_ttl = 0;
  for (const auto& [key, expected] : model) {
    Entry* entry = db.find(key);
    REQUIRE(entry != nullptr);
    CHECK(value_text(*entry) == expected.first);
    CHECK(db.expire_at(entry) == expected.second);
    if (expected.second != -1) ++with_ttl;
  }
  CHECK(db.expires_count() == with_ttl);
  // Every TTL slot points at its live entry: dropping them all one by one
  // walks the array's back-fill through each.
  for (const auto& [key, expected] : model) {
    if (expected.second != -1) CHECK(db.persist(db.find(key)));
  }
  CHECK(db.expires_count() == 0);
  db.clear();
}

}  // namespace
}  // namespace fkvs
