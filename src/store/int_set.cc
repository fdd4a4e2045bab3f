#include "store/int_set.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace fkvs {

struct IntSet::Header {
  uint32_t width;
  uint32_t count;
};

namespace {

size_t width_for(int64_t value) {
  if (value >= INT16_MIN && value <= INT16_MAX) return sizeof(int16_t);
  if (value >= INT32_MIN && value <= INT32_MAX) return sizeof(int32_t);
  return sizeof(int64_t);
}

int64_t read_member(const unsigned char* at, size_t width) {
  switch (width) {
    case sizeof(int16_t): {
      int16_t value;
      std::memcpy(&value, at, sizeof(value));
      return value;
    }
    case sizeof(int32_t): {
      int32_t value;
      std::memcpy(&value, at, sizeof(value));
      return value;
    }
    default: {
      int64_t value;
      std::memcpy(&value, at, sizeof(value));
      return value;
    }
  }
}

void write_member(unsigned char* at, size_t width, int64_t value) {
  switch (width) {
    case sizeof(int16_t): {
      const auto narrow = static_cast<int16_t>(value);
      std::memcpy(at, &narrow, sizeof(narrow));
      return;
    }
    case sizeof(int32_t): {
      const auto narrow = static_cast<int32_t>(value);
      std::memcpy(at, &narrow, sizeof(narrow));
      return;
    }
    default:
      std::memcpy(at, &value, sizeof(value));
  }
}

}  // namespace

IntSet::IntSet() : block_(nullptr) {
  block_ = std::malloc(sizeof(Header));
  if (block_ == nullptr) throw std::bad_alloc();
  *header() = Header{sizeof(int16_t), 0};
}

IntSet::~IntSet() { std::free(block_); }

IntSet::IntSet(IntSet&& other) noexcept : block_(other.block_) { other.block_ = nullptr; }

IntSet& IntSet::operator=(IntSet&& other) noexcept {
  if (this != &other) {
    std::free(block_);
    block_ = other.block_;
    other.block_ = nullptr;
  }
  return *this;
}

IntSet::Header* IntSet::header() const { return static_cast<Header*>(block_); }

unsigned char* IntSet::members() const {
  return static_cast<unsigned char*>(block_) + sizeof(Header);
}

size_t IntSet::size() const { return header()->count; }

size_t IntSet::width() const { return header()->width; }

size_t IntSet::bytes() const { return sizeof(Header) + size() * width(); }

int64_t IntSet::at(size_t index) const { return read_member(members() + index * width(), width()); }

void IntSet::write(size_t index, int64_t value) {
  write_member(members() + index * width(), width(), value);
}

size_t IntSet::lower_bound(int64_t value) const {
  size_t low = 0;
  size_t high = size();
  while (low < high) {
    const size_t middle = low + (high - low) / 2;
    if (at(middle) < value) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

bool IntSet::contains(int64_t value) const {
  // A value wider than the members cannot be one of them.
  if (width_for(value) > width()) return false;
  const size_t index = lower_bound(value);
  return index < size() && at(index) == value;
}

void IntSet::resize(size_t count, size_t width) {
  void* grown = std::realloc(block_, sizeof(Header) + count * width);
  if (grown == nullptr) throw std::bad_alloc();
  block_ = grown;
  header()->count = static_cast<uint32_t>(count);
  header()->width = static_cast<uint32_t>(width);
}

void IntSet::widen(size_t new_width) {
  const size_t old_width = width();
  const size_t count = size();
  resize(count, new_width);
  // Back to front, so no member is overwritten before it has been moved.
  for (size_t index = count; index-- > 0;) {
    write_member(members() + index * new_width, new_width,
                 read_member(members() + index * old_width, old_width));
  }
}

bool IntSet::insert(int64_t value) {
  const size_t count = size();
  if (width_for(value) > width()) {
    // Too wide for every member, so it is the new smallest or largest.
    widen(width_for(value));
    resize(count + 1, width());
    if (value < 0) {
      std::memmove(members() + width(), members(), count * width());
      write(0, value);
    } else {
      write(count, value);
    }
    return true;
  }
  const size_t index = lower_bound(value);
  if (index < count && at(index) == value) return false;
  resize(count + 1, width());
  std::memmove(members() + (index + 1) * width(), members() + index * width(),
               (count - index) * width());
  write(index, value);
  return true;
}

bool IntSet::erase(int64_t value) {
  if (!contains(value)) return false;
  const size_t index = lower_bound(value);
  const size_t count = size();
  std::memmove(members() + index * width(), members() + (index + 1) * width(),
               (count - index - 1) * width());
  resize(count - 1, width());
  return true;
}

}  // namespace fkvs
