#include "util/number.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "util/fixed_format.h"

namespace fkvs {
namespace {

// int64's widest magnitude has 19 digits, so 19 digits never overflow uint64.
constexpr size_t kMaxInt64Digits = 19;
// Redis parses long doubles from a fixed buffer of this size.
constexpr size_t kLongDoubleTextLimit = 5 * 1024;

bool is_c_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// strtod and friends need a NUL-terminated string; argument bytes are not
// terminated, so numbers are copied, onto the stack when short.
template <typename Float, typename Convert>
std::optional<Float> parse_float(std::string_view text, Convert convert) {
  if (text.empty() || is_c_space(text[0])) return std::nullopt;
  char stack_buffer[128];
  std::string heap_buffer;
  char* terminated = stack_buffer;
  if (text.size() < sizeof(stack_buffer)) {
    std::memcpy(stack_buffer, text.data(), text.size());
    stack_buffer[text.size()] = '\0';
  } else {
    heap_buffer.assign(text);
    terminated = heap_buffer.data();
  }
  char* end = nullptr;
  errno = 0;
  const Float value = convert(terminated, &end);
  if (static_cast<size_t>(end - terminated) != text.size()) return std::nullopt;
  if (std::isnan(value)) return std::nullopt;
  // Out of range: glibc returns +-HUGE_VAL on overflow and zero (or a
  // denormal, which Redis keeps) on underflow.
  if (errno == ERANGE && (std::isinf(value) || value == 0)) return std::nullopt;
  return value;
}

}  // namespace

std::optional<int64_t> parse_int64(std::string_view text) {
  size_t pos = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) pos = 1;
  const size_t digits = text.size() - pos;
  if (digits == 0 || digits > kMaxInt64Digits) return std::nullopt;
  if (text[pos] == '0') {
    if (text.size() == 1) return 0;
    return std::nullopt;  // leading zero, or "-0"
  }
  uint64_t magnitude = 0;
  for (; pos < text.size(); ++pos) {
    const unsigned digit = static_cast<unsigned char>(text[pos]) - unsigned{'0'};
    if (digit > 9) return std::nullopt;
    magnitude = magnitude * 10 + digit;
  }
  constexpr uint64_t kMaxPositive = static_cast<uint64_t>(INT64_MAX);
  if (negative) {
    if (magnitude > kMaxPositive + 1) return std::nullopt;
    return static_cast<int64_t>(0 - magnitude);
  }
  if (magnitude > kMaxPositive) return std::nullopt;
  return static_cast<int64_t>(magnitude);
}

std::optional<uint64_t> parse_uint64(std::string_view text) {
  // Redis hands strtoul a C string, so it stops at an embedded NUL.
  text = text.substr(0, text.find('\0'));
  if (text.empty()) return 0;
  size_t pos = 0;
  const bool negative = text[0] == '-';
  if (negative || text[0] == '+') pos = 1;
  if (pos == text.size()) return std::nullopt;
  uint64_t magnitude = 0;
  const auto [end, error] =
      std::from_chars(text.data() + pos, text.data() + text.size(), magnitude);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return negative ? 0 - magnitude : magnitude;
}

std::optional<double> parse_double(std::string_view text) {
  return parse_float<double>(text, [](const char* s, char** end) { return std::strtod(s, end); });
}

std::optional<long double> parse_long_double(std::string_view text) {
  if (text.size() >= kLongDoubleTextLimit) return std::nullopt;
  return parse_float<long double>(text,
                                  [](const char* s, char** end) { return std::strtold(s, end); });
}

size_t format_int64(int64_t value, char* out) {
  return static_cast<size_t>(std::to_chars(out, out + kInt64TextMax, value).ptr - out);
}

std::string_view format_long_double(long double value, char* out) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  // Values that are doubles (GEOPOS's coordinates) take the faster exact way.
  std::optional<std::string_view> fast;
  if (static_cast<long double>(static_cast<double>(value)) == value) {
    fast = format_fixed_exact(static_cast<double>(value), 17, out);
  }
  std::string_view formatted;
  if (fast) {
    formatted = *fast;
  } else {
    const auto result =
        std::to_chars(out, out + kLongDoubleTextMax, value, std::chars_format::fixed, 17);
    formatted = std::string_view(out, static_cast<size_t>(result.ptr - out));
  }
  if (formatted.find('.') != std::string_view::npos) {
    formatted.remove_suffix(formatted.size() - 1 - formatted.find_last_not_of('0'));
    if (formatted.back() == '.') formatted.remove_suffix(1);
  }
  // A tiny negative value rounds to "-0"; Redis replies "0".
  if (formatted == "-0") formatted = "0";
  return formatted;
}

std::string_view format_double(double value, char* out) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  // to_chars with a precision prints exactly what printf's "%.17g" does.
  const auto result =
      std::to_chars(out, out + kDoubleTextMax, value, std::chars_format::general, 17);
  return {out, static_cast<size_t>(result.ptr - out)};
}

std::string format_fixed_trimmed(double value) {
  char buffer[kDoubleTextMax + 320];  // "%f" of the largest double has 309 digits before the point
  std::string text(buffer, static_cast<size_t>(std::snprintf(buffer, sizeof buffer, "%f", value)));
  if (text.find('.') != std::string::npos) {
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
  }
  return text;
}

}  // namespace fkvs
