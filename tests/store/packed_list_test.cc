#include "store/packed_list.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

namespace fkvs {
namespace {

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
  CHECK(list.bytes() == 9);
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
    size_t encoded;  // header + payload + back-length
  };
  const Case cases[] = {
      {"0", 2},
      {"127", 2},
      {"128", 3},
      {"-1", 3},
      {"4095", 3},
      {"-4096", 3},
      {"4096", 4},
      {"-32768", 4},
      {"32768", 5},
      {"-8388608", 5},
      {"8388608", 6},
      {"2147483647", 6},
      {"-2147483649", 10},
      {"9223372036854775807", 10},
      {"-9223372036854775808", 10},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    PackedList list;
    list.push_back(c.text);
    CHECK(PackedList::encoded_size(c.text) == c.encoded);
    CHECK(list.bytes() == 9 + c.encoded);
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

TEST_CASE("packed_list: string headers grow at 64 and 4096 bytes, back-lengths at 128 and 16384") {
  const struct {
    size_t length;
    size_t encoded;
  } cases[] = {{0, 2},       {63, 65},     {64, 67},       {125, 128},     {126, 130},
               {4095, 4099}, {4096, 4103}, {16378, 16385}, {16379, 16387}, {70000, 70008}};
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
  CHECK(list.bytes() == 9);
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

}  // namespace
}  // namespace fkvs
