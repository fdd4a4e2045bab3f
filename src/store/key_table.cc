#include "store/key_table.h"

#include <atomic>
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <new>
#include <random>

#include "store/shared_pages.h"
#include "util/bytes.h"

namespace fkvs {
namespace {

// Any odd constant with well-mixed bits (here the 64-bit golden ratio).
constexpr uint64_t kFinalMultiplier = 0x9e3779b97f4a7c15;
constexpr uint64_t kSplitMixGamma = 0x9e3779b97f4a7c15;

// The 128-bit product folded to 64 bits: every input bit reaches every
// output bit, including the low ones the bucket index is taken from.
__extension__ using Uint128 = unsigned __int128;

uint64_t fold_multiply(uint64_t a, uint64_t b) {
  const Uint128 product = static_cast<Uint128>(a) * b;
  return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
}

}  // namespace

namespace chained_table_detail {

// Opening std::random_device costs a system call or two, too much for every
// small set or hash that gets a table: the device is read once per process,
// and each table takes the next value of a splitmix64 sequence from there,
// distinct and as unpredictable to clients as the device's seed.
uint64_t random_seed() {
  static const uint64_t process_seed = [] {
    std::random_device device;
    return (static_cast<uint64_t>(device()) << 32) | device();
  }();
  static std::atomic<uint64_t> counter{0};
  return splitmix64(process_seed +
                    (counter.fetch_add(1, std::memory_order_relaxed) + 1) * kSplitMixGamma);
}

}  // namespace chained_table_detail

SeededHash::SeededHash()
    : seed_{chained_table_detail::random_seed(), chained_table_detail::random_seed()} {}

SeededHash::SeededHash(uint64_t seed)
    : seed_{chained_table_detail::splitmix64(seed),
            chained_table_detail::splitmix64(seed + kSplitMixGamma)} {}

uint64_t SeededHash::operator()(std::string_view key) const {
  const char* bytes = key.data();
  const size_t length = key.size();
  uint64_t first;
  uint64_t second;
  uint64_t state = seed_[0] ^ length;
  // Short keys take one or two loads that may overlap; with the length mixed
  // in, they still determine the key.
  if (length <= 16) {
    if (length >= 8) {
      first = load_u64(bytes);
      second = load_u64(bytes + length - 8);
    } else if (length >= 4) {
      first = (load_u32(bytes) << 32) | load_u32(bytes + length - 4);
      second = 0;
    } else if (length > 0) {
      first = (uint64_t{static_cast<unsigned char>(bytes[0])} << 16) |
              (uint64_t{static_cast<unsigned char>(bytes[length / 2])} << 8) |
              static_cast<unsigned char>(bytes[length - 1]);
      second = 0;
    } else {
      first = 0;
      second = 0;
    }
  } else {
    size_t remaining = length;
    while (remaining > 16) {
      state = fold_multiply(load_u64(bytes) ^ seed_[1], load_u64(bytes + 8) ^ state);
      bytes += 16;
      remaining -= 16;
    }
    first = load_u64(bytes + remaining - 16);
    second = load_u64(bytes + remaining - 8);
  }
  // The second fold spreads inputs that vary in only a few bytes (as
  // counters in keys do) over all the bits.
  return fold_multiply(fold_multiply(first ^ seed_[1], second ^ state), kFinalMultiplier);
}

Entry::Entry(std::string_view key) : key_length_(static_cast<uint32_t>(key.size())) {
  std::memcpy(key_bytes(), key.data(), key.size());
}

Entry* Entry::create(std::string_view key) {
  assert(key.size() <= UINT32_MAX);
  void* block = std::malloc(sizeof(Entry) + key.size());
  if (block == nullptr) throw std::bad_alloc();
  return new (block) Entry(key);
}

Entry* Entry::relocated(const Entry& entry) {
  const size_t size = sizeof(Entry) + entry.key_length_;
  void* block = std::malloc(size);
  if (block == nullptr) throw std::bad_alloc();
  std::memcpy(block, &entry, size);
  auto* copy = static_cast<Entry*>(block);
  copy->fork_generation_ = shared_pages::fork_generation();
  return copy;
}

void Entry::destroy(Entry* entry) {
  entry->~Entry();
  shared_pages::release(entry);
}

template class ChainedTable<Entry>;

}  // namespace fkvs
