#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fkvs::cli {

// A RESP2 reply held as a tree. hiredis 0.14's reader refuses replies nested more than
// seven levels deep, and COMMAND DOCS's argument trees go deeper (MIGRATE's reaches
// nine), so the shell reads that reply with this parser instead.
struct ReplyNode {
  enum class Type { kString, kStatus, kError, kInteger, kNil, kArray };
  Type type = Type::kNil;
  std::string text;  // strings, statuses and errors
  int64_t integer = 0;
  std::vector<ReplyNode> elements;

  // The text of a string or status, empty for anything else.
  std::string_view str() const;
  // A RESP2 map, [key, value, key, value, ...]: the value after `key`, or null.
  const ReplyNode* field(std::string_view key) const;
};

// Limits on what a server's reply may make the parser hold.
inline constexpr size_t kMaxReplyDepth = 32;
inline constexpr int64_t kMaxReplyElements = 1 << 20;
inline constexpr int64_t kMaxReplyBulk = 64 << 20;

struct ReplyParse {
  enum class Status { kDone, kIncomplete, kMalformed };
  Status status = Status::kIncomplete;
  ReplyNode reply;
  size_t consumed = 0;  // bytes of input the reply took, when done
};

// Parses one complete reply from the start of input.
ReplyParse parse_reply_tree(std::string_view input);

}  // namespace fkvs::cli
