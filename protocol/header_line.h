#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace fkvs::resp {

// Up to 18 digits cannot overflow an int64, so the fast path needs no checks.
inline constexpr size_t kFastPathMaxDigits = 18;

// The common header line, read without the slow path's exact rules: the
// prefix, 1 to 18 digits with the first one non-zero, CR and one more byte.
// False sends anything else ("0", negative, malformed, incomplete) to the slow
// path.
inline bool read_plain_header(const char* line, const char* end, char prefix, int64_t* value,
                              const char** next) {
  // The shortest such line: the prefix, one digit, CR and the byte after it.
  if (end - line < 4 || line[0] != prefix) return false;
  uint64_t number = static_cast<unsigned char>(line[1]) - uint64_t{'0'};
  if (number - 1 > 8) return false;
  // The last place the CR may be: it needs a byte after it, and 18 digits
  // cannot overflow.
  const char* last_cr = std::min(end - 2, line + 1 + kFastPathMaxDigits);
  const char* p = line + 2;
  while (p <= last_cr) {
    uint64_t digit = static_cast<unsigned char>(*p) - uint64_t{'0'};
    if (digit > 9) break;
    number = number * 10 + digit;
    ++p;
  }
  if (p > last_cr || *p != '\r') return false;
  *value = static_cast<int64_t>(number);
  *next = p + 2;
  return true;
}

}  // namespace fkvs::resp
