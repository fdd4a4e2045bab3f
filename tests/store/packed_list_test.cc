#include "store/packed_list.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

namespace fkvs {
namespace {

// Header, then an index of no groups (a 2-byte count) or of one group (the
// count, a 2-byte end and a 1-byte item count).
constexpr size_t kEmptyBytes = 10;
constexpr size_t kOneGroupBytes = 13;

std::string text_of(const PackedList& list, size_t position) {
  IntScratch scratch;
  return std::string(list.get(position).bytes(scratch));
}

// Walks the list both ways and by index and checks each against the model.
void check_matches(const PackedList& list, const std::deque<std::string>& model) {
  REQUIRE(list.size() == model.size());
  std::vector<std::string> forward;
  for (size_t p = list.begin(); p != list.end(); p = list.next(p))
    forward.push_back(text_of(list, p));
  CHECK(forward == std::vector<std::string>(model.begin(), model.end()));
  std::vector<std::string> backward;
  for (size_t p = list.last(); p != list.end(); p = list.prev(p))
    backward.push_back(text_of(list, p));
  CHECK(backward == std::vector<std::string>(model.rbegin(), model.rend()));
  const auto count = static_cast<int64_t>(model.size());
  for (int64_t i = 0; i < count; ++i) {
    CHECK(text_of(list, list.seek(i)) == model[i]);
    CHECK(text_of(list, list.seek(i - count)) == model[i]);
  }
  CHECK(list.seek(count) == list.end());
  CHECK(list.seek(-count - 1) == list.end());
}

TEST_CASE("packed_list: an empty list allocates nothing and walks nowhere") {
  PackedList list;
  CHECK(list.empty());
  CHECK(list.bytes() == kEmptyBytes);
  CHECK(list.begin() == list.end());
  CHECK(list.last() == list.end());
  CHECK(list.seek(0) == list.end());
  CHECK(list.find("a", list.begin()) == list.end());
  list.clear();
  PackedList copy(list);
  CHECK(copy.empty());
}

TEST_CASE("packed_list: canonical integers are stored as numbers, in as few bytes as they need") {
  struct Case {
    std::string text;
    size_t encoded;  // header + payload
  };
  const Case cases[] = {
      {"0", 1},
      {"127", 1},
      {"128", 2},
      {"-1", 2},
      {"4095", 2},
      {"-4096", 2},
      {"4096", 3},
      {"-32768", 3},
      {"32768", 4},
      {"-8388608", 4},
      {"8388608", 5},
      {"2147483647", 5},
      {"-2147483649", 9},
      {"9223372036854775807", 9},
      {"-9223372036854775808", 9},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    PackedList list;
    list.push_back(c.text);
    CHECK(PackedList::encoded_size(c.text) == c.encoded);
    CHECK(list.bytes() == kOneGroupBytes + c.encoded);
    const PackedList::Item item = list.get(list.begin());
    CHECK(item.is_integer);
    CHECK(text_of(list, list.begin()) == c.text);
    CHECK(item.equals(c.text));
  }
}

TEST_CASE("packed_list: text that only looks numeric stays text, byte for byte") {
  for (const std::string text : {"012", "-0", "+1", " 1", "1.0", "9223372036854775808", ""}) {
    CAPTURE(text);
    PackedList list;
    list.push_back(text);
    const PackedList::Item item = list.get(list.begin());
    CHECK_FALSE(item.is_integer);
    CHECK(item.text == text);
    CHECK(list.find(text, list.begin()) == list.begin());
  }
}

TEST_CASE("packed_list: string headers grow at 64 and 4096 bytes") {
  const struct {
    size_t length;
    size_t encoded;
  } cases[] = {{0, 1},       {63, 64},     {64, 66},       {126, 128},
               {4095, 4097}, {4096, 4101}, {16379, 16384}, {70000, 70005}};
  for (const auto& c : cases) {
    CAPTURE(c.length);
    const std::string text(c.length, 'x');
    CHECK(PackedList::encoded_size(text) == c.encoded);
    PackedList list;
    list.push_back("a");
    list.push_back(text);
    list.push_back("b");
    check_matches(list, {"a", text, "b"});
  }
}

TEST_CASE("packed_list: find compares numbers with numbers and text with text, by stride") {
  PackedList list;
  for (const char* item : {"f1", "10", "f2", "f1", "010", "10"}) list.push_back(item);
  CHECK(list.find("10", list.begin()) == list.seek(1));
  CHECK(list.find("010", list.begin()) == list.seek(4));
  CHECK(list.find("f1", list.next(list.begin())) == list.seek(3));
  // Stride 2 looks only at even positions, as at a hash's fields.
  CHECK(list.find("10", list.begin(), 2) == list.end());
  CHECK(list.find("010", list.begin(), 2) == list.seek(4));
  CHECK(list.find("f2", list.begin(), 2) == list.seek(2));
}

TEST_CASE("packed_list: insert, replace and erase return the positions callers continue from") {
  PackedList list;
  size_t p = list.insert(list.end(), "b");
  CHECK(p == list.begin());
  p = list.insert(list.begin(), "a");
  CHECK(text_of(list, p) == "a");
  p = list.insert(list.end(), "c");
  CHECK(text_of(list, p) == "c");
  p = list.replace(list.seek(1), std::string(300, 'B'));
  CHECK(text_of(list, p) == std::string(300, 'B'));
  check_matches(list, {"a", std::string(300, 'B'), "c"});
  p = list.erase(list.begin());
  CHECK(text_of(list, p) == std::string(300, 'B'));
  p = list.erase(list.begin(), 5);
  CHECK(p == list.begin());
  CHECK(list.empty());
  CHECK(list.bytes() == kEmptyBytes);
}

TEST_CASE("packed_list: insert_items copies a run of another list's items in one go") {
  PackedList source;
  for (const char* item : {"1", "two", "-300", "four"}) source.push_back(item);
  PackedList list;
  list.insert_items(list.end(), source, source.begin(), source.begin());
  CHECK(list.empty());
  list.insert_items(list.end(), source, source.seek(1), source.seek(3));
  check_matches(list, {"two", "-300"});
  list.push_back("z");
  list.insert_items(list.seek(1), source, source.begin(), source.end());
  check_matches(list, {"two", "1", "two", "-300", "four", "-300", "z"});
  check_matches(source, {"1", "two", "-300", "four"});
}

TEST_CASE("packed_list: copies are independent and a moved-from list is empty and usable") {
  PackedList list;
  list.push_back("x");
  list.push_back("12345");
  PackedList copy(list);
  copy.push_front("y");
  check_matches(list, {"x", "12345"});
  check_matches(copy, {"y", "x", "12345"});
  PackedList moved(std::move(copy));
  check_matches(moved, {"y", "x", "12345"});
  CHECK(copy.empty());  // NOLINT(bugprone-use-after-move): the moved-from state is specified
  copy.push_back("again");
  check_matches(copy, {"again"});
  list = moved;
  check_matches(list, {"y", "x", "12345"});
  list = PackedList();
  CHECK(list.empty());
}

std::string random_packed_item(std::mt19937_64& random) {
  switch (random() % 6) {
    case 0:
      return std::to_string(static_cast<int64_t>(random() % 256) - 128);
    case 1:
      return std::to_string(static_cast<int64_t>(random()));
    case 2:
      return std::to_string(static_cast<int64_t>(random() % 100000) - 50000);
    case 3:
      return std::string(random() % 200, static_cast<char>('a' + random() % 26));
    case 4:
      return std::string(4000 + random() % 200, 'L');
    default: {
      // A leading zero keeps a numeric-looking item text.
      std::string padded = std::to_string(random() % 100);
      padded.insert(padded.begin(), '0');
      return padded;
    }
  }
}

TEST_CASE("packed_list: random edits agree with a deque") {
  const uint64_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 random(seed);
  PackedList list;
  std::deque<std::string> model;
  for (int step = 0; step < 3000; ++step) {
    const auto count = static_cast<int64_t>(model.size());
    const int64_t index = count == 0 ? 0 : static_cast<int64_t>(random() % model.size());
    switch (random() % 5) {
      case 0:
      case 1: {
        const std::string item = random_packed_item(random);
        const int64_t at = static_cast<int64_t>(random() % (model.size() + 1));
        list.insert(at == count ? list.end() : list.seek(at), item);
        model.insert(model.begin() + at, item);
        break;
      }
      case 2:
        if (count == 0) break;
        {
          const std::string item = random_packed_item(random);
          list.replace(list.seek(index), item);
          model[index] = item;
        }
        break;
      case 3:
        if (count == 0) break;
        {
          const size_t n = 1 + random() % 3;
          list.erase(list.seek(index), n);
          model.erase(model.begin() + index,
                      model.begin() + std::min<int64_t>(count, index + static_cast<int64_t>(n)));
        }
        break;
      default:
        if (count == 0) break;
        CHECK(list.find(model[index], list.begin()) != list.end());
        break;
    }
    if (step % 100 == 0) check_matches(list, model);
  }
  check_matches(list, model);
}

// Walks list both ways (from last() and from end()), seeks every index from
// both ends, and checks the block survives a round trip and the index stays
// within about a byte per eight items.
void check_layout(const PackedList& list, const std::vector<std::string>& model) {
  check_matches(list, std::deque<std::string>(model.begin(), model.end()));
  std::vector<std::string> backward;
  for (size_t p = list.prev(list.end()); p != list.end(); p = list.prev(p))
    backward.push_back(text_of(list, p));
  CHECK(backward == std::vector<std::string>(model.rbegin(), model.rend()));
  size_t item_bytes = 0;
  for (const std::string& item : model) item_bytes += PackedList::encoded_size(item);
  // Neighbouring groups hold more than 16 items together, so there are at
  // most 2n/17 + 1 groups of at most 5 index bytes each, plus the count.
  CHECK(list.bytes() <= 8 + item_bytes + 4 + 5 * (2 * model.size() / 17 + 1));
  // What Redis's listpack would take: back-lengths of 1, 2 or 3 bytes.
  size_t listpack = 7;
  for (const std::string& item : model) {
    const size_t size = PackedList::encoded_size(item);
    listpack += size + (size < 128 ? 1 : size < 16384 ? 2 : 3);
  }
  CHECK(list.listpack_bytes() == listpack);
  const PackedList copy = PackedList::from_block(list.block());
  CHECK(copy.block() == list.block());
  check_matches(copy, std::deque<std::string>(model.begin(), model.end()));
}

std::string random_layout_item(std::mt19937_64& random, bool big) {
  if (big && random() % 50 == 0) return std::string(3000 + random() % 2000, 'B');
  return random_packed_item(random);
}

TEST_CASE("packed_list: the group index agrees with a vector through random edits") {
  const uint64_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 random(seed);
  // Small lists, lists of many groups, and lists past 64 KiB, whose offsets
  // take 4 bytes.
  for (const size_t target : {5, 40, 300, 2000}) {
    CAPTURE(target);
    PackedList list;
    std::vector<std::string> model;
    for (int step = 0; step < 4000; ++step) {
      const size_t count = model.size();
      const size_t index = count == 0 ? 0 : random() % count;
      const unsigned action = random() % 10;
      const bool grow = count < target;
      if (action < (grow ? 5u : 3u)) {
        const std::string item = random_layout_item(random, target == 2000);
        const size_t at = random() % 3 == 0 ? (random() % 2 ? 0 : count) : random() % (count + 1);
        const size_t p =
            list.insert(at == count ? list.end() : list.seek(static_cast<int64_t>(at)), item);
        CHECK(p == list.seek(static_cast<int64_t>(at)));
        model.insert(model.begin() + static_cast<ptrdiff_t>(at), item);
      } else if (action < 6 && count > 0) {
        const std::string item = random_layout_item(random, target == 2000);
        const int64_t from_tail = static_cast<int64_t>(index) - static_cast<int64_t>(count);
        list.replace(list.seek(from_tail), item);
        model[index] = item;
      } else if (action < 8 && count > 0) {
        // Mostly one item (a pop) or two (a hash field and value), now and
        // then a run spanning groups.
        const size_t n = random() % 8 == 0 ? 1 + random() % 70 : 1 + random() % 2;
        const size_t p = list.erase(list.seek(static_cast<int64_t>(index)), n);
        model.erase(model.begin() + static_cast<ptrdiff_t>(index),
                    model.begin() + static_cast<ptrdiff_t>(std::min(count, index + n)));
        CHECK(p == (index == model.size() ? list.end() : list.seek(static_cast<int64_t>(index))));
      } else if (action == 8 && count > 0) {
        // A queue: pop from the tail, where a step back scans its group.
        CHECK(text_of(list, list.last()) == model.back());
        if (random() % 2 == 0) {
          list.pop_back();
        } else {
          list.erase(list.last());
        }
        model.pop_back();
      } else if (count > 0) {
        const size_t from = random() % count;
        const size_t to = from + random() % (count - from + 1);
        PackedList source = PackedList::from_block(list.block());
        const size_t at = random() % (count + 1);
        list.insert_items(at == count ? list.end() : list.seek(static_cast<int64_t>(at)), source,
                          source.seek(static_cast<int64_t>(from)),
                          to == count ? source.end() : source.seek(static_cast<int64_t>(to)));
        const std::vector<std::string> run(model.begin() + static_cast<ptrdiff_t>(from),
                                           model.begin() + static_cast<ptrdiff_t>(to));
        model.insert(model.begin() + static_cast<ptrdiff_t>(at), run.begin(), run.end());
        if (model.size() > 3 * target) {
          list.erase(list.seek(static_cast<int64_t>(target)), model.size());
          model.resize(target);
        }
      }
      if (step % 200 == 0) check_layout(list, model);
    }
    check_layout(list, model);
    list.clear();
    CHECK(list.bytes() == kEmptyBytes);
  }
}

TEST_CASE("packed_list: pushes and pops at either end keep the index full") {
  PackedList list;
  std::vector<std::string> model;
  for (int i = 0; i < 1000; ++i) {
    list.push_back("i" + std::to_string(i));
    model.push_back("i" + std::to_string(i));
  }
  // 1000 items in full groups of 32: 32 groups, 3 index bytes each.
  size_t item_bytes = 0;
  for (const std::string& item : model) item_bytes += PackedList::encoded_size(item);
  CHECK(list.bytes() == 8 + item_bytes + 2 + 32 * 3);
  for (int i = 0; i < 100; ++i) {
    list.push_front("h" + std::to_string(i));
    model.insert(model.begin(), "h" + std::to_string(i));
    list.erase(list.last());
    model.pop_back();
  }
  check_layout(list, model);
  while (!model.empty()) {
    list.erase(list.begin());
    model.erase(model.begin());
    if (model.size() % 97 == 0) check_layout(list, model);
  }
  CHECK(list.empty());
}

TEST_CASE("packed_list: runs of pushes and pops at both ends agree with a deque") {
  const uint64_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 random(seed);
  PackedList list;
  std::vector<std::string> model;
  // Runs long enough to fill, empty and refill the short last group and to
  // add and drop whole groups at either end, as RPUSH, RPOP, LPUSH and LPOP do.
  for (int run = 0; run < 300; ++run) {
    const unsigned kind = random() % 4;
    const size_t length = 1 + random() % 80;
    for (size_t i = 0; i < length; ++i) {
      if (kind == 0) {
        const std::string item = random_packed_item(random);
        list.push_back(item);
        model.push_back(item);
      } else if (kind == 1) {
        const std::string item = random_packed_item(random);
        list.push_front(item);
        model.insert(model.begin(), item);
      } else if (model.empty()) {
        break;
      } else if (kind == 2) {
        REQUIRE(text_of(list, list.last()) == model.back());
        list.pop_back();
        model.pop_back();
      } else {
        REQUIRE(text_of(list, list.begin()) == model.front());
        list.erase(list.begin());
        model.erase(model.begin());
      }
    }
    check_layout(list, model);
  }
}

}  // namespace
}  // namespace fkvs
