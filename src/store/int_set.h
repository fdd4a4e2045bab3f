#pragma once

#include <cstddef>
#include <cstdint>

namespace fkvs {

// A set of distinct int64 kept as a sorted array in one heap block, the
// "intset" encoding small sets of integers use. Every element has the width
// the widest member needs (2, 4 or 8 bytes); adding a wider member widens
// them all in place, and the set never narrows again, as in Redis.
//
// The object is one pointer, so it can sit inside a Value's payload.
class IntSet {
 public:
  // Walks the members in ascending order.
  class Iterator {
   public:
    int64_t operator*() const { return set_->at(index_); }
    Iterator& operator++() {
      ++index_;
      return *this;
    }
    bool operator==(const Iterator& other) const = default;

   private:
    friend class IntSet;
    Iterator(const IntSet* set, size_t index) : set_(set), index_(index) {}
    const IntSet* set_;
    size_t index_;
  };

  IntSet();
  ~IntSet();
  IntSet(IntSet&& other) noexcept;
  IntSet& operator=(IntSet&& other) noexcept;
  IntSet(const IntSet&) = delete;
  IntSet& operator=(const IntSet&) = delete;

  size_t size() const;
  bool empty() const { return size() == 0; }
  // Bytes of the heap block, for MEMORY USAGE and the conversion thresholds.
  size_t bytes() const;
  // Bytes each member takes now: 2, 4 or 8.
  size_t width() const;

  bool contains(int64_t value) const;
  // Adds value; false if it was already a member.
  bool insert(int64_t value);
  // Removes value; false if it was not a member.
  bool erase(int64_t value);
  // The member at index in ascending order (SRANDMEMBER, SPOP pick by index).
  int64_t at(size_t index) const;

  Iterator begin() const { return {this, 0}; }
  Iterator end() const { return {this, size()}; }

 private:
  struct Header;

  Header* header() const;
  unsigned char* members() const;
  void write(size_t index, int64_t value);
  // The index of the first member not less than value.
  size_t lower_bound(int64_t value) const;
  void resize(size_t count, size_t width);
  void widen(size_t new_width);

  void* block_;
};

}  // namespace fkvs
