#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "store/collection.h"
#include "store/quick_list.h"

namespace fkvs {

// A list key. Redis 7.0 keeps every list as a quicklist, whatever its size,
// and OBJECT ENCODING says so.
class ListValue final : public Collection {
 public:
  static constexpr ValueType kType = ValueType::kList;

  // fill and compress_depth: list-max-listpack-size and list-compress-depth
  // when the list is created; like Redis, the list keeps them for its life.
  ListValue(int64_t fill, int64_t compress_depth) : list_(fill, compress_depth) {}

  ValueType type() const override { return kType; }
  Encoding encoding() const override { return Encoding::kQuicklist; }
  size_t size() const override { return list_.size(); }
  std::unique_ptr<Collection> clone() const override;
  size_t heap_bytes() const override { return sizeof(*this) + list_.heap_bytes(); }

  QuickList& list() { return list_; }
  const QuickList& list() const { return list_; }

 private:
  explicit ListValue(const QuickList& list) : list_(list) {}

  QuickList list_;
};

}  // namespace fkvs
