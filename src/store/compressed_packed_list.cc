#include "store/compressed_packed_list.h"

#include <lzf.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

namespace fkvs {
namespace {

// Redis's quicklist leaves nodes under MIN_COMPRESS_BYTES plain, and keeps
// the LZF form only when it is MIN_COMPRESS_IMPROVE bytes smaller.
constexpr size_t kMinCompressBytes = 48;
constexpr size_t kMinCompressImprove = 8;

constexpr size_t kHeaderBytes = 16;

uint32_t read_u32(const unsigned char* p) {
  uint32_t value;
  std::memcpy(&value, p, 4);
  return value;
}

void write_u32(unsigned char* p, size_t value) {
  const auto narrow = static_cast<uint32_t>(value);
  std::memcpy(p, &narrow, 4);
}

}  // namespace

void CompressedPackedList::FreeBlock::operator()(unsigned char* block) const { std::free(block); }

std::optional<CompressedPackedList> CompressedPackedList::compress(const PackedList& items) {
  const std::string_view plain = items.block();
  if (items.listpack_bytes() < kMinCompressBytes) return std::nullopt;
  // liblzf gives up (returns 0) once its output would pass the buffer's end,
  // so a buffer of the largest worthwhile size does the saving check too.
  const size_t limit = plain.size() - kMinCompressImprove - 1;
  auto* block = static_cast<unsigned char*>(std::malloc(kHeaderBytes + limit));
  if (block == nullptr) throw std::bad_alloc();
  const unsigned int lzf_bytes =
      lzf_compress(plain.data(), static_cast<unsigned int>(plain.size()), block + kHeaderBytes,
                   static_cast<unsigned int>(limit));
  if (lzf_bytes == 0) {
    std::free(block);
    return std::nullopt;
  }
  if (auto* shrunk = static_cast<unsigned char*>(std::realloc(block, kHeaderBytes + lzf_bytes))) {
    block = shrunk;
  }
  write_u32(block, plain.size());
  write_u32(block + 4, items.size());
  write_u32(block + 8, lzf_bytes);
  write_u32(block + 12, items.listpack_bytes());
  CompressedPackedList compressed;
  compressed.block_.reset(block);
  return compressed;
}

PackedList CompressedPackedList::decompress() const {
  const size_t plain_size = plain_bytes();
  auto plain = std::make_unique_for_overwrite<char[]>(plain_size);
  // The data came from compress() in this process: it always round-trips.
  lzf_decompress(block_.get() + kHeaderBytes, read_u32(block_.get() + 8), plain.get(),
                 static_cast<unsigned int>(plain_size));
  return PackedList::from_block({plain.get(), plain_size});
}

CompressedPackedList CompressedPackedList::copy() const {
  CompressedPackedList copy;
  if (!block_) return copy;
  const size_t bytes = heap_bytes();
  auto* block = static_cast<unsigned char*>(std::malloc(bytes));
  if (block == nullptr) throw std::bad_alloc();
  std::memcpy(block, block_.get(), bytes);
  copy.block_.reset(block);
  return copy;
}

size_t CompressedPackedList::size() const { return read_u32(block_.get() + 4); }

size_t CompressedPackedList::plain_bytes() const { return read_u32(block_.get()); }

size_t CompressedPackedList::listpack_bytes() const { return read_u32(block_.get() + 12); }

size_t CompressedPackedList::heap_bytes() const {
  return kHeaderBytes + read_u32(block_.get() + 8);
}

}  // namespace fkvs
