#include "store/value.h"

#include <doctest/doctest.h>

#include <cstring>
#include <memory>
#include <string>

#include "store/collection.h"
#include "test_values.h"

namespace fkvs {
namespace {

std::string bytes_of(const Value& value) {
  IntScratch scratch;
  return std::string(value.string_bytes(scratch));
}

TEST_CASE("value: a new value is the empty string") {
  Value value;
  CHECK(value.type() == ValueType::kString);
  CHECK(value.string_length() == 0);
  CHECK(bytes_of(value).empty());
  CHECK(value.encoding() == Encoding::kEmbStr);
  CHECK(value.heap_bytes() == 0);
}

TEST_CASE("value: canonical int64 text is int-encoded, anything else is not") {
  for (const char* text :
       {"0", "1", "-1", "12345", "9223372036854775807", "-9223372036854775808"}) {
    CAPTURE(text);
    const Value value = string_value(text);
    CHECK(value.encoding() == Encoding::kInt);
    CHECK(bytes_of(value) == text);
    CHECK(value.string_length() == std::string_view(text).size());
    CHECK(value.heap_bytes() == 0);
  }
  for (const char* text : {"007", "-0", "+1", " 1", "1 ", "1.0", "9223372036854775808",
                           "-9223372036854775809", "12345678901234567890"}) {
    CAPTURE(text);
    const Value value = string_value(text);
    const bool fits_inline = std::string_view(text).size() <= Value::kEmbeddedMax;
    CHECK(value.encoding() == (fits_inline ? Encoding::kEmbStr : Encoding::kRaw));
    CHECK(bytes_of(value) == text);
  }
}

TEST_CASE("value: strings of up to 14 bytes are held inline, longer ones on the heap") {
  const Value fits = string_value(std::string(Value::kEmbeddedMax, 'a'));
  CHECK(fits.heap_bytes() == 0);
  CHECK(bytes_of(fits) == std::string(Value::kEmbeddedMax, 'a'));
  const Value spills = string_value(std::string(Value::kEmbeddedMax + 1, 'b'));
  CHECK(spills.heap_bytes() >= Value::kEmbeddedMax + 1);
  CHECK(bytes_of(spills) == std::string(Value::kEmbeddedMax + 1, 'b'));
}

TEST_CASE("value: OBJECT ENCODING reports where the bytes really are") {
  CHECK(string_value(std::string(Value::kEmbeddedMax, 'x')).encoding() == Encoding::kEmbStr);
  CHECK(string_value(std::string(Value::kEmbeddedMax + 1, 'x')).encoding() == Encoding::kRaw);
  CHECK(string_value(std::string(45, 'x')).encoding() == Encoding::kRaw);
  CHECK(std::string(Value::encoding_name(Encoding::kInt)) == "int");
  CHECK(std::string(Value::encoding_name(Encoding::kEmbStr)) == "embstr");
  CHECK(std::string(Value::encoding_name(Encoding::kRaw)) == "raw");
}

TEST_CASE("value: TYPE names") {
  CHECK(std::string(Value::type_name(ValueType::kString)) == "string");
  CHECK(std::string(Value::type_name(ValueType::kList)) == "list");
  CHECK(std::string(Value::type_name(ValueType::kHash)) == "hash");
  CHECK(std::string(Value::type_name(ValueType::kSet)) == "set");
  CHECK(std::string(Value::type_name(ValueType::kZSet)) == "zset");
}

TEST_CASE("value: set_string reuses the heap block when the new string fits") {
  Value value = string_value(std::string(100, 'a'));
  const size_t block_bytes = value.heap_bytes();
  IntScratch scratch;
  const char* block = value.string_bytes(scratch).data();
  value.set_string(std::string(90, 'b'));
  CHECK(value.string_bytes(scratch).data() == block);
  CHECK(value.heap_bytes() == block_bytes);
  CHECK(bytes_of(value) == std::string(90, 'b'));
  value.set_string(std::string(block_bytes, 'c'));
  CHECK(value.string_bytes(scratch).data() == block);
  CHECK(bytes_of(value) == std::string(block_bytes, 'c'));
}

TEST_CASE("value: a much shorter string does not keep a large block") {
  Value value = string_value(std::string(4096, 'a'));
  value.set_string(std::string(20, 'b'));
  CHECK(value.heap_bytes() < 4096);
  CHECK(bytes_of(value) == std::string(20, 'b'));
  value.set_string("short");
  CHECK(value.heap_bytes() == 0);
  CHECK(bytes_of(value) == "short");
}

TEST_CASE("value: set_string switches between all encodings") {
  Value value;
  value.set_string(std::string(50, 'r'));
  CHECK(value.encoding() == Encoding::kRaw);
  value.set_string("42");
  CHECK(value.encoding() == Encoding::kInt);
  CHECK(value.heap_bytes() == 0);
  value.set_string("hello");
  CHECK(value.encoding() == Encoding::kEmbStr);
  CHECK(bytes_of(value) == "hello");
  value.set_string(std::string(30, 'e'));
  CHECK(bytes_of(value) == std::string(30, 'e'));
  value.set_string("-5");
  CHECK(value.integer() == -5);
}

TEST_CASE("value: set_string accepts its own bytes") {
  Value value = string_value(std::string(40, 'a') + std::string(40, 'b'));
  IntScratch scratch;
  value.set_string(value.string_bytes(scratch).substr(40));
  CHECK(bytes_of(value) == std::string(40, 'b'));
  value.set_string(value.string_bytes(scratch).substr(30));
  CHECK(bytes_of(value) == std::string(10, 'b'));
  value.set_string(value.string_bytes(scratch).substr(5));
  CHECK(bytes_of(value) == std::string(5, 'b'));
}

TEST_CASE("value: integer() reads int encoding and integer text alike") {
  Value value;
  value.set_integer(-77);
  CHECK(value.encoding() == Encoding::kInt);
  CHECK(value.integer() == -77);
  CHECK(bytes_of(value) == "-77");
  CHECK(value.string_length() == 3);
  CHECK_FALSE(string_value("abc").integer().has_value());
  CHECK_FALSE(string_value("007").integer().has_value());
  // APPEND can leave integer text in a raw string; INCR still reads it.
  Value appended = string_value("12");
  std::memcpy(appended.resize_raw(3) + 2, "3", 1);
  CHECK(appended.encoding() == Encoding::kRaw);
  CHECK(appended.integer() == 123);
}

TEST_CASE("value: make_raw_for_overwrite gives exactly the bytes asked for, raw") {
  Value value = string_value(std::string(100, 'a'));
  char* bytes = value.make_raw_for_overwrite(5000);
  std::memset(bytes, 'z', 5000);
  CHECK(value.encoding() == Encoding::kRaw);
  CHECK(bytes_of(value) == std::string(5000, 'z'));
  // No room for growth, as Redis's BITOP result has none either.
  CHECK(value.heap_bytes() < 5000 + 1024);
  Value small;
  small.make_raw_for_overwrite(3)[0] = 'x';
  CHECK(small.encoding() == Encoding::kRaw);
  CHECK(small.string_length() == 3);
}

TEST_CASE("value: set_integer frees a heap block") {
  Value value = string_value(std::string(100, 'a'));
  value.set_integer(9);
  CHECK(value.heap_bytes() == 0);
  CHECK(bytes_of(value) == "9");
}

TEST_CASE("value: resize_raw keeps the bytes, zero-fills the gap and reports raw") {
  SUBCASE("from inline") {
    Value value = string_value("abc");
    char* bytes = value.resize_raw(6);
    CHECK(std::string(bytes, 6) == std::string("abc\0\0\0", 6));
    CHECK(value.encoding() == Encoding::kRaw);
    CHECK(value.string_length() == 6);
  }
  SUBCASE("from int") {
    Value value = string_value("-12");
    char* bytes = value.resize_raw(5);
    CHECK(std::string(bytes, 5) == std::string("-12\0\0", 5));
    CHECK(value.encoding() == Encoding::kRaw);
  }
  SUBCASE("from heap, short strings included") {
    Value value = string_value(std::string(20, 'h'));
    value.resize_raw(20);
    CHECK(value.encoding() == Encoding::kRaw);
    CHECK(bytes_of(value) == std::string(20, 'h'));
    value.resize_raw(25);
    CHECK(bytes_of(value) == std::string(20, 'h') + std::string(5, '\0'));
  }
  SUBCASE("to length zero") {
    Value value;
    value.resize_raw(0);
    CHECK(value.encoding() == Encoding::kRaw);
    CHECK(value.string_length() == 0);
  }
  SUBCASE("a later SET of a short string makes it embstr again") {
    Value value = string_value(std::string(20, 'h'));
    value.resize_raw(21);
    value.set_string(std::string(10, 'z'));
    CHECK(value.encoding() == Encoding::kEmbStr);
  }
}

TEST_CASE("value: repeated appends grow geometrically, not once per append") {
  Value value;
  std::string expected;
  size_t reallocations = 0;
  IntScratch scratch;
  const char* block = nullptr;
  for (int i = 0; i < 1000; ++i) {
    const size_t old_length = value.string_length();
    char* bytes = value.resize_raw(old_length + 3);
    std::memcpy(bytes + old_length, "xyz", 3);
    expected += "xyz";
    if (bytes != block) ++reallocations;
    block = value.string_bytes(scratch).data();
  }
  CHECK(bytes_of(value) == expected);
  CHECK(reallocations < 20);
}

TEST_CASE("value: clone copies every encoding into independent storage") {
  for (const std::string& text :
       {std::string("123"), std::string("short"), std::string(15, 'm'), std::string(200, 'l')}) {
    CAPTURE(text);
    const Value original = string_value(text);
    Value copy = original.clone();
    CHECK(bytes_of(copy) == text);
    CHECK(copy.encoding() == original.encoding());
    copy.set_string("changed");
    CHECK(bytes_of(original) == text);
  }
  Value raw = string_value("ab");
  raw.resize_raw(2);
  CHECK(raw.clone().encoding() == Encoding::kRaw);
}

TEST_CASE("value: moving transfers the heap block and leaves an empty string") {
  Value source = string_value(std::string(64, 'q'));
  IntScratch scratch;
  const char* block = source.string_bytes(scratch).data();
  Value target(std::move(source));
  CHECK(target.string_bytes(scratch).data() == block);
  CHECK(source.string_length() == 0);
  Value assigned = string_value(std::string(80, 'w'));
  assigned = std::move(target);
  CHECK(assigned.string_bytes(scratch).data() == block);
  CHECK(target.string_length() == 0);
}

// A collection that counts how many of its kind are alive, so the tests see
// exactly when a Value frees one.
class CountedSet final : public Collection {
 public:
  explicit CountedSet(size_t members) : members_(members) { ++alive; }
  ~CountedSet() override { --alive; }
  ValueType type() const override { return ValueType::kSet; }
  Encoding encoding() const override { return Encoding::kIntset; }
  size_t size() const override { return members_; }
  std::unique_ptr<Collection> clone() const override {
    return std::make_unique<CountedSet>(members_);
  }
  size_t heap_bytes() const override { return 100 + members_; }
  static inline int alive = 0;

