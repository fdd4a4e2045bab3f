#include "store/quick_list.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <random>
#include <string>
#include <vector>

namespace fkvs {
namespace {

std::string text_of(const QuickList::Item& item) {
  IntScratch scratch;
  return std::string(item.bytes(scratch));
}

std::vector<std::string> walk_forward(const QuickList& list) {
  std::vector<std::string> items;
  for (QuickList::Cursor c = list.first(); c; list.next(c)) items.push_back(text_of(list.get(c)));
  return items;
}

std::vector<std::string> walk_backward(const QuickList& list) {
  std::vector<std::string> items;
  for (QuickList::Cursor c = list.last(); c; list.prev(c)) items.push_back(text_of(list.get(c)));
  std::reverse(items.begin(), items.end());
  return items;
}

size_t byte_limit(int64_t fill) {
  if (fill >= 0) return 8192;
  const size_t limits[] = {4096, 8192, 16384, 32768, 65536};
  return limits[std::min<int64_t>(-fill, 5) - 1];
}

// No node is empty, each keeps its limits unless it holds one item, and the
// nodes add up to the list. Redis's merge estimate lets a node pass its
// byte limit by 4 bytes.
void check_nodes(const QuickList& list, int64_t fill) {
  constexpr size_t kSlack = 4;
  size_t total = 0;
  list.for_each_node([&](const PackedList& items) {
    REQUIRE(!items.empty());
    total += items.size();
    if (items.size() == 1) return;
    CHECK(items.listpack_bytes() <= byte_limit(fill) + kSlack);
    if (fill >= 0) CHECK(items.size() <= static_cast<size_t>(fill));
  });
  CHECK(total == list.size());
}

size_t node_count(const QuickList& list) {
  size_t nodes = 0;
  list.for_each_node([&](const PackedList&) { ++nodes; });
  return nodes;
}

// Which nodes, head to tail, are compressed.
std::vector<bool> compression_of(const QuickList& list) {
  std::vector<bool> compressed;
  list.for_each_node_compression(
      [&](bool node_compressed) { compressed.push_back(node_compressed); });
  return compressed;
}

// The depth nodes at each end are never compressed.
void check_ends_plain(const QuickList& list, size_t depth) {
  const std::vector<bool> compressed = compression_of(list);
  for (size_t i = 0; i < compressed.size(); ++i) {
    if (i < depth || compressed.size() - 1 - i < depth) CHECK_FALSE(compressed[i]);
  }
}

// With items that compress well, exactly the nodes beyond depth are.
void check_compressed_beyond(const QuickList& list, size_t depth) {
  const std::vector<bool> compressed = compression_of(list);
  for (size_t i = 0; i < compressed.size(); ++i) {
    CAPTURE(i);
    CHECK(compressed[i] == (i >= depth && compressed.size() - 1 - i >= depth));
  }
}

void check_matches(const QuickList& list, const std::deque<std::string>& model, int64_t fill,
                   size_t depth = 0) {
  REQUIRE(list.size() == model.size());
  check_ends_plain(list, depth);
  const std::vector<std::string> expected(model.begin(), model.end());
  CHECK(walk_forward(list) == expected);
  CHECK(walk_backward(list) == expected);
  check_nodes(list, fill);
}

// Item sizes from a number to an item bigger than the largest node.
std::string random_list_item(std::mt19937_64& random) {
  const unsigned kind = random() % 100;
  if (kind < 30) return std::to_string(static_cast<int64_t>(random() % 2000) - 1000);
  if (kind < 35) return std::to_string(static_cast<int64_t>(random()));
  if (kind < 80) return std::string(1 + random() % 20, static_cast<char>('a' + random() % 26));
  if (kind < 97) return std::string(50 + random() % 700, static_cast<char>('A' + random() % 26));
  return std::string(3000 + random() % 70000, 'L');
}

TEST_CASE("quick_list: an empty list has no nodes and no cursors") {
  QuickList list(-2, 0);
  CHECK(list.empty());
  CHECK(!list.first());
  CHECK(!list.last());
  CHECK(!list.at(0));
  CHECK(!list.at(-1));
  CHECK(node_count(list) == 0);
  CHECK(list.heap_bytes() == 0);
}

TEST_CASE("quick_list: pushes and pops at both ends") {
  QuickList list(-2, 0);
  list.push_back("b");
  list.push_front("a");
  list.push_back("12");
  CHECK(walk_forward(list) == std::vector<std::string>{"a", "b", "12"});
  CHECK(text_of(list.front()) == "a");
  CHECK(text_of(list.back()) == "12");
  list.pop_front();
  list.pop_back();
  CHECK(walk_forward(list) == std::vector<std::string>{"b"});
  list.pop_back();
  CHECK(list.empty());
  CHECK(node_count(list) == 0);
}

TEST_CASE("quick_list: a positive fill caps items per node") {
  QuickList list(3, 0);
  for (int i = 0; i < 10; ++i) list.push_back(std::to_string(i));
  CHECK(node_count(list) == 4);
  check_nodes(list, 3);
  QuickList one(1, 0);
  for (int i = 0; i < 10; ++i) one.push_front(std::to_string(i));
  CHECK(node_count(one) == 10);
}

TEST_CASE("quick_list: a negative fill caps bytes per node, a bigger item gets its own node") {
  for (int64_t fill = -1; fill >= -5; --fill) {
    QuickList list(fill, 0);
    const std::string item(100, 'x');
    for (int i = 0; i < 2000; ++i) list.push_back(item);
    check_nodes(list, fill);
    // A node takes items while its bytes and Redis's estimate for one more
    // (the item, a 1-byte previous length, a 2-byte own length) stay within
    // the limit.
    PackedList full;
    while (full.listpack_bytes() + item.size() + 3 <= byte_limit(fill)) full.push_back(item);
    const size_t per_node = full.size();
    CHECK(node_count(list) == (2000 + per_node - 1) / per_node);
  }
  QuickList list(-2, 0);
  list.push_back("a");
  list.push_back(std::string(100000, 'b'));
  list.push_back("c");
  CHECK(node_count(list) == 3);
  list.insert(list.at(0), std::string(9000, 'd'), true);
  CHECK(node_count(list) == 4);
  CHECK(walk_forward(list)[1] == std::string(9000, 'd'));
}

TEST_CASE("quick_list: at walks from the nearer end") {
  QuickList list(4, 0);
  for (int i = 0; i < 100; ++i) list.push_back(std::to_string(i));
  for (int i = 0; i < 100; ++i) {
    CHECK(text_of(list.get(list.at(i))) == std::to_string(i));
    CHECK(text_of(list.get(list.at(i - 100))) == std::to_string(i));
  }
  CHECK(!list.at(100));
  CHECK(!list.at(-101));
}

TEST_CASE("quick_list: inserting into a full node splits it") {
  QuickList list(4, 0);
  for (int i = 0; i < 4; ++i) list.push_back(std::to_string(i));
  CHECK(node_count(list) == 1);
  list.insert(list.at(1), "x", true);
  CHECK(walk_forward(list) == std::vector<std::string>{"0", "1", "x", "2", "3"});
  CHECK(node_count(list) == 2);
  check_nodes(list, 4);
  list.insert(list.at(0), "h", false);
  list.insert(list.at(-1), "t", true);
  CHECK(walk_forward(list) == std::vector<std::string>{"h", "0", "1", "x", "2", "3", "t"});
  check_nodes(list, 4);
}

TEST_CASE("quick_list: erase_range merges what is left at its edges") {
  QuickList list(4, 0);
  for (int i = 0; i < 40; ++i) list.push_back(std::to_string(i));
  CHECK(node_count(list) == 10);
  list.erase_range(2, 36);
  CHECK(walk_forward(list) == std::vector<std::string>{"0", "1", "38", "39"});
  CHECK(node_count(list) == 1);
}

TEST_CASE("quick_list: erase walks on in either direction, compact merges the rest") {
  QuickList list(4, 0);
  for (int i = 0; i < 20; ++i) list.push_back(std::to_string(i % 2));
  // Erase every "1" walking from the tail, as LREM with a negative count.
  QuickList::Cursor c = list.last();
  while (c) {
    if (text_of(list.get(c)) == "1") {
      c = list.erase(c, true);
    } else {
      list.prev(c);
    }
  }
  CHECK(walk_forward(list) == std::vector<std::string>(10, "0"));
  CHECK(node_count(list) == 5);
  list.compact();
  CHECK(node_count(list) == 3);
  check_nodes(list, 4);
}

TEST_CASE(
    "quick_list: a backward walk visits every item once, in reverse, across groups and nodes") {
  std::mt19937_64 random(7);
  for (int64_t fill : {int64_t{-2}, int64_t{5}, int64_t{100}}) {
    for (int64_t depth : {int64_t{0}, int64_t{1}}) {
      CAPTURE(fill);
      CAPTURE(depth);
      QuickList list(fill, depth);
      std::vector<std::string> model;
      for (int i = 0; i < 700; ++i) {
        model.push_back(random_list_item(random));
        list.push_back(model.back());
      }
      std::vector<std::string> seen;
      QuickList::BackwardWalk walk(list, list.last());
      for (; walk.cursor(); walk.step()) seen.push_back(text_of(list.get(walk.cursor())));
      list.recompress();
      std::reverse(model.begin(), model.end());
      CHECK(seen == model);
    }
  }
}

TEST_CASE("quick_list: a backward walk restarted after each erase removes from the tail") {
  QuickList list(4, 0);
  for (int i = 0; i < 200; ++i) list.push_back(std::to_string(i % 3));
  QuickList::BackwardWalk walk(list, list.last());
  size_t removed = 0;
  while (walk.cursor() && removed < 50) {
    if (text_of(list.get(walk.cursor())) == "1") {
      walk.restart(list.erase(walk.cursor(), true));
      ++removed;
    } else {
      walk.step();
    }
  }
  list.compact();
  std::vector<std::string> expected;
  size_t ones = 0;
  for (int i = 0; i < 200; ++i) {
    if (i % 3 == 1) ++ones;
  }
  // The first (ones - 50) "1"s, counted from the head, stay.
  size_t kept_ones = 0;
  for (int i = 0; i < 200; ++i) {
    if (i % 3 == 1 && kept_ones++ >= ones - 50) continue;
    expected.push_back(std::to_string(i % 3));
  }
  CHECK(walk_forward(list) == expected);
}

TEST_CASE("quick_list: a copy is deep") {
  QuickList list(2, 0);
  for (int i = 0; i < 7; ++i) list.push_back(std::to_string(i));
  QuickList copy(list);
  list.pop_front();
  list.replace(list.at(0), "changed");
  CHECK(walk_forward(copy) == std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6"});
  CHECK(copy.heap_bytes() > 0);
}

TEST_CASE("quick_list: replace keeps a bigger item in its node, as Redis 7.0's LSET") {
  QuickList list(-1, 0);
  const std::string item(1000, 'x');
  for (int i = 0; i < 4; ++i) list.push_back(item);
  CHECK(node_count(list) == 1);
  list.replace(list.at(1), std::string(3000, 'y'));
  CHECK(node_count(list) == 1);
  CHECK(walk_forward(list)[1] == std::string(3000, 'y'));
  CHECK(list.size() == 4);
}

TEST_CASE("quick_list: node limits follow Redis's size estimates") {
  // -1: 4096 bytes. Items of 400 bytes take 404 and are estimated at 407:
  // ten fit in a node (9 + 9 * 404 + 407 bytes), an eleventh does not.
  QuickList bytes_limited(-1, 0);
  for (int i = 0; i < 11; ++i) bytes_limited.push_back(std::string(400, 'a'));
  CHECK(node_count(bytes_limited) == 2);
  // A count limit still caps a node at 8 KB: two items of 4000 bytes are
  // estimated past it, so each gets its own node.
  QuickList counted(100, 0);
  for (int i = 0; i < 3; ++i) counted.push_back(std::string(4090, 'b'));
  CHECK(node_count(counted) == 3);
  // Fills past the table clamp to -5 (64 KB), as Redis's quicklist does.
  QuickList clamped(-9, 0);
  for (int i = 0; i < 60; ++i) clamped.push_back(std::string(1000, 'c'));
  CHECK(node_count(clamped) == 1);
}

void random_edits(int64_t fill, uint64_t seed, int steps, size_t depth = 0) {
  std::printf("quick_list random edits: fill %lld depth %zu seed %llu\n",
              static_cast<long long>(fill), depth, static_cast<unsigned long long>(seed));
  CAPTURE(fill);
  CAPTURE(depth);
  CAPTURE(seed);
  std::mt19937_64 random(seed);
  QuickList list(fill, static_cast<int64_t>(depth));
  std::deque<std::string> model;
  size_t peak = 0;
  for (int step = 0; step < steps; ++step) {
    const unsigned op = random() % 100;
    const size_t n = model.size();
    if (op < 20) {
      const std::string item = random_list_item(random);
      list.push_back(item);
      model.push_back(item);
    } else if (op < 40) {
      const std::string item = random_list_item(random);
      list.push_front(item);
      model.push_front(item);
    } else if (op < 47 && n > 0) {
      REQUIRE(text_of(list.front()) == model.front());
      list.pop_front();
      model.pop_front();
    } else if (op < 54 && n > 0) {
      REQUIRE(text_of(list.back()) == model.back());
      list.pop_back();
      model.pop_back();
    } else if (op < 70) {
      const size_t index = random() % (n + 1);
      const std::string item = random_list_item(random);
      list.insert_at(index, item);
      model.insert(model.begin() + static_cast<ptrdiff_t>(index), item);
    } else if (op < 78 && n > 0) {
      const size_t index = random() % n;
      const bool toward_head = random() % 2 == 0;
      const QuickList::Cursor after = list.erase(list.at(static_cast<int64_t>(index)), toward_head);
      model.erase(model.begin() + static_cast<ptrdiff_t>(index));
      const size_t expected = toward_head ? index - 1 : index;
      if ((toward_head && index == 0) || (!toward_head && index == model.size())) {
        CHECK(!after);
      } else {
        REQUIRE(after);
        CHECK(text_of(list.get(after)) == model[expected]);
      }
    } else if (op < 88 && n > 0) {
      const size_t index = random() % n;
      const std::string item = random_list_item(random);
      // LSET may take a node past its limit; keep the limits checkable.
      const std::string replacement =
          PackedList::encoded_size(item) <= PackedList::encoded_size(model[index]) ? item : "7";
      list.replace(list.at(-1 - static_cast<int64_t>(n - 1 - index)), replacement);
      model[index] = replacement;
    } else if (op < 89 && n > 0) {
      // Mostly short ranges, now and then one past the end, so lists grow.
      const size_t start = random() % n;
      const size_t count = random() % 64 == 0 ? random() % (n - start + 2) : random() % 40;
      list.erase_range(start, count);
      model.erase(model.begin() + static_cast<ptrdiff_t>(start),
                  model.begin() + static_cast<ptrdiff_t>(std::min(n, start + count)));
    } else if (op < 91) {
      list.compact();
    } else if (n > 0) {
      const size_t index = random() % n;
      CHECK(text_of(list.get(list.at(static_cast<int64_t>(index)))) == model[index]);
    }
    if (step % 97 == 0) check_matches(list, model, fill, depth);
    peak = std::max(peak, model.size());
  }
  std::printf("  largest list: %zu items\n", peak);
  check_matches(list, model, fill, depth);
  QuickList copy(list);
  check_matches(copy, model, fill, depth);
}

TEST_CASE("quick_list: random edits agree with a deque at every node limit") {
  const uint64_t seed = 20261202;
  for (const int64_t fill : {1, 2, 3, 16, 128, 0, -1, -2, -3, -5, -6}) {
    random_edits(fill, seed + static_cast<uint64_t>(fill + 100), 6000);
  }
}

TEST_CASE("quick_list: random edits agree with a deque with compression on") {
  const uint64_t seed = 20261206;
  for (const size_t depth : {1, 2, 3}) {
    for (const int64_t fill : {4, 128, -1, -2}) {
      random_edits(fill, seed + depth * 1000 + static_cast<uint64_t>(fill + 100), 3000, depth);
    }
  }
}

// Items of 1000 bytes of one letter compress well; four fill a -1 node.
std::string compressible_item(size_t i) {
  return std::string(1000, static_cast<char>('a' + i % 26));
}

TEST_CASE("quick_list: pushes compress the nodes beyond the depth, pops open them again") {
  for (const size_t depth : {1, 2, 3}) {
    CAPTURE(depth);
    QuickList list(-1, static_cast<int64_t>(depth));
    std::deque<std::string> model;
    for (size_t i = 0; i < 40; ++i) {
      const std::string item = compressible_item(i);
      if (i % 2 == 0) {
        list.push_back(item);
        model.push_back(item);
      } else {
        list.push_front(item);
        model.push_front(item);
      }
      check_compressed_beyond(list, depth);
    }
    CHECK(node_count(list) > 2 * depth);
    check_matches(list, model, -1, depth);
    while (!model.empty()) {
      if (model.size() % 3 == 0) {
        REQUIRE(text_of(list.back()) == model.back());
        list.pop_back();
        model.pop_back();
      } else {
        REQUIRE(text_of(list.front()) == model.front());
        list.pop_front();
        model.pop_front();
      }
      check_compressed_beyond(list, depth);
    }
  }
}

TEST_CASE("quick_list: edits in the middle leave the middle compressed") {
  for (const size_t depth : {1, 2, 3}) {
    CAPTURE(depth);
    QuickList list(-1, static_cast<int64_t>(depth));
    std::deque<std::string> model;
    for (size_t i = 0; i < 60; ++i) {
      list.push_back(compressible_item(i));
      model.push_back(compressible_item(i));
    }
    const size_t plain = list.heap_bytes();
    // Reads open one node at a time and leave none open.
    CHECK(text_of(list.get(list.at(30))) == model[30]);
    list.recompress();
    check_compressed_beyond(list, depth);
    CHECK(walk_forward(list) == std::vector<std::string>(model.begin(), model.end()));
    check_compressed_beyond(list, depth);
    list.insert_at(29, compressible_item(3));
    model.insert(model.begin() + 29, compressible_item(3));
    check_compressed_beyond(list, depth);
    list.replace(list.at(33), compressible_item(7));
    model[33] = compressible_item(7);
    check_compressed_beyond(list, depth);
    list.erase_range(10, 25);
    model.erase(model.begin() + 10, model.begin() + 35);
    check_compressed_beyond(list, depth);
    for (QuickList::Cursor c = list.at(12); c;) c = list.erase(c);
    model.erase(model.begin() + 12, model.end());
    list.compact();
    check_matches(list, model, -1, depth);
    check_compressed_beyond(list, depth);
    CHECK(list.heap_bytes() < plain);
  }
}

TEST_CASE("quick_list: small and incompressible nodes stay plain") {
  QuickList small(2, 1);
  for (int i = 0; i < 20; ++i) small.push_back("x");
  for (const bool compressed : compression_of(small)) CHECK_FALSE(compressed);

  std::mt19937_64 random(7);
  QuickList noise(-1, 1);
  std::deque<std::string> model;
  for (int i = 0; i < 40; ++i) {
    std::string item(1000, '\0');
    for (char& c : item) c = static_cast<char>(random());
    noise.push_back(item);
    model.push_back(item);
  }
  for (const bool compressed : compression_of(noise)) CHECK_FALSE(compressed);
  check_matches(noise, model, -1, 1);
}

TEST_CASE("quick_list: a big item gets a compressed node of its own") {
  QuickList list(-2, 1);
  std::deque<std::string> model;
  for (const std::string& item : {std::string("head"), std::string(100000, 'b'), std::string("x"),
                                  std::string(70000, 'c'), std::string("tail")}) {
    list.push_back(item);
    model.push_back(item);
  }
  CHECK(compression_of(list) == std::vector<bool>{false, true, false, true, false});
  check_matches(list, model, -2, 1);
  list.replace(list.at(1), std::string(90000, 'd'));
  model[1] = std::string(90000, 'd');
  check_matches(list, model, -2, 1);
  CHECK(compression_of(list) == std::vector<bool>{false, true, false, true, false});
}

TEST_CASE("quick_list: items past the packed threshold get plain nodes nothing joins") {
  QuickList::set_packed_threshold(10);
  QuickList list(-2, 1);
  std::deque<std::string> model;
  for (std::string_view item : {"a", "b", "0123456789", "c", "d", "0123456789xyz", "e"}) {
    list.push_back(item);
    model.emplace_back(item);
  }
  // a b | 0123456789 | c d | 0123456789xyz | e
  CHECK(node_count(list) == 5);
  list.insert_at(3, "f");
  model.insert(model.begin() + 3, "f");
  list.erase_range(4, 1);
  model.erase(model.begin() + 4);
  list.compact();
  check_matches(list, model, -2, 1);
  CHECK(node_count(list) == 5);
  QuickList::set_packed_threshold(size_t{1} << 30);
}

}  // namespace
}  // namespace fkvs
