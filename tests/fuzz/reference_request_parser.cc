#include "reference_request_parser.h"

#include <cstdint>
#include <optional>

namespace fkvs::fuzz {
namespace {

constexpr size_t kNotFound = std::string::npos;

// strchr() over an sds: the search also ends at a NUL byte, and the buffer
// always ends in one.
size_t find_before_nul(const std::string& buffer, size_t from, char wanted) {
  for (size_t i = from; i < buffer.size(); ++i) {
    if (buffer[i] == wanted) return i;
    if (buffer[i] == '\0') return kNotFound;
  }
  return kNotFound;
}

// string2ll(): "0", or an optional '-' and digits without a leading zero,
// fitting an int64.
std::optional<int64_t> strict_int64(std::string_view text) {
  if (text == "0") return 0;
  bool negative = !text.empty() && text[0] == '-';
  std::string_view digits = negative ? text.substr(1) : text;
  if (digits.empty() || digits[0] < '1' || digits[0] > '9') return std::nullopt;
  // 19 digits hold any int64; longer ones do not.
  if (digits.size() > 19) return std::nullopt;
  using Wide = __int128;
  Wide magnitude = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    magnitude = magnitude * 10 + (c - '0');
  }
  const Wide value = negative ? -magnitude : magnitude;
  if (value < INT64_MIN || value > INT64_MAX) return std::nullopt;
  return static_cast<int64_t>(value);
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// sdssplitargs() over one line (which holds no NUL: the search for its end
// would have stopped there). nullopt for unbalanced quotes.
std::optional<std::vector<std::string>> split_like_redis(std::string_view line) {
  std::vector<std::string> words;
  size_t i = 0;
  auto at = [&](size_t k) { return k < line.size() ? line[k] : '\0'; };
  for (;;) {
    while (i < line.size() && is_space(line[i])) ++i;
    if (i == line.size()) return words;
    std::string word;
    char quote = 0;  // the quote we are inside, if any
    for (bool done = false; !done;) {
      const char c = at(i);
      if (quote == '"' && c == '\\' && at(i + 1) == 'x' && hex_value(at(i + 2)) >= 0 &&
          hex_value(at(i + 3)) >= 0) {
        word.push_back(static_cast<char>(hex_value(at(i + 2)) * 16 + hex_value(at(i + 3))));
        i += 3;
      } else if (quote == '"' && c == '\\' && at(i + 1) != '\0') {
        static constexpr std::string_view kEscapes = "nrtba", kMeanings = "\n\r\t\b\a";
        const size_t escape = kEscapes.find(at(++i));
        word.push_back(escape == std::string_view::npos ? at(i) : kMeanings[escape]);
      } else if (quote == '\'' && c == '\\' && at(i + 1) == '\'') {
        word.push_back(at(++i));
      } else if (quote != 0 && c == quote) {
        // A closing quote must be followed by a space or the end.
        if (at(i + 1) != '\0' && !is_space(at(i + 1))) return std::nullopt;
        done = true;
      } else if (quote != 0 && c == '\0') {
        return std::nullopt;
      } else if (quote != 0) {
        word.push_back(c);
      } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\0') {
        done = true;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else {
        word.push_back(c);
      }
      if (i < line.size()) ++i;
    }
    words.push_back(std::move(word));
  }
}

}  // namespace

void ReferenceRequestParser::feed(std::string_view bytes) {
  if (!outcome_.error.empty()) return;  // the connection is closed
  buffer_.append(bytes);
  Step step;
  do {
    step = buffer_.empty() ? Step::kNeedMore : take_one();
  } while (step == Step::kRequest || step == Step::kSkipped);
  outcome_.waiting = step == Step::kError ? "" : buffer_;
}

ReferenceRequestParser::Step ReferenceRequestParser::take_one() {
  return buffer_[0] == '*' ? take_multibulk() : take_inline();
}

ReferenceRequestParser::Step ReferenceRequestParser::take_inline() {
  const size_t newline = find_before_nul(buffer_, 0, '\n');
  if (newline == kNotFound) {
    if (buffer_.size() > limits_.max_inline_len) {
      return fail("ERR Protocol error: too big inline request");
    }
    return Step::kNeedMore;
  }
  size_t line_end = newline;
  if (line_end > 0 && buffer_[line_end - 1] == '\r') --line_end;
  auto words = split_like_redis(std::string_view(buffer_).substr(0, line_end));
  if (!words) return fail("ERR Protocol error: unbalanced quotes in request");
  buffer_.erase(0, newline + 1);
  if (words->empty()) return Step::kSkipped;
  outcome_.requests.push_back(std::move(*words));
  return Step::kRequest;
}

ReferenceRequestParser::Step ReferenceRequestParser::take_multibulk() {
  const size_t header_end = find_before_nul(buffer_, 0, '\r');
  if (header_end == kNotFound) {
    if (buffer_.size() > limits_.max_inline_len) {
      return fail("ERR Protocol error: too big mbulk count string");
    }
    return Step::kNeedMore;
  }
  // The byte after the CR must be there too, though it is never looked at.
  if (header_end + 1 >= buffer_.size()) return Step::kNeedMore;
  const auto count = strict_int64(std::string_view(buffer_).substr(1, header_end - 1));
  if (!count || (*count > 0 && static_cast<uint64_t>(*count) > limits_.max_multibulk_len)) {
    return fail("ERR Protocol error: invalid multibulk length");
  }
  if (unauthenticated_ && *count > 10) {
    return fail("ERR Protocol error: unauthenticated multibulk length");
  }
  size_t pos = header_end + 2;
  if (*count <= 0) {
    buffer_.erase(0, pos);
    return Step::kSkipped;
  }
  std::vector<std::string> args;
  for (int64_t i = 0; i < *count; ++i) {
    const size_t line_end = find_before_nul(buffer_, pos, '\r');
    if (line_end == kNotFound) {
      if (buffer_.size() - pos > limits_.max_inline_len) {
        return fail("ERR Protocol error: too big bulk count string");
      }
      return Step::kNeedMore;
    }
    if (line_end + 1 >= buffer_.size()) return Step::kNeedMore;
    if (buffer_[pos] != '$') {
      const char got = buffer_[pos] == '\r' || buffer_[pos] == '\n' ? ' ' : buffer_[pos];
      return fail(std::string("ERR Protocol error: expected '$', got '") + got + "'");
    }
    const auto length = strict_int64(std::string_view(buffer_).substr(pos + 1, line_end - pos - 1));
    if (!length || *length < 0 || static_cast<uint64_t>(*length) > limits_.max_bulk_len) {
      return fail("ERR Protocol error: invalid bulk length");
    }
    if (unauthenticated_ && *length > 16384) {
      return fail("ERR Protocol error: unauthenticated bulk length");
    }
    pos = line_end + 2;
    // The body, then two bytes that are skipped unchecked.
    if (buffer_.size() - pos < static_cast<uint64_t>(*length) + 2) return Step::kNeedMore;
    args.push_back(buffer_.substr(pos, static_cast<size_t>(*length)));
    pos += static_cast<size_t>(*length) + 2;
  }
  buffer_.erase(0, pos);
  outcome_.requests.push_back(std::move(args));
  return Step::kRequest;
}

ReferenceRequestParser::Step ReferenceRequestParser::fail(std::string message) {
  outcome_.error = std::move(message);
  return Step::kError;
}

}  // namespace fkvs::fuzz
