#include "tools/benchmark/reply_scanner.h"

namespace fkvs::benchmark {
namespace {

// A status, error or integer line longer than this is taken for garbage.
constexpr size_t kMaxLineBytes = 1 << 20;
// Replies nest arrays only as deep as the commands that produce them do.
constexpr size_t kMaxNesting = 1024;
constexpr int64_t kMaxLength = int64_t{1} << 40;

// A bulk or array length: -1 or 0..kMaxLength. By hand, since it runs once
// per reply and std::from_chars was a sixth of the generator's instructions.
bool parse_length(std::string_view text, int64_t& length) {
  if (text.empty() || text.size() > 13) return false;
  if (text[0] == '-') {
    length = -1;
    return text.size() == 2 && text[1] == '1';
  }
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  length = value;
  return value <= kMaxLength;
}

}  // namespace

void ReplyScanner::reset() {
  open_arrays_.clear();
  bulk_left_ = 0;
}

bool ReplyScanner::finish_element() {
  while (!open_arrays_.empty()) {
    if (--open_arrays_.back() > 0) return false;
    open_arrays_.pop_back();
  }
  return true;
}

ReplyScanner::Result ReplyScanner::scan(std::string_view data, size_t max_replies) {
  Result result;
  size_t pos = 0;
  while (result.replies < max_replies) {
    if (bulk_left_ > 0) {
      size_t skip = std::min<uint64_t>(bulk_left_, data.size() - pos);
      pos += skip;
      bulk_left_ -= skip;
      result.consumed = pos;
      if (bulk_left_ > 0) break;
      if (finish_element()) ++result.replies;
      continue;
    }
    if (pos == data.size()) break;
    // Reply lines are a few bytes ("$3", "+OK", ":42"): a plain loop beats a
    // call to memchr. Simple strings and errors hold no CR or LF.
    size_t end = pos;
    while (end < data.size() && data[end] != '\r' && data[end] != '\n') ++end;
    if (end < data.size() && data[end] == '\n') {
      result.malformed = true;
      break;
    }
    if (end + 1 >= data.size()) {
      result.malformed = data.size() - pos > kMaxLineBytes;
      break;
    }
    if (data[end + 1] != '\n' || end == pos) {
      result.malformed = true;
      break;
    }
    char type = data[pos];
    std::string_view body = data.substr(pos + 1, end - (pos + 1));
    bool top_level = open_arrays_.empty();
    int64_t length = 0;
    pos = end + 2;
    switch (type) {
      case '+':
      case ':':
        break;
      case '-':
        // An error inside an array (EXEC's, say) is data, not a failed request.
        if (top_level) {
          if (result.errors++ == 0) result.first_error = body;
        }
        break;
      case '$':
        if (!parse_length(body, length)) {
          result.malformed = true;
          return result;
        }
        if (length >= 0) {
          uint64_t payload = static_cast<uint64_t>(length) + 2;
          // The usual case, a bulk whole in the buffer, needs no second pass.
          if (payload <= data.size() - pos) {
            pos += payload;
            break;
          }
          bulk_left_ = payload;
          result.consumed = pos;
          continue;
        }
        break;
      case '*':
        if (!parse_length(body, length)) {
          result.malformed = true;
          return result;
        }
        if (length > 0) {
          if (open_arrays_.size() == kMaxNesting) {
            result.malformed = true;
            return result;
          }
          open_arrays_.push_back(length);
          result.consumed = pos;
          continue;
        }
        break;
      default:
        result.malformed = true;
        return result;
    }
    result.consumed = pos;
    if (finish_element()) ++result.replies;
  }
  return result;
}

}  // namespace fkvs::benchmark
