#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fkvs {

// Redis's strict integer syntax (string2ll): an optional '-', then digits with
// no leading zero; no '+', no spaces, and "-0" is not an integer. A string is
// int-encoded exactly when this accepts it, so formatting the result gives
// back the same bytes.
std::optional<int64_t> parse_int64(std::string_view text);

// Redis's SCAN cursor syntax, which is strtoul's: an optional sign (a '-'
// negates modulo 2^64), leading zeros allowed, "" is 0, no leading space, no
// trailing bytes, and values past 2^64-1 are rejected.
std::optional<uint64_t> parse_uint64(std::string_view text);

// Redis's float syntax for scores and the like (getDoubleFromObject): strtod
// must consume the whole string, which may not start with a space; "inf" and
// "-inf" are accepted, NaN, overflow and underflow to zero are not.
std::optional<double> parse_double(std::string_view text);

// The same rules with long double precision, as INCRBYFLOAT parses; Redis
// also rejects strings of 5120 bytes or more. Infinity is accepted here (the
// caller rejects an infinite result).
std::optional<long double> parse_long_double(std::string_view text);

// Room format_int64 needs: a sign and 19 digits.
inline constexpr size_t kInt64TextMax = 20;

// Writes value in decimal to out, which has room for kInt64TextMax bytes, and
// returns the length. No terminating NUL.
size_t format_int64(int64_t value, char* out);

// Room format_long_double needs: the largest long double has 4933 integer
// digits, plus sign, point and 17 decimals.
inline constexpr size_t kLongDoubleTextMax = 5 * 1024;

// Formats value as Redis formats INCRBYFLOAT's result: "%.17Lf" with trailing
// zeros and a trailing point removed, "-0" written "0", infinities "inf" and
// "-inf". Writes into out (kLongDoubleTextMax bytes) and returns a view of it.
std::string_view format_long_double(long double value, char* out);

// "%f" without its trailing zeros, nor a point left bare ("50", "99.9"), as Redis prints
// latency-tracking-info-percentiles.
std::string format_fixed_trimmed(double value);

// Room format_double needs: "%.17g" of any double is at most 24 bytes.
inline constexpr size_t kDoubleTextMax = 32;

// Formats value as Redis 7.0 replies with a double (ZSCORE, WITHSCORES):
// "%.17g" ("0.10000000000000001", "3", "1e+17", "-0"), infinities "inf" and
// "-inf". Writes into out (kDoubleTextMax bytes) and returns a view of it.
std::string_view format_double(double value, char* out);

}  // namespace fkvs
