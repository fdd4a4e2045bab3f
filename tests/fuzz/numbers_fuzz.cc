// The number parsers, each held against the C library call Redis makes
// (or the exact rule it applies), on arbitrary bytes.
//
// Input: a selector byte, then the text (for ranges: two texts, split at
// the first 0xff byte).
//  - parse_int64 is string2ll: it takes exactly what strtoll takes whole
//    with no sign but '-', no space, no leading zero and no "-0", with the
//    same value, and formatting the value gives the text back;
//  - parse_uint64 is strtoull reaching the first NUL, no leading space;
//  - parse_double and parse_long_double are strtod and strtold taking the
//    whole text (string2d, string2ld: for long doubles under 5120 bytes),
//    no leading space, NaN, overflow or underflow to zero; a parsed double
//    formats back to the same double, and a long double formats as
//    INCRBYFLOAT replies, to a number it takes back;
//  - parse_score_range is strtod after an optional '(' up to the first NUL,
//    NaN refused; parse_lex_range is '-', '+', '[x' or '(x', and its
//    comparisons are memcmp's order.
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "store/zset_range.h"
#include "util/number.h"

namespace {

[[noreturn]] void broken(const char* property, std::string_view text) {
  std::fprintf(stderr, "numbers fuzz: %s for: ", property);
  for (unsigned char c : text) std::fprintf(stderr, c >= 32 && c < 127 ? "%c" : "\\x%02x", c);
  std::fputc('\n', stderr);
  std::abort();
}

bool starts_with_space(std::string_view text) {
  return !text.empty() && std::isspace(static_cast<unsigned char>(text[0]));
}

// What a C library call made of the whole text, with its errno.
template <typename Number>
struct Whole {
  Number value;
  bool range_error;  // errno == ERANGE
};

enum class Extent {
  kWholeText,  // the call must consume every byte (a NUL in the text stops it short)
  kToFirstNul  // the call must reach the end of the C string (Redis tests *end == '\0')
};

template <typename Number, typename Parse>
std::optional<Whole<Number>> whole(std::string_view text, Extent extent, Parse parse) {
  const std::string copy(text);
  char* end = nullptr;
  errno = 0;
  const Number value = parse(copy.c_str(), &end);
  const bool range_error = errno == ERANGE;
  const size_t must_reach = extent == Extent::kWholeText ? copy.size() : std::strlen(copy.c_str());
  if (end != copy.c_str() + must_reach) return std::nullopt;
  return Whole<Number>{value, range_error};
}

void check_int64(std::string_view text) {
  const auto parsed = fkvs::parse_int64(text);
  const auto strtoll_value = whole<long long>(
      text, Extent::kWholeText, [](const char* s, char** end) { return std::strtoll(s, end, 10); });
  // strtoll also takes spaces, '+' and leading zeros; string2ll does not.
  const std::string_view digits = text.substr(text.starts_with('-') ? 1 : 0);
  const bool strict_syntax =
      text == "0" || (!digits.empty() && digits[0] >= '1' && digits[0] <= '9');
  const bool redis_takes = strtoll_value && !strtoll_value->range_error && strict_syntax;
  if (parsed.has_value() != redis_takes) broken("parse_int64 disagrees with strtoll", text);
  if (!parsed) return;
  if (*parsed != strtoll_value->value) broken("parse_int64's value differs from strtoll's", text);
  char formatted[fkvs::kInt64TextMax];
  if (std::string_view(formatted, fkvs::format_int64(*parsed, formatted)) != text) {
    broken("format_int64 does not give the text back", text);
  }
}

void check_uint64(std::string_view text) {
  const auto parsed = fkvs::parse_uint64(text);
  const auto strtoull_value = whole<unsigned long long>(
      text, Extent::kToFirstNul,
      [](const char* s, char** end) { return std::strtoull(s, end, 10); });
  const bool redis_takes =
      strtoull_value && !strtoull_value->range_error && !starts_with_space(text);
  if (parsed.has_value() != redis_takes) broken("parse_uint64 disagrees with strtoull", text);
  if (parsed && *parsed != strtoull_value->value) broken("parse_uint64's value differs", text);
}

// Redis refuses overflow and underflow to zero, but takes a denormal.
template <typename Float>
bool out_of_range(const Whole<Float>& parsed) {
  return parsed.range_error && (std::isinf(parsed.value) || parsed.value == 0);
}

void check_double(std::string_view text) {
  const auto parsed = fkvs::parse_double(text);
  const auto strtod_value = whole<double>(
      text, Extent::kWholeText, [](const char* s, char** end) { return std::strtod(s, end); });
  const bool redis_takes = strtod_value && !text.empty() && !starts_with_space(text) &&
                           !out_of_range(*strtod_value) && !std::isnan(strtod_value->value);
  if (parsed.has_value() != redis_takes) broken("parse_double disagrees with strtod", text);
  if (!parsed) return;
  if (std::memcmp(&*parsed, &strtod_value->value, sizeof(double)) != 0) {
    broken("parse_double's value differs from strtod's", text);
  }
  char formatted[fkvs::kDoubleTextMax];
  const auto again = fkvs::parse_double(fkvs::format_double(*parsed, formatted));
  if (!again || std::memcmp(&*again, &*parsed, sizeof(double)) != 0) {
    broken("format_double does not give the same double back", text);
  }
}

void check_long_double(std::string_view text) {
  const auto parsed = fkvs::parse_long_double(text);
  const auto strtold_value = whole<long double>(
      text, Extent::kWholeText, [](const char* s, char** end) { return std::strtold(s, end); });
  const bool redis_takes = strtold_value && !text.empty() && text.size() < 5120 &&
                           !starts_with_space(text) && !out_of_range(*strtold_value) &&
                           !std::isnan(strtold_value->value);
  if (parsed.has_value() != redis_takes) broken("parse_long_double disagrees with strtold", text);
  // Compared as values: a long double's padding bytes are not part of it.
  if (!parsed) return;
  if (!(*parsed == strtold_value->value)) broken("parse_long_double's value differs", text);
  // INCRBYFLOAT's reply is a number INCRBYFLOAT takes back, without trailing zeros.
  char buffer[fkvs::kLongDoubleTextMax];
  const std::string_view formatted = fkvs::format_long_double(*parsed, buffer);
  if (!fkvs::parse_long_double(formatted)) {
    broken("format_long_double wrote what parse_long_double refuses", text);
  }
  if (formatted.find('.') != std::string_view::npos &&
      (formatted.ends_with('0') || formatted.ends_with('.'))) {
    broken("format_long_double left a trailing zero or point", text);
  }
}

// One bound as zslParseRange reads it.
std::optional<std::pair<double, bool>> redis_score_bound(std::string_view text) {
  const std::string c_string(text.substr(0, text.find('\0')));
  const bool exclusive = !c_string.empty() && c_string[0] == '(';
  char* end = nullptr;
  const double value = std::strtod(c_string.c_str() + exclusive, &end);
  if (*end != '\0' || std::isnan(value)) return std::nullopt;
  return std::pair{value, exclusive};
}

void check_score_range(std::string_view min, std::string_view max) {
  const auto range = fkvs::parse_score_range(min, max);
  const auto low = redis_score_bound(min);
  const auto high = redis_score_bound(max);
  if (range.has_value() != (low && high)) broken("parse_score_range disagrees with strtod", min);
  if (!range) return;
  if (std::memcmp(&range->min, &low->first, sizeof(double)) != 0 ||
      range->min_exclusive != low->second ||
      std::memcmp(&range->max, &high->first, sizeof(double)) != 0 ||
      range->max_exclusive != high->second) {
    broken("parse_score_range's bounds differ from strtod's", min);
  }
}

// One bound as zslParseLexRangeItem reads it: the first byte decides, and
// '-' and '+' must end the C string.
bool redis_takes_lex_bound(std::string_view text) {
  if (text.empty()) return false;
  if (text[0] == '-' || text[0] == '+') return text.size() == 1 || text[1] == '\0';
  return text[0] == '[' || text[0] == '(';
}

// memcmp order on the member, against each bound's kind and text.
bool member_below(const fkvs::LexBound& min, std::string_view member) {
  using Kind = fkvs::LexBound::Kind;
  if (min.kind == Kind::kMinusInfinity) return false;
  if (min.kind == Kind::kPlusInfinity) return true;
  const int order = member.compare(min.text);
  return min.kind == Kind::kInclusive ? order < 0 : order <= 0;
}

bool member_within_max(const fkvs::LexBound& max, std::string_view member) {
  using Kind = fkvs::LexBound::Kind;
  if (max.kind == Kind::kMinusInfinity) return false;
  if (max.kind == Kind::kPlusInfinity) return true;
  const int order = member.compare(max.text);
  return max.kind == Kind::kInclusive ? order <= 0 : order < 0;
}

void check_lex_range(std::string_view min, std::string_view max) {
  const auto range = fkvs::parse_lex_range(min, max);
  if (range.has_value() != (redis_takes_lex_bound(min) && redis_takes_lex_bound(max))) {
    broken("parse_lex_range disagrees with Redis's rule", min);
  }
  if (!range) return;
  // Members at and around the bounds: each argument whole, without its
  // first byte (the bound's text), and cut to one byte.
  for (std::string_view member :
       {min, max, min.substr(1), max.substr(1), min.substr(0, 1), max.substr(0, 1)}) {
    if (range->below(member) != member_below(range->min, member)) {
      broken("LexRange::below differs from memcmp order", member);
    }
    if (range->within_max(member) != member_within_max(range->max, member)) {
      broken("LexRange::within_max differs from memcmp order", member);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return -1;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t split = text.find('\xff');
  const std::string_view first = text.substr(0, split);
  const std::string_view second = split == text.npos ? "" : text.substr(split + 1);
  switch (data[0] % 6) {
    case 0:
      check_int64(text);
      break;
    case 1:
      check_uint64(text);
      break;
    case 2:
      check_double(text);
      break;
    case 3:
      check_long_double(text);
      break;
    case 4:
      check_score_range(first, second);
      break;
    case 5:
      check_lex_range(first, second);
      break;
  }
  return 0;
}
