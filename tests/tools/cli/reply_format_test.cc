#include "tools/cli/reply_format.h"

#include <doctest/doctest.h>

#include <deque>
#include <initializer_list>
#include <string>
#include <vector>

#include "split_arguments.h"

using fkvs::cli::format_reply;
using fkvs::cli::format_verbatim;
using fkvs::cli::OutputMode;
using fkvs::resp::quote_bytes;

namespace {

// Builds hiredis reply trees by hand; the nodes live as long as the builder.
class Replies {
 public:
  redisReply* string(std::string_view text) { return text_node(REDIS_REPLY_STRING, text); }
  redisReply* status(std::string_view text) { return text_node(REDIS_REPLY_STATUS, text); }
  redisReply* error(std::string_view text) { return text_node(REDIS_REPLY_ERROR, text); }
  redisReply* integer(long long value) {
    redisReply* node = node_of(REDIS_REPLY_INTEGER);
    node->integer = value;
    return node;
  }
  redisReply* nil() { return node_of(REDIS_REPLY_NIL); }
  redisReply* array(std::initializer_list<redisReply*> elements) {
    redisReply* node = node_of(REDIS_REPLY_ARRAY);
    auto& children = children_.emplace_back(elements);
    node->elements = children.size();
    node->element = children.data();
    return node;
  }

 private:
  redisReply* node_of(int type) {
    redisReply& node = nodes_.emplace_back();
    node.type = type;
    return &node;
  }
  redisReply* text_node(int type, std::string_view text) {
    redisReply* node = node_of(type);
    std::string& stored = texts_.emplace_back(text);
    node->str = stored.data();
    node->len = stored.size();
    return node;
  }
  std::deque<redisReply> nodes_;
  std::deque<std::string> texts_;
  std::deque<std::vector<redisReply*>> children_;
};

std::string tty(const redisReply* reply) { return format_reply(*reply, OutputMode::kTty); }
std::string raw(const redisReply* reply) { return format_reply(*reply, OutputMode::kRaw); }
std::string csv(const redisReply* reply) { return format_reply(*reply, OutputMode::kCsv); }

}  // namespace

TEST_CASE("cli format: scalars in the TTY format") {
  Replies r;
  CHECK(tty(r.string("bar")) == "\"bar\"\n");
  CHECK(tty(r.string("")) == "\"\"\n");
  CHECK(tty(r.status("OK")) == "OK\n");
  CHECK(tty(r.integer(-42)) == "(integer) -42\n");
  CHECK(tty(r.nil()) == "(nil)\n");
  CHECK(tty(r.error("ERR syntax error")) == "(error) ERR syntax error\n");
  CHECK(tty(r.array({})) == "(empty array)\n");
}

TEST_CASE("cli format: binary values are escaped as redis-cli does") {
  std::string value("a\0b\nc\"d\\e\tf\r\a\b\x7f\xff\xc3\xa9 ~", 20);
  CHECK(quote_bytes(value) == R"("a\x00b\nc\"d\\e\tf\r\a\b\x7f\xff\xc3\xa9 ~")");
  Replies r;
  CHECK(tty(r.string(value)) == quote_bytes(value) + "\n");
  CHECK(csv(r.string(value)) == quote_bytes(value) + "\n");
  CHECK(raw(r.string(value)) == value + "\n");
}

TEST_CASE("cli format: nested arrays indent under their index") {
  Replies r;
  redisReply* reply = r.array(
      {r.integer(1), r.array({r.integer(2), r.array({r.integer(3), r.string("x")}), r.array({})}),
       r.string("a"), r.nil(), r.error("bad"), r.status("fine")});
  CHECK(tty(reply) ==
        "1) (integer) 1\n"
        "2) 1) (integer) 2\n"
        "   2) 1) (integer) 3\n"
        "      2) \"x\"\n"
        "   3) (empty array)\n"
        "3) \"a\"\n"
        "4) (nil)\n"
        "5) (error) bad\n"
        "6) fine\n");
  CHECK(raw(reply) == "1\n2\n3\nx\n\na\n\nbad\n\nfine\n");
  CHECK(csv(reply) == "1,2,3,\"x\",,\"a\",NULL,ERROR,\"bad\",\"fine\"\n");
}

TEST_CASE("cli format: indexes align to the widest one") {
  Replies r;
  std::vector<redisReply*> pairs;
  redisReply* reply = r.array({});
  for (int i = 1; i <= 10; ++i) pairs.push_back(r.array({r.integer(i), r.string("v")}));
  reply->elements = pairs.size();
  reply->element = pairs.data();
  std::string text = tty(reply);
  CHECK(text.starts_with(" 1) 1) (integer) 1\n    2) \"v\"\n 2) 1) (integer) 2\n"));
  CHECK(text.ends_with("10) 1) (integer) 10\n    2) \"v\"\n"));
}

TEST_CASE("cli format: raw and csv edge cases") {
  Replies r;
  CHECK(raw(r.nil()) == "\n");
  CHECK(raw(r.array({})) == "\n");
  CHECK(raw(r.error("ERR x")) == "ERR x\n\n");
  CHECK(raw(r.array({r.string("a"), r.nil(), r.string("")})) == "a\n\n\n");
  CHECK(raw(r.integer(7)) == "7\n");
  CHECK(csv(r.nil()) == "NULL\n");
  CHECK(csv(r.array({})) == "\n");
  CHECK(csv(r.error("ERR x")) == "ERROR,\"ERR x\"\n");
  CHECK(csv(r.status("OK")) == "\"OK\"\n");
  CHECK(csv(r.array({r.array({r.integer(1), r.integer(2)}), r.string("z")})) == "1,2,\"z\"\n");
}

TEST_CASE("cli format: verbatim text gets no newline of its own") {
  Replies r;
  CHECK(format_verbatim(*r.string("# Server\r\nredis_version:7.0.15\r\n")) ==
        "# Server\r\nredis_version:7.0.15\r\n");
}
