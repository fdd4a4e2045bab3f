#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

// BITFIELD's integers: fields of 1 to 64 bits at any bit offset of a string,
// most significant bit first, as Redis lays them out.
namespace fkvs {

// "i1".."i64" or "u1".."u63": Redis replies with a signed 64-bit integer, so
// no unsigned field is 64 bits wide.
struct BitfieldType {
  bool is_signed;
  unsigned bits;
};
std::optional<BitfieldType> parse_bitfield_type(std::string_view text);

// The field's bits as an unsigned number; bits past the end of bytes read as zero.
uint64_t read_bitfield(std::string_view bytes, uint64_t offset, unsigned bits);

// Stores the low `bits` bits of value at offset; bytes holds the whole field.
void write_bitfield(std::span<char> bytes, uint64_t offset, unsigned bits, uint64_t value);

// The field's bits as the type's value (sign-extended when signed).
int64_t bitfield_value(BitfieldType type, uint64_t field);

// What OVERFLOW makes of a result out of the type's range.
enum class BitfieldOverflow { kWrap, kSat, kFail };

// value + increment as the type stores it, or nullopt when it does not fit and
// overflow is kFail. value is the field's current value (INCRBY) or the
// argument with increment 0 (SET); for an unsigned type it is read as a
// uint64, so a negative SET argument is a very large number, as in Redis.
std::optional<int64_t> bitfield_add(BitfieldType type, int64_t value, int64_t increment,
                                    BitfieldOverflow overflow);

}  // namespace fkvs
