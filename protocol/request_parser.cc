#include "request_parser.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "header_line.h"
#include "split_arguments.h"

namespace fkvs::resp {
namespace {

constexpr std::string_view kTooBigInline = "ERR Protocol error: too big inline request";
constexpr std::string_view kUnbalancedQuotes = "ERR Protocol error: unbalanced quotes in request";
constexpr std::string_view kInvalidMultibulkLength = "ERR Protocol error: invalid multibulk length";
constexpr std::string_view kTooBigMultibulkCount = "ERR Protocol error: too big mbulk count string";
constexpr std::string_view kInvalidBulkLength = "ERR Protocol error: invalid bulk length";
constexpr std::string_view kTooBigBulkCount = "ERR Protocol error: too big bulk count string";
constexpr std::string_view kUnauthenticatedMultibulk =
    "ERR Protocol error: unauthenticated multibulk length";
constexpr std::string_view kUnauthenticatedBulk = "ERR Protocol error: unauthenticated bulk length";

// Redis's limits for clients that have not authenticated yet.
constexpr int64_t kUnauthenticatedMaxArgs = 10;
constexpr int64_t kUnauthenticatedMaxBulkLen = 16384;
// A client-announced count reserves at most this many argument slots up front;
// beyond it the vector grows only as arguments actually arrive.
constexpr size_t kMaxArgsReserved = 1024;

bool is_digit(char c) { return static_cast<unsigned char>(c - '0') < 10; }

// Accepts exactly what Redis's string2ll accepts: an optional '-', then digits
// without leading zeros ("0" itself is fine, "-0" is not), fitting an int64.
bool parse_length(const char* p, size_t n, int64_t* value) {
  bool negative = n > 0 && *p == '-';
  if (negative) {
    ++p;
    --n;
  }
  if (n == 0) return false;
  if (*p == '0') {
    *value = 0;
    return n == 1 && !negative;
  }
  uint64_t magnitude = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!is_digit(p[i])) return false;
    uint64_t digit = static_cast<uint64_t>(p[i] - '0');
    if (magnitude > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;
    magnitude = magnitude * 10 + digit;
  }
  constexpr uint64_t kMaxPositive = std::numeric_limits<int64_t>::max();
  if (negative) {
    if (magnitude > kMaxPositive + 1) return false;
    *value = static_cast<int64_t>(0 - magnitude);
  } else {
    if (magnitude > kMaxPositive) return false;
    *value = static_cast<int64_t>(magnitude);
  }
  return true;
}

}  // namespace

ParseStatus RequestParser::parse(std::string_view input) {
  // The caller may have moved its buffer since the last call: rebuild the
  // views of the arguments already parsed from their offsets.
  if (!arg_offsets_.empty()) {
    for (size_t i = 0; i < arg_offsets_.size(); ++i) {
      args_[i] = {input.data() + arg_offsets_[i].first, arg_offsets_[i].second};
    }
    arg_offsets_.clear();
  }
  for (;;) {
    ParseStatus status;
    if (state_ == State::kStart) {
      if (pos_ == input.size()) return need_more(input, pos_ + 1);
      request_start_ = pos_;
      status = input[pos_] == '*' ? parse_multibulk(input) : parse_inline(input);
    } else {
      status = state_ == State::kInline ? parse_inline(input) : parse_multibulk(input);
    }
    if (status != ParseStatus::kNeedMore || state_ != State::kStart) return status;
  }
}

ParseStatus RequestParser::parse_inline(std::string_view input) {
  state_ = State::kInline;
  size_t from = std::max(pos_, scanned_);
  const char* data = input.data();
  const void* found = std::memchr(data + from, '\n', input.size() - from);
  size_t newline = found ? static_cast<const char*>(found) - data : input.size();
  // Redis finds the newline with strchr(), which stops at a NUL byte: a line
  // holding a NUL never completes and only the size limit ends it.
  const void* nul = std::memchr(data + from, '\0', newline - from);
  if (nul || !found) {
    scanned_ = nul ? static_cast<const char*>(nul) - data : input.size();
    if (input.size() - pos_ > limits_.max_inline_len) return fail(kTooBigInline);
    return need_more(input, input.size() + 1);
  }
  size_t line_end = newline;
  if (line_end > pos_ && data[line_end - 1] == '\r') --line_end;
  if (!split_inline(input.substr(pos_, line_end - pos_))) return fail(kUnbalancedQuotes);
  if (args_.empty()) {
    pos_ = newline + 1;
    state_ = State::kStart;
    return ParseStatus::kNeedMore;
  }
  finish_request(newline + 1);
  return ParseStatus::kRequest;
}

