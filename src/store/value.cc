#include "store/value.h"

#include <malloc.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <new>

#include "store/collection.h"
#include "store/shared_pages.h"
#include "util/number.h"

namespace fkvs {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the heap length shares a word with the tag byte");

constexpr unsigned char kTypeMask = 0x0f;
constexpr unsigned kStorageShift = 4;
constexpr unsigned char kStorageMask = 0x30;

constexpr size_t kPayloadOffset = 8;
constexpr size_t kInlineLengthOffset = 1;
constexpr size_t kInlineBytesOffset = 2;
static_assert(kInlineBytesOffset + Value::kEmbeddedMax == sizeof(Value));

// Past this, growing strings add a fixed step rather than doubling, so a
// huge APPENDed string wastes at most this much.
constexpr size_t kGeometricGrowthLimit = 1024 * 1024;

// A reused block may be at most this many times the string, so SET of a
// short value over a long one gives the memory back.
constexpr size_t kMaxReuseSlack = 2;

char* allocate(size_t size) {
  void* block = std::malloc(std::max<size_t>(size, 1));
  if (block == nullptr) throw std::bad_alloc();
  return static_cast<char*>(block);
}

size_t usable_size(const char* block) { return malloc_usable_size(const_cast<char*>(block)); }

size_t grown_capacity(size_t length) {
  if (length < kGeometricGrowthLimit) return length * 2;
  return length + kGeometricGrowthLimit;
}

}  // namespace

Value::Value(Value&& other) noexcept {
  std::memcpy(bytes_, other.bytes_, sizeof(bytes_));
  other.set_empty_string();
}

Value& Value::operator=(Value&& other) noexcept {
  if (this != &other) {
    release();
    std::memcpy(bytes_, other.bytes_, sizeof(bytes_));
    other.set_empty_string();
  }
  return *this;
}

ValueType Value::type() const { return static_cast<ValueType>(bytes_[0] & kTypeMask); }

Value::Storage Value::storage() const {
  return static_cast<Storage>((bytes_[0] & kStorageMask) >> kStorageShift);
}

void Value::set_tag(ValueType type, Storage storage) {
  bytes_[0] = static_cast<unsigned char>(static_cast<unsigned>(type) |
                                         (static_cast<unsigned>(storage) << kStorageShift));
}

Encoding Value::encoding() const {
  switch (storage()) {
    case Storage::kInt:
      return Encoding::kInt;
    case Storage::kInline:
      return Encoding::kEmbStr;
    case Storage::kHeap:
      return Encoding::kRaw;
    case Storage::kCollection:
      break;
  }
  return collection()->encoding();
}

const char* Value::encoding_name(Encoding encoding) {
  switch (encoding) {
    case Encoding::kInt:
      return "int";
    case Encoding::kEmbStr:
      return "embstr";
    case Encoding::kRaw:
      return "raw";
    case Encoding::kListpack:
      return "listpack";
    case Encoding::kQuicklist:
      return "quicklist";
    case Encoding::kHashtable:
      return "hashtable";
    case Encoding::kIntset:
      return "intset";
    case Encoding::kSkiplist:
      return "skiplist";
    case Encoding::kStream:
      return "stream";
  }
  return "unknown";
}

const char* Value::type_name(ValueType type) {
  switch (type) {
    case ValueType::kString:
      return "string";
    case ValueType::kList:
      return "list";
    case ValueType::kHash:
      return "hash";
    case ValueType::kSet:
      return "set";
    case ValueType::kZSet:
      return "zset";
    case ValueType::kStream:
      return "stream";
  }
  return "none";
}

size_t Value::inline_length() const { return bytes_[kInlineLengthOffset]; }

size_t Value::heap_length() const {
  uint64_t word;
  std::memcpy(&word, bytes_, sizeof(word));
  return static_cast<size_t>(word >> 8);
}

char* Value::heap_block() const {
  char* block;
  std::memcpy(&block, bytes_ + kPayloadOffset, sizeof(block));
  return block;
}

void Value::set_heap(char* block, size_t length) {
  set_tag(ValueType::kString, Storage::kHeap);
  const uint64_t word = (static_cast<uint64_t>(length) << 8) | bytes_[0];
  std::memcpy(bytes_, &word, sizeof(word));
  std::memcpy(bytes_ + kPayloadOffset, &block, sizeof(block));
}

void Value::set_inline(std::string_view bytes) {
  // memmove: bytes may be this value's own inline bytes.
  std::memmove(bytes_ + kInlineBytesOffset, bytes.data(), bytes.size());
  set_tag(ValueType::kString, Storage::kInline);
  bytes_[kInlineLengthOffset] = static_cast<unsigned char>(bytes.size());
}

void Value::set_empty_string() {
  std::memset(bytes_, 0, sizeof(bytes_));
  set_tag(ValueType::kString, Storage::kInline);
}

void Value::release() {
  if (storage() == Storage::kHeap) shared_pages::release(heap_block());
  if (storage() == Storage::kCollection) delete collection();
}

