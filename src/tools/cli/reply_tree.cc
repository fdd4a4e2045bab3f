#include "tools/cli/reply_tree.h"

#include <charconv>

namespace fkvs::cli {
namespace {

using Status = ReplyParse::Status;

class TreeParser {
 public:
  explicit TreeParser(std::string_view input) : input_(input) {}

  Status parse(ReplyNode& node, size_t depth) {
    if (depth > kMaxReplyDepth) return Status::kMalformed;
    std::string_view line;
    if (Status status = next_line(line); status != Status::kDone) return status;
    if (line.empty()) return Status::kMalformed;
    char kind = line[0];
    line.remove_prefix(1);
    switch (kind) {
      case '+':
        node.type = ReplyNode::Type::kStatus;
        node.text = line;
        return Status::kDone;
      case '-':
        node.type = ReplyNode::Type::kError;
        node.text = line;
        return Status::kDone;
      case ':':
        node.type = ReplyNode::Type::kInteger;
        return number(line, node.integer) ? Status::kDone : Status::kMalformed;
      case '$':
        return bulk(line, node);
      case '*':
        return array(line, node, depth);
      default:
        return Status::kMalformed;
    }
  }

  size_t position() const { return position_; }

 private:
  static bool number(std::string_view text, int64_t& value) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return !text.empty() && ec == std::errc() && end == text.data() + text.size();
  }

  Status next_line(std::string_view& line) {
    size_t end = input_.find("\r\n", position_);
    if (end == std::string_view::npos) return Status::kIncomplete;
    line = input_.substr(position_, end - position_);
    position_ = end + 2;
    return Status::kDone;
  }

  Status bulk(std::string_view header, ReplyNode& node) {
    int64_t length = 0;
    if (!number(header, length) || length < -1 || length > kMaxReplyBulk) {
      return Status::kMalformed;
    }
    if (length == -1) {
      node.type = ReplyNode::Type::kNil;
      return Status::kDone;
    }
    size_t size = static_cast<size_t>(length);
    if (input_.size() - position_ < size + 2) return Status::kIncomplete;
    if (input_.substr(position_ + size, 2) != "\r\n") return Status::kMalformed;
    node.type = ReplyNode::Type::kString;
    node.text = input_.substr(position_, size);
    position_ += size + 2;
    return Status::kDone;
  }

  Status array(std::string_view header, ReplyNode& node, size_t depth) {
    int64_t count = 0;
    if (!number(header, count) || count < -1 || count > kMaxReplyElements) {
      return Status::kMalformed;
    }
    if (count == -1) {
      node.type = ReplyNode::Type::kNil;
      return Status::kDone;
    }
    // Every element takes at least three bytes: a count beyond what has arrived
    // cannot be complete yet, and is not allocated for.
    if (count > static_cast<int64_t>((input_.size() - position_) / 3)) return Status::kIncomplete;
    node.type = ReplyNode::Type::kArray;
    node.elements.resize(static_cast<size_t>(count));
    for (ReplyNode& element : node.elements) {
      if (Status status = parse(element, depth + 1); status != Status::kDone) return status;
    }
    return Status::kDone;
  }

  std::string_view input_;
  size_t position_ = 0;
};

}  // namespace

std::string_view ReplyNode::str() const {
  if (type != Type::kString && type != Type::kStatus) return {};
  return text;
}

const ReplyNode* ReplyNode::field(std::string_view key) const {
  if (type != Type::kArray) return nullptr;
  for (size_t i = 0; i + 1 < elements.size(); i += 2) {
    if (elements[i].str() == key) return &elements[i + 1];
  }
  return nullptr;
}

ReplyParse parse_reply_tree(std::string_view input) {
  ReplyParse result;
  TreeParser parser(input);
  result.status = parser.parse(result.reply, 1);
  if (result.status == Status::kDone) result.consumed = parser.position();
  return result;
}

}  // namespace fkvs::cli