// Splits like Redis's sdssplitargs(): arguments are separated by whitespace;
// "double quotes" understand \n \r \t \b \a \xHH and \<any>, 'single quotes'
// only \'; a closing quote must be followed by whitespace or the line end.
// A quote may also open in the middle of an argument (a"b c" is `ab c`).
bool RequestParser::split_inline(std::string_view line) {
  // Unescaped text is never longer than the line, so the storage never moves
  // while views into it are handed out.
  if (inline_storage_.size() < line.size()) inline_storage_.resize(line.size());
  return split_arguments(line, inline_storage_.data(), args_);
}

ParseStatus RequestParser::parse_multibulk(std::string_view input) {
  // Locals instead of members in the loop; the members are written back only
  // when the request is left unfinished.
  const char* data = input.data();
  const char* end = data + input.size();
  size_t pos = pos_;
  if (state_ == State::kStart || state_ == State::kMultibulkHeader) {
    int64_t count;
    const char* next;
    if (!read_plain_header(data + pos, end, '*', &count, &next)) {
      state_ = State::kMultibulkHeader;
      HeaderLine header = read_header_slow(input, pos);
      if (header.kind == HeaderLine::Kind::kIncomplete) return need_more(input, input.size() + 1);
      if (header.kind == HeaderLine::Kind::kTooBig) return fail(kTooBigMultibulkCount);
      if (header.kind == HeaderLine::Kind::kNotANumber) return fail(kInvalidMultibulkLength);
      count = header.value;
      next = data + header.next;
    }
    if (count > 0 && static_cast<uint64_t>(count) > limits_.max_multibulk_len) {
      return fail(kInvalidMultibulkLength);
    }
    if (unauthenticated_ && count > kUnauthenticatedMaxArgs) return fail(kUnauthenticatedMultibulk);
    pos = static_cast<size_t>(next - data);
    // Redis treats `*0` and any negative count as an empty request.
    if (count <= 0) {
      pos_ = pos;
      state_ = State::kStart;
      return ParseStatus::kNeedMore;
    }
    args_expected_ = count;
    args_.clear();
    size_t reserved = std::min(static_cast<size_t>(count), kMaxArgsReserved);
    if (args_.capacity() < reserved) args_.reserve(reserved);
    state_ = State::kBulkHeader;
  }
  const size_t args_expected = static_cast<size_t>(args_expected_);
  bool have_bulk_len = state_ == State::kBulkBody;
  size_t bulk_len = static_cast<size_t>(bulk_len_);
  for (;;) {
    if (!have_bulk_len) {
      int64_t len;
      const char* next;
      if (!read_plain_header(data + pos, end, '$', &len, &next)) {
        pos_ = pos;
        state_ = State::kBulkHeader;
        HeaderLine header = read_header_slow(input, pos);
        if (header.kind == HeaderLine::Kind::kIncomplete) return need_more(input, input.size() + 1);
        if (header.kind == HeaderLine::Kind::kTooBig) return fail(kTooBigBulkCount);
        if (data[pos] != '$') return fail_expected_dollar(data[pos]);
        if (header.kind == HeaderLine::Kind::kNotANumber) return fail(kInvalidBulkLength);
        len = header.value;
        next = data + header.next;
      }
      if (len < 0 || static_cast<uint64_t>(len) > limits_.max_bulk_len) {
        return fail(kInvalidBulkLength);
      }
      if (unauthenticated_ && len > kUnauthenticatedMaxBulkLen) return fail(kUnauthenticatedBulk);
      bulk_len = static_cast<size_t>(len);
      pos = static_cast<size_t>(next - data);
    }
    // Like Redis, the two bytes after the body are skipped without checking
    // that they are CRLF.
    size_t body_end = pos + bulk_len + 2;
    if (body_end > input.size()) {
      pos_ = pos;
      bulk_len_ = static_cast<int64_t>(bulk_len);
      state_ = State::kBulkBody;
      return need_more(input, body_end);
    }
    args_.emplace_back(data + pos, bulk_len);
    pos = body_end;
    if (args_.size() == args_expected) break;
    have_bulk_len = false;
  }
  finish_request(pos);
  return ParseStatus::kRequest;
}

