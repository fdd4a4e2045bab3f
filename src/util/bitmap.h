#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

// A string read as a bitmap, as Redis reads it: bit 0 is the most significant
// bit of the first byte. The loops work a 64-bit word at a time; BITCOUNT and
// BITOP run over strings of megabytes.
namespace fkvs {

// The number of set bits in bytes.
uint64_t count_set_bits(std::string_view bytes);

// The number of set bits from first_bit to last_bit, both included; both lie
// within bytes and first_bit <= last_bit.
uint64_t count_set_bits_in_range(std::string_view bytes, uint64_t first_bit, uint64_t last_bit);

// The position of the first bit equal to `bit` from first_bit to last_bit,
// both included and within bytes, or nullopt when there is none.
std::optional<uint64_t> find_first_bit(std::string_view bytes, bool bit, uint64_t first_bit,
                                       uint64_t last_bit);

enum class BitOp { kAnd, kOr, kXor, kNot };

// Writes op over sources into every byte of out, which is as long as the
// longest source. Shorter sources read as zero-padded; kNot takes exactly one
// source. out may not overlap a source.
void combine_bitmaps(BitOp op, std::span<const std::string_view> sources, std::span<char> out);

}  // namespace fkvs
