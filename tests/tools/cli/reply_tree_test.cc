#include "tools/cli/reply_tree.h"

#include <doctest/doctest.h>

#include <string>

#include "command_docs_replies.h"

using fkvs::cli::parse_reply_tree;
using fkvs::cli::ReplyNode;
using fkvs::cli::ReplyParse;

TEST_CASE("cli reply tree: every reply type") {
  std::string input = "*6\r\n+OK\r\n-ERR no\r\n:-42\r\n$3\r\na\r\n\r\n$-1\r\n*-1\r\n";
  ReplyParse parse = parse_reply_tree(input);
  REQUIRE(parse.status == ReplyParse::Status::kDone);
  CHECK(parse.consumed == input.size());
  const ReplyNode& reply = parse.reply;
  REQUIRE(reply.elements.size() == 6);
  CHECK(reply.elements[0].type == ReplyNode::Type::kStatus);
  CHECK(reply.elements[0].str() == "OK");
  CHECK(reply.elements[1].type == ReplyNode::Type::kError);
  CHECK(reply.elements[1].text == "ERR no");
  CHECK(reply.elements[1].str().empty());
  CHECK(reply.elements[2].integer == -42);
  CHECK(reply.elements[3].str() == "a\r\n");
  CHECK(reply.elements[4].type == ReplyNode::Type::kNil);
  CHECK(reply.elements[5].type == ReplyNode::Type::kNil);
}

TEST_CASE("cli reply tree: a reply cut at every byte is incomplete, then whole") {
  std::string_view input = fkvs::cli::test::kRedisMigrateDocs;
  for (size_t cut = 0; cut < input.size(); ++cut) {
    INFO("cut at " << cut);
    CHECK(parse_reply_tree(input.substr(0, cut)).status == ReplyParse::Status::kIncomplete);
  }
  ReplyParse parse = parse_reply_tree(std::string(input) + "+next\r\n");
  REQUIRE(parse.status == ReplyParse::Status::kDone);
  CHECK(parse.consumed == input.size());
}

TEST_CASE("cli reply tree: deeper than hiredis 0.14 reads, and field lookup") {
  ReplyParse parse =
      parse_reply_tree("*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:9\r\n");
  REQUIRE(parse.status == ReplyParse::Status::kDone);
  const ReplyNode* node = &parse.reply;
  for (int depth = 0; depth < 9; ++depth) node = &node->elements.at(0);
  CHECK(node->integer == 9);

  ReplyNode map = parse_reply_tree("*4\r\n$1\r\na\r\n:1\r\n+b\r\n:2\r\n").reply;
  REQUIRE(map.field("b") != nullptr);
  CHECK(map.field("b")->integer == 2);
  CHECK(map.field("a")->integer == 1);
  CHECK(map.field("c") == nullptr);
}

TEST_CASE("cli reply tree: malformed input and limits") {
  CHECK(parse_reply_tree("?\r\n").status == ReplyParse::Status::kMalformed);
  CHECK(parse_reply_tree(":12x\r\n").status == ReplyParse::Status::kMalformed);
  CHECK(parse_reply_tree("$3\r\nabcd\r\n").status == ReplyParse::Status::kMalformed);
  CHECK(parse_reply_tree("$-2\r\n").status == ReplyParse::Status::kMalformed);
  CHECK(parse_reply_tree("$99999999999\r\n").status == ReplyParse::Status::kMalformed);
  CHECK(parse_reply_tree("*99999999999\r\n").status == ReplyParse::Status::kMalformed);
  // A large count with little data behind it waits for more instead of allocating.
  CHECK(parse_reply_tree("*1000000\r\n:1\r\n").status == ReplyParse::Status::kIncomplete);
  std::string deep;
  for (size_t i = 0; i <= fkvs::cli::kMaxReplyDepth; ++i) deep += "*1\r\n";
  deep += ":1\r\n";
  CHECK(parse_reply_tree(deep).status == ReplyParse::Status::kMalformed);
}
