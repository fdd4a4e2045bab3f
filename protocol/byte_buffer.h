#pragma once

#include <cstddef>
#include <cstring>
#include <string_view>

namespace fkvs::resp {

// A growable byte buffer with a consumed prefix. Used for both the input side
// (the backend appends received bytes, the parser consumes whole requests) and
// the output side (the ReplyWriter appends, the backend consumes what was sent).
// Appends never zero-fill, and consuming is O(1): the unconsumed bytes move to
// the front only when room is needed at the tail.
class ByteBuffer {
 public:
  ByteBuffer() = default;
  ~ByteBuffer();
  ByteBuffer(ByteBuffer&& other) noexcept;
  ByteBuffer& operator=(ByteBuffer&& other) noexcept;
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;

  const char* data() const { return data_ + start_; }
  char* data() { return data_ + start_; }
  size_t size() const { return end_ - start_; }
  bool empty() const { return end_ == start_; }
  size_t capacity() const { return capacity_; }
  std::string_view view() const { return {data(), size()}; }

  // Drops the first n unconsumed bytes.
  void consume(size_t n) {
    start_ += n;
    if (start_ == end_) start_ = end_ = 0;
  }
  void clear() { start_ = end_ = 0; }
  // Drops what was appended after the first n unconsumed bytes.
  void truncate(size_t n) {
    if (n < size()) end_ = start_ + n;
  }

  void append(const char* bytes, size_t n) {
    // memcpy may not be given the null storage of a fresh buffer, even for 0 bytes.
    if (n == 0) return;
    std::memcpy(prepare(n), bytes, n);
    end_ += n;
  }
  void append(std::string_view bytes) { append(bytes.data(), bytes.size()); }
  void push_back(char c) {
    *prepare(1) = c;
    ++end_;
  }

  // Returns room for at least n bytes at the tail; commit() says how many were written.
  char* prepare(size_t n) {
    if (capacity_ - end_ < n) make_room(n);
    return data_ + end_;
  }
  void commit(size_t n) { end_ += n; }
  // Bytes writable at the tail without reallocating.
  size_t tail_room() const { return capacity_ - end_; }

  // Makes sure size() + n bytes fit without moving again, so a large bulk
  // argument is received in place instead of being copied at each doubling.
  void reserve_more(size_t n) { prepare(n); }

  // Frees the storage when the buffer is empty and larger than keep_bytes, so
  // an idle connection does not hold on to a large peak allocation.
  void release_if_idle(size_t keep_bytes);
  // Gives back the room past max(size(), bytes): all of it when both are 0.
  void shrink_to(size_t bytes);

 private:
  void make_room(size_t n);

  char* data_ = nullptr;
  size_t start_ = 0;
  size_t end_ = 0;
  size_t capacity_ = 0;
};

}  // namespace fkvs::resp
