#include "tools/benchmark/reply_scanner.h"

#include <charconv>
#include <cstring>

namespace fkvs::benchmark {
namespace {

// A status, error or integer line longer than this is taken for garbage.
constexpr size_t kMaxLineBytes = 1 << 20;
// Replies nest arrays only as deep as the commands that produce them do.
constexpr size_t kMaxNesting = 1024;
constexpr int64_t kMaxLength = int64_t{1} << 40;

bool parse_length(std::string_view text, int64_t& length) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), length);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size() && length >= -1 &&
         length <= kMaxLength;
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
    const char* line_end =
        static_cast<const char*>(std::memchr(data.data() + pos, '\n', data.size() - pos));
    if (line_end == nullptr) {
      result.malformed = data.size() - pos > kMaxLineBytes;
      break;
    }
    size_t end = static_cast<size_t>(line_end - data.data());
    if (end == pos || data[end - 1] != '\r') {
      result.malformed = true;
      break;
    }
    char type = data[pos];
    std::string_view body = data.substr(pos + 1, end - 1 - (pos + 1));
    bool top_level = open_arrays_.empty();
    int64_t length = 0;
    pos = end + 1;
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
          bulk_left_ = static_cast<uint64_t>(length) + 2;
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
