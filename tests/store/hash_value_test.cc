#include "store/hash_value.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace fkvs {
namespace {

constexpr HashLimits kLimits{4, 8};

std::map<std::string, std::string> contents(HashValue& hash) {
  std::map<std::string, std::string> out;
  hash.for_each([&](std::string_view field, std::string_view value) {
    CHECK(out.emplace(std::string(field), std::string(value)).second);
  });
  return out;
}

std::vector<std::string> fields_in_order(HashValue& hash) {
  std::vector<std::string> out;
  hash.for_each([&](std::string_view field, std::string_view) { out.emplace_back(field); });
  return out;
}

std::string get(HashValue& hash, std::string_view field) {
  IntScratch scratch;
  auto value = hash.get(field, scratch);
  return value ? std::string(*value) : std::string("<missing>");
}

}  // namespace

TEST_CASE("hash: a new hash is an empty listpack") {
  HashValue hash;
  CHECK(hash.type() == ValueType::kHash);
  CHECK(hash.encoding() == Encoding::kListpack);
  CHECK(hash.size() == 0);
  CHECK(get(hash, "f") == "<missing>");
  CHECK_FALSE(hash.erase("f"));
  CHECK(hash.random_ref().node == nullptr);
}

TEST_CASE("hash: listpack keeps insertion order, updates in place, integers read back") {
  HashValue hash;
  CHECK(hash.set("b", "1", kLimits));
  CHECK(hash.set("a", "-12", kLimits));
  CHECK(hash.set("c", "x", kLimits));
  CHECK_FALSE(hash.set("a", "007", kLimits));
  CHECK(hash.size() == 3);
  CHECK(fields_in_order(hash) == std::vector<std::string>{"b", "a", "c"});
  CHECK(get(hash, "a") == "007");
  CHECK(get(hash, "b") == "1");
  CHECK(hash.contains("c"));
  CHECK(hash.erase("b"));
  CHECK(fields_in_order(hash) == std::vector<std::string>{"a", "c"});
  CHECK(hash.encoding() == Encoding::kListpack);
}

TEST_CASE("hash: converts past the entries limit, exactly") {
  HashValue hash;
  for (int i = 0; i < 4; ++i) hash.set("f" + std::to_string(i), "v", kLimits);
  CHECK(hash.encoding() == Encoding::kListpack);
  CHECK(hash.size() == 4);
  hash.set("f4", "v", kLimits);
  CHECK(hash.encoding() == Encoding::kHashtable);
  CHECK(hash.size() == 5);
  for (int i = 0; i < 5; ++i) CHECK(get(hash, "f" + std::to_string(i)) == "v");
  // Never back, even when small again.
  for (int i = 0; i < 4; ++i) CHECK(hash.erase("f" + std::to_string(i)));
  CHECK(hash.size() == 1);
  CHECK(hash.encoding() == Encoding::kHashtable);
}

TEST_CASE("hash: a lowered entries limit converts on the next write, even an update") {
  HashValue hash;
  for (int i = 0; i < 3; ++i) hash.set("f" + std::to_string(i), "v", kLimits);
  const HashLimits lowered{2, 8};
  CHECK_FALSE(hash.set("f0", "w", lowered));
  CHECK(hash.encoding() == Encoding::kHashtable);
  CHECK(get(hash, "f0") == "w");
}

TEST_CASE("hash: converts when a field or value passes the value limit, exactly") {
  HashValue by_value;
  by_value.set("f", std::string(8, 'x'), kLimits);
  CHECK(by_value.encoding() == Encoding::kListpack);
  by_value.set("f", std::string(9, 'x'), kLimits);
  CHECK(by_value.encoding() == Encoding::kHashtable);
  CHECK(get(by_value, "f") == std::string(9, 'x'));

  HashValue by_field;
  by_field.set(std::string(8, 'k'), "v", kLimits);
  CHECK(by_field.encoding() == Encoding::kListpack);
  by_field.set(std::string(9, 'k'), "v", kLimits);
  CHECK(by_field.encoding() == Encoding::kHashtable);
  CHECK(by_field.size() == 2);

  HashValue by_arguments;
  by_arguments.set("a", "1", kLimits);
  const std::string long_one(9, 'z');
  const std::string_view arguments[] = {"a", "2", "b", long_one};
  by_arguments.convert_if_any_long(arguments, kLimits);
  CHECK(by_arguments.encoding() == Encoding::kHashtable);
  CHECK(get(by_arguments, "a") == "1");
}

TEST_CASE("hash: table values grow and shrink in place or in a new node") {
  HashValue hash;
  hash.convert_to_table();
  hash.set("f", "short", kLimits);
  hash.set("f", std::string(1000, 'a'), kLimits);
  CHECK(get(hash, "f") == std::string(1000, 'a'));
  const size_t big = hash.heap_bytes();
  hash.set("f", "s", kLimits);
  CHECK(get(hash, "f") == "s");
  CHECK(hash.heap_bytes() + 900 < big);
  hash.set("f", "", kLimits);
  CHECK(get(hash, "f") == "");
  hash.set("", "empty field", kLimits);
  CHECK(get(hash, "") == "empty field");
}