 private:
  size_t members_;
};

TEST_CASE("value: a collection is owned, reported and freed by its value") {
  REQUIRE(CountedSet::alive == 0);
  {
    Value value = string_value(std::string(40, 'x'));
    value.set_collection(std::make_unique<CountedSet>(3));
    CHECK(CountedSet::alive == 1);
    CHECK(value.type() == ValueType::kSet);
    CHECK_FALSE(value.is_string());
    CHECK(std::string(Value::type_name(value.type())) == "set");
    CHECK(std::string(Value::encoding_name(value.encoding())) == "intset");
    CHECK(value.collection()->size() == 3);
    CHECK(value.heap_bytes() == 103);

    Value copy = value.clone();
    CHECK(CountedSet::alive == 2);
    CHECK(copy.collection() != value.collection());
    CHECK(copy.collection()->size() == 3);

    Value moved(std::move(copy));
    CHECK(CountedSet::alive == 2);
    CHECK(copy.is_string());
    CHECK(copy.collection() == nullptr);

    // Overwriting with a string (SET over a set) frees the collection.
    moved.set_string("hello");
    CHECK(CountedSet::alive == 1);
    CHECK(bytes_of(moved) == "hello");
    moved.set_collection(std::make_unique<CountedSet>(1));
    moved.set_string(std::string(30, 'y'));
    CHECK(CountedSet::alive == 1);
    CHECK(moved.encoding() == Encoding::kRaw);
    moved.set_collection(std::make_unique<CountedSet>(1));
    moved.set_integer(7);
    CHECK(CountedSet::alive == 1);
    // Replacing one collection with another frees the first.
    value.set_collection(std::make_unique<CountedSet>(9));
    CHECK(CountedSet::alive == 1);
  }
  CHECK(CountedSet::alive == 0);
}

TEST_CASE("value: every encoding has Redis's name") {
  CHECK(std::string(Value::encoding_name(Encoding::kListpack)) == "listpack");
  CHECK(std::string(Value::encoding_name(Encoding::kQuicklist)) == "quicklist");
  CHECK(std::string(Value::encoding_name(Encoding::kHashtable)) == "hashtable");
  CHECK(std::string(Value::encoding_name(Encoding::kIntset)) == "intset");
  CHECK(std::string(Value::encoding_name(Encoding::kSkiplist)) == "skiplist");
}

}  // namespace
}  // namespace fkvs
