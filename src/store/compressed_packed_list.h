#pragma once

#include <cstddef>
#include <memory>
#include <optional>

#include "store/packed_list.h"

namespace fkvs {

// A PackedList's block compressed with LZF, as Redis keeps the quicklist
// nodes beyond list-compress-depth. It remembers the item count and the
// plain size so a list can walk and measure the node without opening it.
class CompressedPackedList {
 public:
  CompressedPackedList() = default;
  // The compressed form of items, or nullopt where Redis would keep the node
  // plain: under 48 bytes, or LZF saving fewer than 8 bytes.
  static std::optional<CompressedPackedList> compress(const PackedList& items);

  explicit operator bool() const { return block_ != nullptr; }
  PackedList decompress() const;
  CompressedPackedList copy() const;

  size_t size() const;
  // The plain block's bytes.
  size_t plain_bytes() const;
  // The plain list's listpack_bytes().
  size_t listpack_bytes() const;
  size_t heap_bytes() const;

 private:
  struct FreeBlock {
    void operator()(unsigned char* block) const;
  };
  // Header (plain bytes, item count, LZF bytes, listpack bytes, each a u32),
  // then the LZF data.
  std::unique_ptr<unsigned char[], FreeBlock> block_;
};

}  // namespace fkvs