TEST_CASE("hash: clone copies both encodings") {
  HashValue small;
  small.set("a", "1", kLimits);
  small.set("b", "two", kLimits);
  auto small_copy = small.clone();
  auto& small_hash = static_cast<HashValue&>(*small_copy);
  CHECK(small_hash.encoding() == Encoding::kListpack);
  CHECK(contents(small_hash) == contents(small));

  HashValue large;
  for (int i = 0; i < 50; ++i) large.set("f" + std::to_string(i), std::to_string(i * 7), kLimits);
  auto large_copy = large.clone();
  auto& large_hash = static_cast<HashValue&>(*large_copy);
  CHECK(large_hash.encoding() == Encoding::kHashtable);
  CHECK(contents(large_hash) == contents(large));
  large.set("f0", "changed", kLimits);
  CHECK(get(large_hash, "f0") == "0");
  CHECK(large_hash.heap_bytes() > 50 * sizeof(HashNode));
}

TEST_CASE("hash: heap bytes follow the contents") {
  HashValue hash;
  const size_t empty = hash.heap_bytes();
  CHECK(empty == sizeof(HashValue));
  hash.set("field", "value", kLimits);
  CHECK(hash.heap_bytes() > empty);
  hash.convert_to_table();
  const size_t one = hash.heap_bytes();
  CHECK(one >= sizeof(HashValue) + sizeof(HashTable) + sizeof(HashNode) + 10);
  for (int i = 0; i < 100; ++i) hash.set("k" + std::to_string(i), "v", kLimits);
  CHECK(hash.heap_bytes() > one + 100 * sizeof(HashNode));
  for (int i = 0; i < 100; ++i) hash.erase("k" + std::to_string(i));
  hash.erase("field");
  CHECK(hash.heap_bytes() <= one);
}

TEST_CASE("hash: refs, read and random_ref cover the fields") {
  for (bool table : {false, true}) {
    HashValue hash;
    if (table) hash.convert_to_table();
    for (int i = 0; i < 4; ++i) hash.set("f" + std::to_string(i), std::to_string(i), kLimits);
    std::vector<HashValue::Ref> refs;
    hash.refs(refs);
    CHECK(refs.size() == 4);
    std::set<std::string> seen;
    HashValue::Scratch scratch;
    for (auto ref : refs) {
      auto pair = hash.read(ref, scratch);
      CHECK(pair.field == "f" + std::string(pair.value));
      seen.emplace(pair.field);
    }
    CHECK(seen.size() == 4);
    std::set<std::string> drawn;
    for (int i = 0; i < 400; ++i) drawn.emplace(hash.read(hash.random_ref(), scratch).field);
    CHECK(drawn == seen);
  }
}

TEST_CASE("hash: scan_table returns every field") {
  HashValue hash;
  for (int i = 0; i < 1000; ++i) hash.set("f" + std::to_string(i), "v", kLimits);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = hash.scan_table(
        cursor, [&](std::string_view field, std::string_view) { seen.emplace(field); });
  } while (cursor != 0);
  CHECK(seen.size() == 1000);
}

TEST_CASE("hash: randomized against std::unordered_map") {
  const uint64_t seed = 0x5eed0006;
  std::printf("hash randomized test seed: %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 random(seed);
  for (int round = 0; round < 20; ++round) {
    HashValue hash;
    std::unordered_map<std::string, std::string> model;
    const HashLimits limits{static_cast<size_t>(random() % 40), 4 + random() % 12};
    bool converted = false;
    for (int step = 0; step < 600; ++step) {
      const std::string field = "f" + std::to_string(random() % 60);
      const int op = static_cast<int>(random() % 10);
      if (op < 6) {
        std::string value = random() % 2 ? std::to_string(static_cast<int64_t>(random()) >> 40)
                                         : std::string(random() % 14, 'a' + random() % 26);
        const bool added = hash.set(field, value, limits);
        CHECK(added == (model.find(field) == model.end()));
        model[field] = value;
        if (field.size() > limits.max_listpack_value || value.size() > limits.max_listpack_value ||
            model.size() > limits.max_listpack_entries) {
          converted = true;
        }
      } else if (op < 9) {
        CHECK(hash.erase(field) == (model.erase(field) == 1));
      } else {
        auto it = model.find(field);
        CHECK(get(hash, field) == (it == model.end() ? "<missing>" : it->second));
      }
      CHECK(hash.size() == model.size());
      CHECK(hash.encoding() == (converted ? Encoding::kHashtable : Encoding::kListpack));
    }
    std::map<std::string, std::string> expected(model.begin(), model.end());
    CHECK(contents(hash) == expected);
  }
}

}  // namespace fkvs
