#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

namespace fkvs {

class Collection;

// The types Redis has; all but strings are held as a Collection.
enum class ValueType : uint8_t { kString = 0, kList, kHash, kSet, kZSet, kStream };

// How a value is held; the names are what OBJECT ENCODING reports.
enum class Encoding : uint8_t {
  kInt,     // "int": a string that is a canonical int64, stored as the number
  kEmbStr,  // "embstr": a string of up to Value::kEmbeddedMax bytes inside the Value
  kRaw,     // "raw": a string in its own heap block
  // Collections, each reported as Redis 7.0 names its encoding:
  kListpack,   // small hashes, sorted sets and lists: entries in one block
  kQuicklist,  // lists past the listpack limits: a chain of listpacks
  kHashtable,  // large hashes and sets
  kIntset,     // small sets of integers: a sorted array
  kSkiplist,   // large sorted sets
  kStream,     // streams: a tree of listpack nodes
};

// Room to format an int-encoded string into.
struct IntScratch {
  char bytes[24];
};

// A value as the keyspace holds it: 16 bytes, one tag byte plus payload.
// Strings of up to kEmbeddedMax bytes live inline, longer ones in a heap
// block whose usable size is reused when a new value fits (so SET over an
// existing key of similar size does not allocate).
//
// OBJECT ENCODING reports this storage: "embstr" only for bytes held inside
// the Value (Redis's embstr reaches 44 bytes; ours stops at 14).
class Value {
 public:
  static constexpr size_t kEmbeddedMax = 14;

  Value() { set_empty_string(); }
  ~Value() { release(); }
  Value(Value&& other) noexcept;
  Value& operator=(Value&& other) noexcept;
  Value(const Value&) = delete;
  Value& operator=(const Value&) = delete;

  ValueType type() const;
  Encoding encoding() const;
  static const char* encoding_name(Encoding encoding);
  static const char* type_name(ValueType type);  // "string", "list", ... as TYPE prints

  bool is_string() const { return type() == ValueType::kString; }

  // Makes this value the collection, which it then owns.
  void set_collection(std::unique_ptr<Collection> collection);
  // The collection this value holds; nullptr for a string.
  Collection* collection() const;

  // The string functions below are for string values only, except the
  // setters, which replace whatever the value held.
  // Stores bytes as a string, choosing int, embedded or raw encoding.
  void set_string(std::string_view bytes);
  // Stores bytes without trying the int encoding, as Redis keeps the results
  // of INCRBYFLOAT ("11" stays an embstr).
  void set_text(std::string_view bytes);
  void set_integer(int64_t value);
  // The string's bytes; an int-encoded value is formatted into scratch.
  std::string_view string_bytes(IntScratch& scratch) const;
  size_t string_length() const;
  // The value as an int64 if it is int-encoded or its bytes parse as one.
  std::optional<int64_t> integer() const;

  // For APPEND and SETRANGE: makes the string raw with room for new_length
  // bytes (keeping the current bytes, zero-filling any gap) and returns them.
  // Growth is geometric, so repeated APPENDs cost amortised O(1) per byte.
  char* resize_raw(size_t new_length);
  // For a result written in full (BITOP): makes the value a raw string of
  // exactly length bytes, their content unset, and returns them to fill.
  char* make_raw_for_overwrite(size_t length);

  Value clone() const;
  // Bytes of heap memory this value holds beyond its 16 bytes (MEMORY USAGE, INFO).
  size_t heap_bytes() const;

 private:
  // Where a string's bytes are; kept in the tag beside the type.
  enum class Storage : uint8_t { kInt = 0, kInline = 1, kHeap = 2, kCollection = 3 };

  void set_empty_string();
  void release();
  Storage storage() const;
  void set_tag(ValueType type, Storage storage);
  size_t inline_length() const;
  size_t heap_length() const;
  char* heap_block() const;
  void set_heap(char* block, size_t length);
  void set_inline(std::string_view bytes);

  // Byte 0 is the tag. Int: bytes 8..15 hold the int64. Inline: byte 1 is the
  // length, bytes 2..15 the bytes. Heap: bytes 1..7 hold the length, bytes
  // 8..15 the block pointer. Collection: bytes 8..15 hold the pointer.
  alignas(8) unsigned char bytes_[16];
};

static_assert(sizeof(Value) == 16);

}  // namespace fkvs
