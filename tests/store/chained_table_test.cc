#include "store/chained_table.h"

#include <doctest/doctest.h>

#include <cstring>
#include <new>
#include <random>
#include <set>
#include <string>

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

}  // namespace
}  // namespace fkvs
