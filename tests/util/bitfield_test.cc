#include "util/bitfield.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace fkvs {
namespace {

using Int128 = __int128;

// Bit-by-bit field access on a byte array, most significant bit first.
uint64_t model_read(const std::string& bytes, uint64_t offset, unsigned bits) {
  uint64_t value = 0;
  for (unsigned i = 0; i < bits; ++i) {
    const uint64_t at = offset + i;
    const bool set =
        at / 8 < bytes.size() && ((static_cast<uint8_t>(bytes[at / 8]) >> (7 - at % 8)) & 1);
    value = (value << 1) | (set ? 1 : 0);
  }
  return value;
}

void model_write(std::string& bytes, uint64_t offset, unsigned bits, uint64_t value) {
  for (unsigned i = 0; i < bits; ++i) {
    const uint64_t at = offset + i;
    const bool set = ((value >> (bits - 1 - i)) & 1) != 0;
    auto& byte = reinterpret_cast<uint8_t&>(bytes[at / 8]);
    const auto mask = static_cast<uint8_t>(0x80 >> (at % 8));
    byte = set ? byte | mask : byte & ~mask;
  }
}

// The type's value of the exact sum, in 128-bit arithmetic: reduced modulo
// 2^bits into the range (WRAP), clamped (SAT) or refused (FAIL).
std::optional<int64_t> model_add(BitfieldType type, int64_t value, int64_t increment,
                                 BitfieldOverflow overflow) {
  const Int128 start = type.is_signed ? Int128{value} : Int128{static_cast<uint64_t>(value)};
  const Int128 exact = start + increment;
  const Int128 span = Int128{1} << type.bits;
  const Int128 min = type.is_signed ? -(span / 2) : 0;
  const Int128 max = min + span - 1;
  if (exact >= min && exact <= max) return static_cast<int64_t>(exact);
  if (overflow == BitfieldOverflow::kFail) return std::nullopt;
  if (overflow == BitfieldOverflow::kWrap) {
    Int128 reduced = (exact - min) % span;
    if (reduced < 0) reduced += span;
    return static_cast<int64_t>(reduced + min);
  }
  // Redis's quirk: a signed SET of a value at most max above INT64_MIN
  // saturates high (its max - value wraps).
  const bool quirk = type.is_signed && type.bits < 64 && increment == 0 &&
                     exact <= Int128{std::numeric_limits<int64_t>::min()} + max;
  return static_cast<int64_t>(exact > max || quirk ? max : min);
}

TEST_CASE("bitfield: parse_bitfield_type takes i1..i64 and u1..u63 only") {
  CHECK(parse_bitfield_type("i1")->bits == 1);
  CHECK(parse_bitfield_type("i64")->is_signed);
  CHECK(!parse_bitfield_type("u63")->is_signed);
  for (const char* bad : {"u64", "i65", "i0", "u0", "U8", "u08", "u+8", "u", "", "8", "u8x"}) {
    CAPTURE(bad);
    CHECK(!parse_bitfield_type(bad));
  }
}

TEST_CASE("bitfield: read and write fields at random offsets as the bit model does") {
  const uint64_t seed = 0xf1e1d;
  std::printf("bitfield layout seed: %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 random(seed);
  std::string bytes(40, '\0');
  std::string model = bytes;
  for (int round = 0; round < 20000; ++round) {
    const unsigned bits = 1 + static_cast<unsigned>(random() % 64);
    const uint64_t offset = random() % (bytes.size() * 8 - bits + 1);
    CAPTURE(round);
    if (random() % 2 == 0) {
      const uint64_t value = random();
      write_bitfield(std::span(bytes.data(), bytes.size()), offset, bits, value);
      model_write(model, offset, bits, value);
      REQUIRE(bytes == model);
    }
    // Reads may run past the end, where bits are zero.
    const uint64_t read_offset = random() % (bytes.size() * 8 + 16);
    CHECK(read_bitfield(bytes, read_offset, bits) == model_read(model, read_offset, bits));
  }
}

TEST_CASE("bitfield: bitfield_value sign-extends signed fields") {
  CHECK(bitfield_value({true, 8}, 0xff) == -1);
  CHECK(bitfield_value({true, 8}, 0x7f) == 127);
  CHECK(bitfield_value({false, 8}, 0xff) == 255);
  CHECK(bitfield_value({true, 1}, 1) == -1);
  CHECK(bitfield_value({true, 64}, ~uint64_t{0}) == -1);
}

TEST_CASE("bitfield: overflow modes at every width match 128-bit arithmetic") {
  const uint64_t seed = 0x0ef10;
  std::printf("bitfield overflow seed: %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 random(seed);
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  for (bool is_signed : {true, false}) {
    for (unsigned bits = 1; bits <= (is_signed ? 64u : 63u); ++bits) {
      const BitfieldType type{is_signed, bits};
      const Int128 span = Int128{1} << bits;
      const int64_t min = is_signed ? static_cast<int64_t>(-(span / 2)) : 0;
      const int64_t max = static_cast<int64_t>((is_signed ? span / 2 : span) - 1);
      // Values at and around the limits, and random ones.
      std::vector<int64_t> arguments = {0, 1, -1, min, max, kMin, kMax, kMin + max, kMin + max + 1};
      if (min > kMin) arguments.push_back(min - 1);
      if (max < kMax) arguments.push_back(max + 1);
      for (int i = 0; i < 40; ++i) {
        arguments.push_back(static_cast<int64_t>(random()));
        arguments.push_back(static_cast<int64_t>(random()) >> (random() % 64));
      }
      for (auto overflow :
           {BitfieldOverflow::kWrap, BitfieldOverflow::kSat, BitfieldOverflow::kFail}) {
        CAPTURE(is_signed);
        CAPTURE(bits);
        CAPTURE(static_cast<int>(overflow));
        for (int64_t argument : arguments) {
          // SET: any argument, no increment.
          CAPTURE(argument);
          CHECK(bitfield_add(type, argument, 0, overflow) ==
                model_add(type, argument, 0, overflow));
          // INCRBY: a value the field can hold, any increment.
          const int64_t random_field = bitfield_value(
              type, random() & (bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1));
          for (int64_t field : {min, max, int64_t{0}, random_field}) {
            CAPTURE(field);
            CHECK(bitfield_add(type, field, argument, overflow) ==
                  model_add(type, field, argument, overflow));
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace fkvs
