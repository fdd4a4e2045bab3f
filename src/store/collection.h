#pragma once

#include <cstddef>
#include <memory>

#include "store/value.h"

namespace fkvs {

// A list, hash, set, sorted set or stream as a Value holds it: behind one pointer,
// so a Value stays 16 bytes whatever it holds. Each type derives from this
// and picks and changes its own encoding; here is only what every type must
// answer for the keyspace (TYPE, OBJECT ENCODING, COPY, MEMORY USAGE).
class Collection {
 public:
  virtual ~Collection() = default;
  Collection(const Collection&) = delete;
  Collection& operator=(const Collection&) = delete;

  virtual ValueType type() const = 0;
  virtual Encoding encoding() const = 0;
  // Elements: list items, hash fields, set or sorted-set members.
  virtual size_t size() const = 0;
  virtual std::unique_ptr<Collection> clone() const = 0;
  // Heap bytes held, this object included.
  virtual size_t heap_bytes() const = 0;

 protected:
  Collection() = default;
};

}  // namespace fkvs
