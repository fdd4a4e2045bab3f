#include "byte_buffer.h"

#include <cstdlib>
#include <new>
#include <utility>

namespace fkvs::resp {

ByteBuffer::~ByteBuffer() { std::free(data_); }

ByteBuffer::ByteBuffer(ByteBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      start_(std::exchange(other.start_, 0)),
      end_(std::exchange(other.end_, 0)),
      capacity_(std::exchange(other.capacity_, 0)) {}

ByteBuffer& ByteBuffer::operator=(ByteBuffer&& other) noexcept {
  if (this != &other) {
    std::free(data_);
    data_ = std::exchange(other.data_, nullptr);
    start_ = std::exchange(other.start_, 0);
    end_ = std::exchange(other.end_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
  }
  return *this;
}

void ByteBuffer::make_room(size_t n) {
  size_t used = size();
  // Sliding the unconsumed bytes to the front is enough when they are few.
  if (start_ > 0 && capacity_ - used >= n && used <= capacity_ / 2) {
    std::memmove(data_, data_ + start_, used);
    start_ = 0;
    end_ = used;
    return;
  }
  size_t wanted = used + n;
  size_t new_capacity = capacity_ < 4096 ? 4096 : capacity_;
  while (new_capacity < wanted) new_capacity *= 2;
  if (start_ > 0) {
    std::memmove(data_, data_ + start_, used);
    start_ = 0;
    end_ = used;
  }
  char* grown = static_cast<char*>(std::realloc(data_, new_capacity));
  if (grown == nullptr) throw std::bad_alloc();
  data_ = grown;
  capacity_ = new_capacity;
}

void ByteBuffer::shrink_to(size_t bytes) {
  const size_t used = size();
  const size_t wanted = used > bytes ? used : bytes;
  if (wanted >= capacity_) return;
  if (wanted == 0) {
    std::free(data_);
    data_ = nullptr;
    start_ = end_ = capacity_ = 0;
    return;
  }
  if (start_ > 0) {
    std::memmove(data_, data_ + start_, used);
    start_ = 0;
    end_ = used;
  }
  // Shrinking in place cannot fail in practice; if it does, the block stays.
  if (char* shrunk = static_cast<char*>(std::realloc(data_, wanted))) {
    data_ = shrunk;
    capacity_ = wanted;
  }
}

void ByteBuffer::release_if_idle(size_t keep_bytes) {
  if (!empty() || capacity_ <= keep_bytes) return;
  std::free(data_);
  data_ = nullptr;
  start_ = end_ = capacity_ = 0;
}

}  // namespace fkvs::resp