// Finds the line's end the way Redis does: the first CR from the line's
// start on (even in place of the prefix), which need not be followed by LF
// (the byte after it is skipped unchecked). Redis searches with strchr(), so a
// NUL byte hides every CR after it and the line can then only end by
// exceeding the size limit.
RequestParser::HeaderLine RequestParser::read_header_slow(std::string_view input, size_t line) {
  size_t from = std::max(line, scanned_);
  size_t end = from;
  while (end < input.size() && input[end] != '\r' && input[end] != '\0') ++end;
  if (end < input.size() && input[end] == '\r') {
    scanned_ = end;
    if (end + 1 == input.size()) return {HeaderLine::Kind::kIncomplete};
    HeaderLine header{HeaderLine::Kind::kNumber, 0, end + 2};
    if (end == line || !parse_length(input.data() + line + 1, end - line - 1, &header.value)) {
      header.kind = HeaderLine::Kind::kNotANumber;
    }
    return header;
  }
  scanned_ = end;
  if (input.size() - line > limits_.max_inline_len) return {HeaderLine::Kind::kTooBig};
  return {HeaderLine::Kind::kIncomplete};
}

ParseStatus RequestParser::need_more(std::string_view input, size_t wanted) {
  bytes_wanted_ = wanted;
  // The caller may move its buffer before the next call; keep offsets.
  // (In the other states args_ still holds the previous request.)
  bool inside_arguments = state_ == State::kBulkHeader || state_ == State::kBulkBody;
  if (inside_arguments && !args_.empty()) {
    arg_offsets_.resize(args_.size());
    for (size_t i = 0; i < args_.size(); ++i) {
      arg_offsets_[i] = {static_cast<size_t>(args_[i].data() - input.data()), args_[i].size()};
    }
  }
  return ParseStatus::kNeedMore;
}

size_t RequestParser::take_skipped() {
  size_t skipped = state_ == State::kStart ? pos_ : request_start_;
  if (skipped == 0) return 0;
  // Every offset kept is from the start of the input; the caller drops the
  // first `skipped` bytes of it.
  pos_ -= skipped;
  scanned_ = scanned_ > skipped ? scanned_ - skipped : 0;
  bytes_wanted_ -= std::min(bytes_wanted_, skipped);
  for (auto& [offset, length] : arg_offsets_) offset -= skipped;
  request_start_ = 0;
  return skipped;
}

void RequestParser::finish_request(size_t request_end) {
  consumed_ = request_end;
  request_start_ = 0;
  pos_ = 0;
  scanned_ = 0;
  state_ = State::kStart;
}

ParseStatus RequestParser::fail_expected_dollar(char got) {
  // The reply is one line, so a CR or LF here is shown as a space.
  if (got == '\r' || got == '\n') got = ' ';
  error_.assign("ERR Protocol error: expected '$', got '");
  error_.push_back(got);
  error_.push_back('\'');
  return ParseStatus::kError;
}

ParseStatus RequestParser::fail(std::string_view message) {
  error_.assign(message);
  return ParseStatus::kError;
}

void RequestParser::release_spare_capacity() {
  if (state_ != State::kStart) return;
  if (args_.capacity() > kKeptArguments) std::vector<std::string_view>().swap(args_);
  if (arg_offsets_.capacity() > kKeptArguments) {
    std::vector<std::pair<size_t, size_t>>().swap(arg_offsets_);
  }
  if (inline_storage_.capacity() > kKeptArguments) std::string().swap(inline_storage_);
}

void RequestParser::reset() {
  state_ = State::kStart;
  request_start_ = 0;
  pos_ = 0;
  scanned_ = 0;
  args_expected_ = 0;
  bulk_len_ = -1;
  bytes_wanted_ = 0;
  consumed_ = 0;
  args_.clear();
  arg_offsets_.clear();
  error_.clear();
}

}  // namespace fkvs::resp