void Value::set_collection(std::unique_ptr<Collection> collection) {
  release();
  std::memset(bytes_, 0, sizeof(bytes_));
  set_tag(collection->type(), Storage::kCollection);
  Collection* owned = collection.release();
  std::memcpy(bytes_ + kPayloadOffset, &owned, sizeof(owned));
}

Collection* Value::collection() const {
  if (storage() != Storage::kCollection) return nullptr;
  Collection* held;
  std::memcpy(&held, bytes_ + kPayloadOffset, sizeof(held));
  return held;
}

void Value::set_string(std::string_view bytes) {
  if (const auto number = parse_int64(bytes)) {
    set_integer(*number);
    return;
  }
  set_text(bytes);
}

void Value::set_text(std::string_view bytes) {
  if (storage() == Storage::kCollection) release();
  // The old block is freed last: bytes may point into it.
  char* old_block = storage() == Storage::kHeap ? heap_block() : nullptr;
  if (bytes.size() <= kEmbeddedMax) {
    set_inline(bytes);
    if (old_block != nullptr) shared_pages::release(old_block);  // a call saved on the SET hot path
    return;
  }
  if (old_block != nullptr && !shared_pages::shared_with_child()) {
    const size_t capacity = usable_size(old_block);
    if (bytes.size() <= capacity && bytes.size() * kMaxReuseSlack >= capacity) {
      std::memmove(old_block, bytes.data(), bytes.size());
      set_heap(old_block, bytes.size());
      return;
    }
  }
  char* block = allocate(bytes.size());
  std::memcpy(block, bytes.data(), bytes.size());
  set_heap(block, bytes.size());
  shared_pages::release(old_block);
}

void Value::set_integer(int64_t value) {
  release();
  std::memset(bytes_, 0, kPayloadOffset);
  set_tag(ValueType::kString, Storage::kInt);
  std::memcpy(bytes_ + kPayloadOffset, &value, sizeof(value));
}

std::string_view Value::string_bytes(IntScratch& scratch) const {
  switch (storage()) {
    case Storage::kInt: {
      int64_t value;
      std::memcpy(&value, bytes_ + kPayloadOffset, sizeof(value));
      return {scratch.bytes, format_int64(value, scratch.bytes)};
    }
    case Storage::kInline:
      return {reinterpret_cast<const char*>(bytes_ + kInlineBytesOffset), inline_length()};
    case Storage::kHeap:
      return {heap_block(), heap_length()};
    case Storage::kCollection:
      break;
  }
  assert(false && "string_bytes of a collection");
  return {};
}

size_t Value::string_length() const {
  switch (storage()) {
    case Storage::kInt: {
      IntScratch scratch;
      return string_bytes(scratch).size();
    }
    case Storage::kInline:
      return inline_length();
    case Storage::kHeap:
      return heap_length();
    case Storage::kCollection:
      break;
  }
  assert(false && "string_length of a collection");
  return 0;
}

std::optional<int64_t> Value::integer() const {
  IntScratch scratch;
  if (storage() == Storage::kInt) {
    int64_t value;
    std::memcpy(&value, bytes_ + kPayloadOffset, sizeof(value));
    return value;
  }
  return parse_int64(string_bytes(scratch));
}

char* Value::resize_raw(size_t new_length) {
  if (storage() == Storage::kHeap) {
    char* block = heap_block();
    const size_t old_length = heap_length();
    if (new_length > usable_size(block)) {
      block = static_cast<char*>(std::realloc(block, grown_capacity(new_length)));
      if (block == nullptr) throw std::bad_alloc();
    }
    if (new_length > old_length) std::memset(block + old_length, 0, new_length - old_length);
    set_heap(block, new_length);
    return block;
  }
  IntScratch scratch;
  const std::string_view current = string_bytes(scratch);
  const size_t kept = std::min(current.size(), new_length);
  char* block = allocate(grown_capacity(new_length));
  std::memcpy(block, current.data(), kept);
  std::memset(block + kept, 0, new_length - kept);
  set_heap(block, new_length);
  return block;
}

char* Value::make_raw_for_overwrite(size_t length) {
  release();
  char* block = allocate(length);
  set_heap(block, length);
  return block;
}

Value Value::clone() const {
  Value copy;
  if (storage() == Storage::kCollection) {
    copy.set_collection(collection()->clone());
    return copy;
  }
  if (storage() != Storage::kHeap) {
    std::memcpy(copy.bytes_, bytes_, sizeof(bytes_));
    return copy;
  }
  const size_t length = heap_length();
  char* block = allocate(length);
  std::memcpy(block, heap_block(), length);
  copy.set_heap(block, length);
  return copy;
}

size_t Value::heap_bytes() const {
  if (storage() == Storage::kHeap) return usable_size(heap_block());
  if (storage() == Storage::kCollection) return collection()->heap_bytes();
  return 0;
}

}  // namespace fkvs
