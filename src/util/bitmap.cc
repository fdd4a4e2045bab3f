#include "util/bitmap.h"

#include <algorithm>
#include <cstring>

#include "util/bytes.h"

namespace fkvs {
namespace {

constexpr size_t kWordBytes = sizeof(uint64_t);

uint8_t byte_at(std::string_view bytes, uint64_t index) {
  return static_cast<uint8_t>(bytes[static_cast<size_t>(index)]);
}

bool bit_at(std::string_view bytes, uint64_t position) {
  return ((byte_at(bytes, position >> 3) >> (7 - (position & 7))) & 1) != 0;
}

// The popcnt instruction is not in the x86-64 baseline the build targets, and
// without it __builtin_popcountll becomes a call into libgcc. So the word loop
// is compiled twice: with popcnt for the CPUs that have it (all of the last
// fifteen years), and with a shift-and-add count for the rest.
#if defined(__x86_64__)
__attribute__((target("popcnt"))) uint64_t count_words_popcnt(const char* bytes, size_t words) {
  // Four sums, so that consecutive popcnts do not wait on one another.
  uint64_t sums[4] = {};
  size_t i = 0;
  for (; i + 4 <= words; i += 4) {
    for (size_t lane = 0; lane < 4; ++lane) {
      sums[lane] += static_cast<uint64_t>(__builtin_popcountll(load_u64(bytes + (i + lane) * 8)));
    }
  }
  for (; i < words; ++i)
    sums[0] += static_cast<uint64_t>(__builtin_popcountll(load_u64(bytes + i * 8)));
  return sums[0] + sums[1] + sums[2] + sums[3];
}

uint64_t popcount_shift_add(uint64_t word) {
  word -= (word >> 1) & 0x5555555555555555ULL;
  word = (word & 0x3333333333333333ULL) + ((word >> 2) & 0x3333333333333333ULL);
  word = (word + (word >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return (word * 0x0101010101010101ULL) >> 56;
}

uint64_t count_words_shift_add(const char* bytes, size_t words) {
  uint64_t sum = 0;
  for (size_t i = 0; i < words; ++i) sum += popcount_shift_add(load_u64(bytes + i * 8));
  return sum;
}

uint64_t count_words(const char* bytes, size_t words) {
  static const bool has_popcnt = __builtin_cpu_supports("popcnt");
  return has_popcnt ? count_words_popcnt(bytes, words) : count_words_shift_add(bytes, words);
}
#else
uint64_t count_words(const char* bytes, size_t words) {
  uint64_t sum = 0;
  for (size_t i = 0; i < words; ++i) {
    sum += static_cast<uint64_t>(__builtin_popcountll(load_u64(bytes + i * 8)));
  }
  return sum;
}
#endif

// The first index from `from` below `to` whose byte is not `skipped`, or `to`.
size_t skip_bytes(std::string_view bytes, size_t from, size_t to, uint8_t skipped) {
  const uint64_t skipped_word = skipped * 0x0101010101010101ULL;
  while (from + kWordBytes <= to && load_u64(bytes.data() + from) == skipped_word) {
    from += kWordBytes;
  }
  while (from < to && static_cast<uint8_t>(bytes[from]) == skipped) ++from;
  return from;
}

// out[i] = out[i] op source[i] for the first `length` bytes.
template <BitOp op>
void apply_words(char* out, const char* source, size_t length) {
  size_t i = 0;
  auto combine = [](uint64_t a, uint64_t b) {
    if constexpr (op == BitOp::kAnd) return a & b;
    if constexpr (op == BitOp::kOr) return a | b;
    return a ^ b;
  };
  for (; i + kWordBytes <= length; i += kWordBytes) {
    const uint64_t word = combine(load_u64(out + i), load_u64(source + i));
    std::memcpy(out + i, &word, sizeof(word));
  }
  for (; i < length; ++i) {
    out[i] =
        static_cast<char>(combine(static_cast<uint8_t>(out[i]), static_cast<uint8_t>(source[i])));
  }
}

void invert_words(char* out, const char* source, size_t length) {
  size_t i = 0;
  for (; i + kWordBytes <= length; i += kWordBytes) {
    const uint64_t word = ~load_u64(source + i);
    std::memcpy(out + i, &word, sizeof(word));
  }
  for (; i < length; ++i) out[i] = static_cast<char>(~source[i]);
}

// The result is built block by block: the first source is copied into the
// block, the others folded in while it stays in the first-level cache, so
// out is written once and each source read once.
constexpr size_t kCombineBlockBytes = 16 * 1024;

template <BitOp op>
void combine_blocks(std::span<const std::string_view> sources, std::span<char> out,
                    size_t combined_length) {
  for (size_t block = 0; block < out.size(); block += kCombineBlockBytes) {
    const size_t block_end = std::min(block + kCombineBlockBytes, out.size());
    const size_t copied_end =
        std::clamp(std::min(sources[0].size(), combined_length), block, block_end);
    if (copied_end > block)
      std::memcpy(out.data() + block, sources[0].data() + block, copied_end - block);
    std::memset(out.data() + copied_end, 0, block_end - copied_end);
    for (size_t s = 1; s < sources.size(); ++s) {
      const size_t end = std::min({block_end, combined_length, sources[s].size()});
      if (end > block) apply_words<op>(out.data() + block, sources[s].data() + block, end - block);
    }
  }
}

}  // namespace

uint64_t count_set_bits(std::string_view bytes) {
  const size_t words = bytes.size() / kWordBytes;
  uint64_t count = count_words(bytes.data(), words);
  for (size_t i = words * kWordBytes; i < bytes.size(); ++i) {
    count += static_cast<uint64_t>(__builtin_popcount(static_cast<uint8_t>(bytes[i])));
  }
  return count;
}

uint64_t count_set_bits_in_range(std::string_view bytes, uint64_t first_bit, uint64_t last_bit) {
  const uint64_t first_byte = first_bit >> 3;
  const uint64_t last_byte = last_bit >> 3;
  // The bits of the end bytes that lie outside the range.
  const auto head_mask = static_cast<uint8_t>(0xFF >> (first_bit & 7));
  const auto tail_mask = static_cast<uint8_t>(0xFF << (7 - (last_bit & 7)));
  if (first_byte == last_byte) {
    return static_cast<uint64_t>(
        __builtin_popcount(byte_at(bytes, first_byte) & head_mask & tail_mask));
  }
  const auto middle = bytes.substr(static_cast<size_t>(first_byte + 1),
                                   static_cast<size_t>(last_byte - first_byte - 1));
  return static_cast<uint64_t>(__builtin_popcount(byte_at(bytes, first_byte) & head_mask)) +
         count_set_bits(middle) +
         static_cast<uint64_t>(__builtin_popcount(byte_at(bytes, last_byte) & tail_mask));
}

std::optional<uint64_t> find_first_bit(std::string_view bytes, bool bit, uint64_t first_bit,
                                       uint64_t last_bit) {
  uint64_t position = first_bit;
  for (; position <= last_bit && (position & 7) != 0; ++position) {
    if (bit_at(bytes, position) == bit) return position;
  }
  if (position > last_bit) return std::nullopt;
  // Whole bytes up to the last one, which may be partly outside the range.
  const auto last_byte = static_cast<size_t>(last_bit >> 3);
  const size_t found =
      skip_bytes(bytes, static_cast<size_t>(position >> 3), last_byte, bit ? 0x00 : 0xFF);
  for (position = uint64_t{found} << 3; position <= last_bit; ++position) {
    if (bit_at(bytes, position) == bit) return position;
  }
  return std::nullopt;
}

void combine_bitmaps(BitOp op, std::span<const std::string_view> sources, std::span<char> out) {
  if (op == BitOp::kNot) return invert_words(out.data(), sources[0].data(), out.size());
  // Past the shortest source an AND is all zeros.
  size_t combined_length = out.size();
  if (op == BitOp::kAnd) {
    for (std::string_view source : sources)
      combined_length = std::min(combined_length, source.size());
  }
  switch (op) {
    case BitOp::kAnd:
      return combine_blocks<BitOp::kAnd>(sources, out, combined_length);
    case BitOp::kOr:
      return combine_blocks<BitOp::kOr>(sources, out, combined_length);
    case BitOp::kXor:
      return combine_blocks<BitOp::kXor>(sources, out, combined_length);
    case BitOp::kNot:
      break;
  }
}

}  // namespace fkvs
