#include "util/fixed_format.h"

#include <bit>
#include <cstdint>

namespace fkvs {
namespace {

constexpr uint64_t kPowersOfTen[kFixedFormatMaxDecimals + 1] = {
    1ULL,
    10ULL,
    100ULL,
    1000ULL,
    10000ULL,
    100000ULL,
    1000000ULL,
    10000000ULL,
    100000000ULL,
    1000000000ULL,
    10000000000ULL,
    100000000000ULL,
    1000000000000ULL,
    10000000000000ULL,
    100000000000000ULL,
    1000000000000000ULL,
    10000000000000000ULL,
    100000000000000000ULL,
};

// "00" to "99".
constexpr char kDigitPairs[] =
    "0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243444546"
    "4748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293"
    "949596979899";

// Writes the decimal digits of value, at least min_digits of them (zeros in
// front), ending just before end; returns where they start.
char* write_digits_backwards(uint64_t value, int min_digits, char* end) {
  char* at = end;
  const auto write_pair = [&](uint64_t pair_value) {
    const auto pair = static_cast<size_t>(pair_value) * 2;
    at -= 2;
    at[0] = kDigitPairs[pair];
    at[1] = kDigitPairs[pair + 1];
  };
  while (value >= 100 || min_digits > 2) {
    write_pair(value % 100);
    value /= 100;
    min_digits -= 2;
  }
  if (value >= 10 || min_digits == 2) {
    write_pair(value);
  } else if (value != 0 || min_digits == 1) {
    *--at = static_cast<char>('0' + value);
  }
  return at;
}

}  // namespace

std::optional<std::string_view> format_fixed_exact(double value, int decimals, char* out) {
  if (decimals < 0 || decimals > kFixedFormatMaxDecimals) return std::nullopt;
  const auto bits = std::bit_cast<uint64_t>(value);
  const bool negative = (bits >> 63) != 0;
  const auto biased_exponent = static_cast<int>((bits >> 52) & 0x7FF);
  const uint64_t fraction = bits & ((uint64_t{1} << 52) - 1);
  // |value| = mantissa * 2^-shift
  uint64_t mantissa = fraction;
  int shift = 1074;
  if (biased_exponent == 0x7FF) return std::nullopt;  // infinities and NaN
  if (biased_exponent != 0) {
    mantissa |= uint64_t{1} << 52;
    shift = 1075 - biased_exponent;
  }
  if (shift <= 0) return std::nullopt;  // 2^52 or more
  const uint64_t scale = kPowersOfTen[decimals];
  // The scaled value is below 2^53 * 10^17 < 2^110: past 110 bits of shift
  // it is below a half and rounds to zero.
  unsigned __int128 scaled = 0;
  if (shift <= 110) {
    const unsigned __int128 product = static_cast<unsigned __int128>(mantissa) * scale;
    scaled = product >> shift;
    const unsigned __int128 rest = product & ((static_cast<unsigned __int128>(1) << shift) - 1);
    const unsigned __int128 half = static_cast<unsigned __int128>(1) << (shift - 1);
    if (rest > half || (rest == half && (scaled & 1) != 0)) ++scaled;
  }
  // 64-bit division where it suffices (coordinates: up to 180 * 10^17).
  uint64_t whole = 0;
  uint64_t decimal_part = 0;
  if (scaled >> 64 == 0) {
    whole = static_cast<uint64_t>(scaled) / scale;
    decimal_part = static_cast<uint64_t>(scaled) % scale;
  } else {
    whole = static_cast<uint64_t>(scaled / scale);
    decimal_part = static_cast<uint64_t>(scaled % scale);
  }
  char* end = out + kFixedFormatTextMax;
  char* at = end;
  if (decimals > 0) {
    at = write_digits_backwards(decimal_part, decimals, at);
    *--at = '.';
  }
  at = write_digits_backwards(whole, 1, at);
  if (negative) *--at = '-';
  return std::string_view(at, static_cast<size_t>(end - at));
}

}  // namespace fkvs
