#include "persistence/aof_reader.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "persistence/format_error.h"
#include "util/strings.h"

namespace fkvs::persistence {

namespace {

// An AOF holds what the server accepted, so only memory bounds a command.
resp::ParserLimits unbounded() {
  resp::ParserLimits limits;
  limits.max_bulk_len = SIZE_MAX / 2;
  limits.max_multibulk_len = SIZE_MAX / 2;
  return limits;
}

}  // namespace

AofReader::AofReader(std::string_view bytes, size_t offset)
    : bytes_(bytes), offset_(offset), next_(offset), whole_end_(offset), parser_(unbounded()) {}

AofReader::Step AofReader::next() {
  for (;;) {
    offset_ = next_;
    if (offset_ >= bytes_.size()) return Step::kEnd;
    if (bytes_[offset_] != '#') break;
    // An annotation cut short at the end is read as one, as Redis does.
    const size_t line_end = std::min(bytes_.find('\n', offset_), bytes_.size() - 1);
    next_ = line_end + 1;
    if (!in_transaction_) whole_end_ = next_;
  }
  if (bytes_[offset_] != '*') throw FormatError("a command must start with '*'");
  // The parser would take "*0" as an empty request and go on to read what
  // follows, even inline; an AOF holds only commands with arguments.
  if (offset_ + 1 < bytes_.size() && (bytes_[offset_ + 1] < '1' || bytes_[offset_ + 1] > '9')) {
    throw FormatError("a command with no arguments");
  }
  parser_.reset();
  const resp::ParseStatus status = parser_.parse(bytes_.substr(offset_));
  if (status == resp::ParseStatus::kError) throw FormatError(std::string(parser_.error()));
  if (status == resp::ParseStatus::kNeedMore) return Step::kTruncated;
  next_ = offset_ + parser_.consumed();
  const std::string_view name = parser_.args()[0];
  if (equals_nocase(name, "multi")) {
    in_transaction_ = true;
  } else if (equals_nocase(name, "exec")) {
    in_transaction_ = false;
  }
  if (!in_transaction_) whole_end_ = next_;
  return Step::kCommand;
}

}  // namespace fkvs::persistence
