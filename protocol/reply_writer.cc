#include "reply_writer.h"

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <span>

namespace fkvs::resp {
namespace {

// Room for a prefix character, an int64 with its sign and CRLF.
constexpr size_t kMaxHeaderLen = 1 + 20 + 2;

constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

// 10^0 .. 10^19, all the powers of ten a uint64 holds.
constexpr auto kPowersOf10 = [] {
  std::array<uint64_t, 20> powers{};
  uint64_t power = 1;
  for (uint64_t& entry : powers) {
    entry = power;
    power *= 10;  // wraps harmlessly after the last entry
  }
  return powers;
}();

// Decimal digits of a value of at least 10: log10 estimated from the bit
// width (1233 / 4096 is just above log10(2)), then corrected by one compare.
size_t count_digits(uint64_t value) {
  size_t estimate = static_cast<size_t>(std::bit_width(value)) * 1233 >> 12;
  return estimate + (value >= kPowersOf10[estimate] ? 1 : 0);
}

// Writes value in decimal at out and returns the end. Lengths and counts are
// mostly below 100, so those take a shortcut; the rest is written two digits
// per step from the end.
char* write_unsigned(char* out, uint64_t value) {
  if (value < 10) {
    *out = static_cast<char>('0' + value);
    return out + 1;
  }
  if (value < 100) {
    std::memcpy(out, &kDigitPairs[value * 2], 2);
    return out + 2;
  }
  char* end = out + count_digits(value);
  char* p = end;
  while (value >= 100) {
    std::memcpy(p -= 2, &kDigitPairs[(value % 100) * 2], 2);
    value /= 100;
  }
  if (value >= 10) {
    std::memcpy(p - 2, &kDigitPairs[value * 2], 2);
  } else {
    p[-1] = static_cast<char>('0' + value);
  }
  return end;
}

char* write_signed(char* out, int64_t value) {
  uint64_t magnitude = static_cast<uint64_t>(value);
  if (value < 0) {
    *out++ = '-';
    magnitude = 0 - magnitude;
  }
  return write_unsigned(out, magnitude);
}

char* write_crlf(char* out) {
  out[0] = '\r';
  out[1] = '\n';
  return out + 2;
}

// Redis 7.0 formats doubles with "%.17g" (0.1 is sent as 0.10000000000000001),
// infinities as "inf" and "-inf"; to_chars with a precision is specified to
// print exactly what printf does.
std::string_view format_double(double value, std::span<char, 32> text) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  auto result =
      std::to_chars(text.data(), text.data() + text.size(), value, std::chars_format::general, 17);
  return {text.data(), static_cast<size_t>(result.ptr - text.data())};
}

}  // namespace

void ReplyWriter::header(char prefix, int64_t value) {
  char* start = out_->prepare(kMaxHeaderLen);
  char* p = start;
  *p++ = prefix;
  p = write_crlf(write_signed(p, value));
  out_->commit(static_cast<size_t>(p - start));
}

void ReplyWriter::simple(std::string_view text) {
  char* start = out_->prepare(text.size() + 3);
  start[0] = '+';
  std::memcpy(start + 1, text.data(), text.size());
  write_crlf(start + 1 + text.size());
  out_->commit(text.size() + 3);
}

void ReplyWriter::error(std::string_view message) {
  if (error_listener_ != nullptr) error_listener_->error_replied(message);
  write_error(message);
}

void ReplyWriter::error_counted_elsewhere(std::string_view message) { write_error(message); }

void ReplyWriter::write_error(std::string_view message) {
  ++errors_written_;
  char* start = out_->prepare(message.size() + 3);
  start[0] = '-';
  char* p = start + 1;
  for (char c : message) *p++ = c == '\r' || c == '\n' ? ' ' : c;
  write_crlf(p);
  out_->commit(message.size() + 3);
}

void ReplyWriter::integer(int64_t value) { header(':', value); }

void ReplyWriter::array(size_t count) { header('*', static_cast<int64_t>(count)); }

void ReplyWriter::bulk(std::string_view value) {
  char* start = out_->prepare(kMaxHeaderLen + value.size() + 2);
  char* p = start;
  *p++ = '$';
  p = write_crlf(write_unsigned(p, value.size()));
  if (!value.empty()) std::memcpy(p, value.data(), value.size());  // data() may be null
  p = write_crlf(p + value.size());
  out_->commit(static_cast<size_t>(p - start));
}

void ReplyWriter::bulk_integer(int64_t value) {
  char digits[20];
  char* end = write_signed(digits, value);
  bulk({digits, static_cast<size_t>(end - digits)});
}

void ReplyWriter::bulk_double(double value) {
  char text[32];
  bulk(format_double(value, text));
}

void ReplyWriter::big_number(std::string_view digits) {
  if (!resp3_) return bulk(digits);
  char* start = out_->prepare(digits.size() + 3);
  start[0] = '(';
  std::memcpy(start + 1, digits.data(), digits.size());
  write_crlf(start + 1 + digits.size());
  out_->commit(digits.size() + 3);
}

void ReplyWriter::double_number(double value) {
  char text[32];
  double_text(format_double(value, text));
}

void ReplyWriter::double_text(std::string_view digits) {
  if (!resp3_) return bulk(digits);
  char* start = out_->prepare(digits.size() + 3);
  start[0] = ',';
  std::memcpy(start + 1, digits.data(), digits.size());
  write_crlf(start + 1 + digits.size());
  out_->commit(digits.size() + 3);
}

void ReplyWriter::boolean(bool value) {
  if (resp3_) return out_->append(value ? "#t\r\n" : "#f\r\n", 4);
  out_->append(value ? ":1\r\n" : ":0\r\n", 4);
}

void ReplyWriter::map(size_t pairs) {
  resp3_ ? header('%', static_cast<int64_t>(pairs)) : header('*', static_cast<int64_t>(2 * pairs));
}

void ReplyWriter::set(size_t count) { header(resp3_ ? '~' : '*', static_cast<int64_t>(count)); }

void ReplyWriter::push(size_t count) { header(resp3_ ? '>' : '*', static_cast<int64_t>(count)); }

void ReplyWriter::verbatim(std::string_view text, std::string_view format) {
  if (!resp3_) return bulk(text);
  char* start = out_->prepare(kMaxHeaderLen + format.size() + 1 + text.size() + 2);
  char* p = start;
  *p++ = '=';
  p = write_crlf(write_unsigned(p, format.size() + 1 + text.size()));
  std::memcpy(p, format.data(), format.size());
  p += format.size();
  *p++ = ':';
  if (!text.empty()) std::memcpy(p, text.data(), text.size());
  p = write_crlf(p + text.size());
  out_->commit(static_cast<size_t>(p - start));
}

void ReplyWriter::end_aggregate(size_t token, char prefix, size_t count) {
  char text[kMaxHeaderLen];
  text[0] = prefix;
  char* end = write_crlf(write_unsigned(text + 1, count));
  size_t header_len = static_cast<size_t>(end - text);
  out_->prepare(header_len);
  char* elements = out_->data() + token;
  std::memmove(elements + header_len, elements, out_->size() - token);
  std::memcpy(elements, text, header_len);
  out_->commit(header_len);
}

}  // namespace fkvs::resp
