#include "store/stream_id.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "util/number.h"

namespace fkvs {
namespace {

// Redis's string2ull: the strict integer syntax when it applies (refusing
// negatives), else strtoull's, which also takes leading spaces, a sign and
// leading zeros.
std::optional<uint64_t> parse_stream_id_part(const char* text) {
  if (auto strict = parse_int64(text)) {
    if (*strict < 0) return std::nullopt;
    return static_cast<uint64_t>(*strict);
  }
  errno = 0;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text, &end, 10);
  if (errno == EINVAL || errno == ERANGE || *text == '\0' || *end != '\0') return std::nullopt;
  return value;
}

// Writes value in decimal; returns the number of digits.
size_t write_stream_id_part(uint64_t value, char* out) {
  char digits[20];
  size_t count = 0;
  do {
    digits[count++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  for (size_t i = 0; i < count; ++i) out[i] = digits[count - 1 - i];
  return count;
}

}  // namespace

std::optional<StreamId> StreamId::next() const {
  if (seq != UINT64_MAX) return StreamId{ms, seq + 1};
  if (ms == UINT64_MAX) return std::nullopt;
  return StreamId{ms + 1, 0};
}

std::optional<StreamId> StreamId::prev() const {
  if (seq != 0) return StreamId{ms, seq - 1};
  if (ms == 0) return std::nullopt;
  return StreamId{ms - 1, UINT64_MAX};
}

size_t StreamId::format(char* out) const {
  size_t length = write_stream_id_part(ms, out);
  out[length++] = '-';
  return length + write_stream_id_part(seq, out + length);
}

std::string StreamId::to_string() const {
  char text[kTextMax];
  return std::string(text, format(text));
}

std::optional<StreamId::Parsed> StreamId::parse(std::string_view text, uint64_t missing_seq,
                                                bool strict) {
  // Redis copies the argument into a 128-byte C string: longer is invalid,
  // and a NUL byte ends it.
  char buffer[128];
  if (text.size() > sizeof(buffer) - 1) return std::nullopt;
  text.copy(buffer, text.size());
  buffer[text.size()] = '\0';
  if (buffer[0] != '\0' && buffer[1] == '\0' && (buffer[0] == '-' || buffer[0] == '+')) {
    if (strict) return std::nullopt;
    return Parsed{buffer[0] == '-' ? min() : max(), true};
  }
  char* dash = std::strchr(buffer, '-');
  if (dash != nullptr) *dash = '\0';
  const auto ms = parse_stream_id_part(buffer);
  if (!ms) return std::nullopt;
  if (dash == nullptr) return Parsed{{*ms, missing_seq}, false};
  const auto seq = parse_stream_id_part(dash + 1);
  if (!seq) return std::nullopt;
  return Parsed{{*ms, *seq}, true};
}

}  // namespace fkvs
