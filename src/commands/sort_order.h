#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

// The rules by which SORT orders and cuts its result, as Redis 7.0 applies them.
namespace fkvs::sort_order {

// The part of the ordered elements that LIMIT offset count keeps.
struct Window {
  size_t start = 0;
  size_t count = 0;
};
// A negative offset is 0 and a negative count means all; both are clamped to size first,
// so huge values do not overflow.
Window limit_window(int64_t offset, int64_t count, size_t size);

// An element or BY value read as a number for a numeric sort, as Redis reads it with
// strtod(): leading spaces, hex, "inf" are taken, the text must end there (at its end or a
// NUL byte; an empty text is 0), and NaN, overflow and underflow are refused (nullopt).
std::optional<double> parse_score(std::string_view text);

// ALPHA's order of replied results: Redis compares with strcoll(), which in the C locale
// is strcmp(): unsigned bytes up to the first NUL byte. Negative, zero or positive.
int compare_collated(std::string_view a, std::string_view b);

// The order of ALPHA with STORE, and of elements whose scores tie: every byte, then length.
int compare_bytes(std::string_view a, std::string_view b);

}  // namespace fkvs::sort_order
