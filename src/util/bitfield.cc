#include "util/bitfield.h"

#include "util/number.h"

namespace fkvs {
namespace {

using Int128 = __int128;
using UInt128 = unsigned __int128;

uint64_t low_bits_mask(unsigned bits) {
  return bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
}

// The field's bytes: at most 9, as a 64-bit field may start mid-byte.
unsigned field_byte_count(uint64_t offset, unsigned bits) {
  return static_cast<unsigned>(((offset & 7) + bits + 7) / 8);
}

}  // namespace

std::optional<BitfieldType> parse_bitfield_type(std::string_view text) {
  if (text.empty() || (text[0] != 'i' && text[0] != 'u')) return std::nullopt;
  const bool is_signed = text[0] == 'i';
  const std::optional<int64_t> bits = parse_int64(text.substr(1));
  if (!bits || *bits < 1 || *bits > (is_signed ? 64 : 63)) return std::nullopt;
  return BitfieldType{is_signed, static_cast<unsigned>(*bits)};
}

uint64_t read_bitfield(std::string_view bytes, uint64_t offset, unsigned bits) {
  const uint64_t first_byte = offset >> 3;
  const unsigned byte_count = field_byte_count(offset, bits);
  UInt128 window = 0;
  for (unsigned i = 0; i < byte_count; ++i) {
    const uint64_t at = first_byte + i;
    window = (window << 8) | (at < bytes.size() ? static_cast<uint8_t>(bytes[at]) : 0);
  }
  const unsigned below = byte_count * 8 - static_cast<unsigned>(offset & 7) - bits;
  return static_cast<uint64_t>(window >> below) & low_bits_mask(bits);
}

void write_bitfield(std::span<char> bytes, uint64_t offset, unsigned bits, uint64_t value) {
  const uint64_t first_byte = offset >> 3;
  const unsigned byte_count = field_byte_count(offset, bits);
  UInt128 window = 0;
  for (unsigned i = 0; i < byte_count; ++i) {
    window = (window << 8) | static_cast<uint8_t>(bytes[first_byte + i]);
  }
  const unsigned below = byte_count * 8 - static_cast<unsigned>(offset & 7) - bits;
  const UInt128 mask = UInt128{low_bits_mask(bits)} << below;
  window = (window & ~mask) | ((UInt128{value & low_bits_mask(bits)} << below) & mask);
  for (unsigned i = byte_count; i-- > 0;) {
    bytes[first_byte + i] = static_cast<char>(static_cast<uint8_t>(window));
    window >>= 8;
  }
}

int64_t bitfield_value(BitfieldType type, uint64_t field) {
  if (!type.is_signed || type.bits == 64) return static_cast<int64_t>(field);
  const uint64_t sign = uint64_t{1} << (type.bits - 1);
  return static_cast<int64_t>((field ^ sign) - sign);
}

std::optional<int64_t> bitfield_add(BitfieldType type, int64_t value, int64_t increment,
                                    BitfieldOverflow overflow) {
  const unsigned bits = type.bits;
  const Int128 start = type.is_signed ? Int128{value} : Int128{static_cast<uint64_t>(value)};
  const Int128 exact = start + increment;
  const Int128 max = type.is_signed ? (Int128{1} << (bits - 1)) - 1 : (Int128{1} << bits) - 1;
  const Int128 min = type.is_signed ? -(Int128{1} << (bits - 1)) : 0;
  if (exact >= min && exact <= max) return static_cast<int64_t>(exact);
  switch (overflow) {
    case BitfieldOverflow::kFail:
      return std::nullopt;
    case BitfieldOverflow::kWrap: {
      const uint64_t low = static_cast<uint64_t>(value) + static_cast<uint64_t>(increment);
      return bitfield_value(type, low & low_bits_mask(bits));
    }
    case BitfieldOverflow::kSat:
      break;
  }
  bool above = exact > max;
  // Redis decides the direction from max - value computed in wrapping 64-bit
  // arithmetic: a signed SET of a value within 2^(bits-1) of INT64_MIN
  // saturates to the maximum.
  if (type.is_signed && bits < 64) {
    above = above || increment > static_cast<int64_t>(static_cast<uint64_t>(max) -
                                                      static_cast<uint64_t>(value));
  }
  return static_cast<int64_t>(above ? max : min);
}

}  // namespace fkvs
