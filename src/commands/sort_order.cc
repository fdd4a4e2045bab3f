#include "commands/sort_order.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

namespace fkvs::sort_order {

Window limit_window(int64_t offset, int64_t count, size_t size) {
  const auto length = static_cast<int64_t>(size);
  const int64_t start = std::min(std::max<int64_t>(offset, 0), length);
  count = std::min(std::max<int64_t>(count, -1), length);
  const int64_t end = count < 0 ? length - 1 : std::min(start + count - 1, length - 1);
  if (start >= length || end < start) return {};
  return {static_cast<size_t>(start), static_cast<size_t>(end - start + 1)};
}

std::optional<double> parse_score(std::string_view text) {
  // Most scores are short integers, which strtod would read exactly too: read them at once.
  const bool negative = !text.empty() && text[0] == '-';
  const std::string_view digits = text.substr(negative ? 1 : 0);
  if (!digits.empty() && digits.size() <= 15 &&
      std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    int64_t value = 0;
    for (char c : digits) value = value * 10 + (c - '0');
    return static_cast<double>(negative ? -value : value);
  }
  // strtod needs a terminated copy; most scores fit the buffer.
  char buffer[64];
  std::string long_text;
  const char* terminated = buffer;
  if (text.size() < sizeof(buffer)) {
    std::copy(text.begin(), text.end(), buffer);
    buffer[text.size()] = '\0';
  } else {
    long_text.assign(text);
    terminated = long_text.c_str();
  }
  char* end = nullptr;
  errno = 0;
  const double score = std::strtod(terminated, &end);
  if (*end != '\0' || errno == ERANGE || std::isnan(score)) return std::nullopt;
  return score;
}

int compare_collated(std::string_view a, std::string_view b) {
  return a.substr(0, a.find('\0')).compare(b.substr(0, b.find('\0')));
}

int compare_bytes(std::string_view a, std::string_view b) { return a.compare(b); }

}  // namespace fkvs::sort_order
