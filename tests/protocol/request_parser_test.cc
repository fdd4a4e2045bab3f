#include "request_parser.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "byte_buffer.h"
#include "test_bytes.h"

namespace fkvs::resp {
namespace {

using namespace std::string_literals;
using Request = std::vector<std::string>;

// Everything a client connection would see from one stream of bytes.
struct Outcome {
  std::vector<Request> requests;
  std::string error;      // set when the parser failed
  size_t unconsumed = 0;  // bytes of the stream no request consumed
  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Outcome& outcome) {
  os << "{";
  for (const Request& request : outcome.requests) {
    os << "[";
    for (const std::string& arg : request) os << '"' << arg << "\" ";
    os << "] ";
  }
  return os << "error=\"" << outcome.error << "\" unconsumed=" << outcome.unconsumed << "}";
}

struct Options {
  ParserLimits limits;
  bool unauthenticated = false;
};

// Plays the connection: appends each chunk (cut at the given offsets) to a
// buffer, takes every complete request out of it and consumes its bytes.
Outcome feed(std::string_view wire, const std::vector<size_t>& cuts, const Options& options = {}) {
  RequestParser parser(options.limits);
  parser.set_unauthenticated(options.unauthenticated);
  ByteBuffer buffer;
  Outcome outcome;
  outcome.unconsumed = wire.size();
  size_t fed = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(wire.size());
  for (size_t end : ends) {
    buffer.append(wire.substr(fed, end - fed));
    fed = end;
    for (;;) {
      ParseStatus status = parser.parse(buffer.view());
      if (status == ParseStatus::kNeedMore) break;
      if (status == ParseStatus::kError) {
        outcome.error = parser.error();
        return outcome;
      }
      outcome.requests.emplace_back(parser.args().begin(), parser.args().end());
      REQUIRE(parser.consumed() <= buffer.size());
      buffer.consume(parser.consumed());
      outcome.unconsumed -= parser.consumed();
    }
  }
  CHECK(outcome.unconsumed == buffer.size());
  return outcome;
}

Outcome feed_whole(std::string_view wire, const Options& options = {}) {
  return feed(wire, {}, options);
}

// Asserts the outcome does not depend on where the stream was cut.
void check_every_split(std::string_view wire, const Outcome& expected,
                       const Options& options = {}) {
  CHECK(feed_whole(wire, options) == expected);
  for (size_t cut = 0; cut <= wire.size(); ++cut) {
    INFO("cut at " << cut);
    CHECK(feed(wire, {cut}, options) == expected);
  }
  std::vector<size_t> every_byte(wire.size());
  for (size_t i = 0; i < wire.size(); ++i) every_byte[i] = i;
  CHECK(feed(wire, every_byte, options) == expected);
}

TEST_CASE("parser: multibulk arguments are views into the input") {
  std::string wire = multibulk({"SET", "key", "value"});
  RequestParser parser;
  REQUIRE(parser.parse(wire) == ParseStatus::kRequest);
  CHECK(parser.consumed() == wire.size());
  REQUIRE(parser.args().size() == 3);
  CHECK(parser.args()[0] == "SET");
  CHECK(parser.args()[1] == "key");
  CHECK(parser.args()[2] == "value");
  for (std::string_view arg : parser.args()) {
    CHECK(arg.data() >= wire.data());
    CHECK(arg.data() + arg.size() <= wire.data() + wire.size());
  }
}

TEST_CASE("parser: steady state reuses the argument vector") {
  std::string wire;
  for (int i = 0; i < 100; ++i) wire += multibulk({"SET", "key" + std::to_string(i), "value"});
  RequestParser parser;
  std::string_view rest = wire;
  REQUIRE(parser.parse(rest) == ParseStatus::kRequest);
  const std::string_view* storage = parser.args().data();
  rest.remove_prefix(parser.consumed());
  while (!rest.empty()) {
    REQUIRE(parser.parse(rest) == ParseStatus::kRequest);
    CHECK(parser.args().data() == storage);
    rest.remove_prefix(parser.consumed());
  }
}

TEST_CASE("parser: pipelined requests are returned one at a time") {
  std::string first = multibulk({"PING"});
  std::string second = "ECHO hi\r\n";
  std::string third = multibulk({"GET", "k"});
  std::string wire = first + second + third;
  RequestParser parser;
  std::string_view rest = wire;

  REQUIRE(parser.parse(rest) == ParseStatus::kRequest);
  CHECK(parser.consumed() == first.size());
  CHECK(parser.args() == std::vector<std::string_view>{"PING"});
  rest.remove_prefix(parser.consumed());

  REQUIRE(parser.parse(rest) == ParseStatus::kRequest);
  CHECK(parser.consumed() == second.size());
  CHECK(parser.args() == std::vector<std::string_view>{"ECHO", "hi"});
  rest.remove_prefix(parser.consumed());

  REQUIRE(parser.parse(rest) == ParseStatus::kRequest);
  CHECK(parser.consumed() == third.size());
  CHECK(parser.args() == std::vector<std::string_view>{"GET", "k"});
  rest.remove_prefix(parser.consumed());

  CHECK(parser.parse(rest) == ParseStatus::kNeedMore);
}

// Multibulk and inline requests mixed with the empty requests Redis skips,
// binary bulks holding CRLF, an empty bulk, and a quoted inline argument.
const std::string kMixedBatch = multibulk({"SET", "key", "va\r\nlue"}) + "PING\r\n" + "\r\n" +
                                "*0\r\n" + multibulk({"GET", ""}) + "*-1\r\n" +
                                "  set  k2 \"a b\\x41\"\n" + multibulk({"DEL", "key", "k2"}) +
                                "\n" + "incr counter\r\n";
const std::vector<Request> kMixedBatchRequests = {
    {"SET", "key", "va\r\nlue"}, {"PING"}, {"GET", ""}, {"set", "k2", "a bA"}, {"DEL", "key", "k2"},
    {"incr", "counter"},
};

TEST_CASE("parser: mixed pipelined batch split at every byte gives the same requests") {
  check_every_split(kMixedBatch, {kMixedBatchRequests, "", 0});
}

TEST_CASE("parser: mixed pipelined batch split at every pair of points") {
  Outcome expected{kMixedBatchRequests, "", 0};
  for (size_t first = 0; first <= kMixedBatch.size(); ++first) {
    for (size_t second = first; second <= kMixedBatch.size(); ++second) {
      if (feed(kMixedBatch, {first, second}) != expected) {
        FAIL("cuts at " << first << " and " << second);
      }
    }
  }
}

TEST_CASE("parser: random chunking of a long pipeline") {
  constexpr uint32_t kSeed = 20240611;
  MESSAGE("seed " << kSeed);
  std::mt19937 random(kSeed);
  std::string wire;
  std::vector<Request> expected;
  for (int i = 0; i < 2000; ++i) {
    Request request{"CMD" + std::to_string(i)};
    size_t args = random() % 5;
    for (size_t a = 0; a < args; ++a) {
      std::string arg(random() % 300, '\0');
      for (char& c : arg) c = static_cast<char>(random());
      request.push_back(arg);
    }
    if (random() % 4 == 0) {
      wire += request[0] + " x\r\n";
      expected.push_back({request[0], "x"});
    } else {
      wire += multibulk(request);
      expected.push_back(request);
    }
  }
  for (int round = 0; round < 20; ++round) {
    std::vector<size_t> cuts;
    for (size_t at = 0; at < wire.size(); at += 1 + random() % 700) cuts.push_back(at);
    CHECK(feed(wire, cuts) == Outcome{expected, "", 0});
  }
}

TEST_CASE("parser: empty requests are consumed together with the next one") {
  std::string wire = "\r\n\n   \r\n*0\r\n*-5\r\nPING\r\n";
  RequestParser parser;
  REQUIRE(parser.parse(wire) == ParseStatus::kRequest);
  CHECK(parser.args() == std::vector<std::string_view>{"PING"});
  CHECK(parser.consumed() == wire.size());
}

TEST_CASE("parser: trailing empty requests wait for a real one") {
  std::string wire = "PING\r\n\r\n*0\r\n";
  RequestParser parser;
  REQUIRE(parser.parse(wire) == ParseStatus::kRequest);
  CHECK(parser.consumed() == 6);
  std::string rest = wire.substr(6);
  CHECK(parser.parse(rest) == ParseStatus::kNeedMore);
  rest += "*1\r\n$4\r\nPING\r\n";
  REQUIRE(parser.parse(rest) == ParseStatus::kRequest);
  CHECK(parser.args() == std::vector<std::string_view>{"PING"});
  CHECK(parser.consumed() == rest.size());
}

TEST_CASE("parser: inline arguments follow redis quoting rules") {
  struct Case {
    std::string line;
    Request args;
  };
  const Case cases[] = {
      {"ECHO hello", {"ECHO", "hello"}},
      {"  ECHO \t hello  ", {"ECHO", "hello"}},
      {"ECHO \"a\\x41b\"", {"ECHO", "aAb"}},
      {"ECHO \"\\x4a\\x4B\"", {"ECHO", "JK"}},
      {"ECHO \"\\xZZ\"", {"ECHO", "xZZ"}},
      {"ECHO \"\\x4\"", {"ECHO", "x4"}},
      {"ECHO \"\\n\\r\\t\\b\\a\\\\\\\"\\q\"", {"ECHO", "\n\r\t\b\a\\\"q"}},
      {"ECHO 'a\\'b'", {"ECHO", "a'b"}},
      {"ECHO 'a\\nb'", {"ECHO", "a\\nb"}},
      {"ECHO 'a\\\\b'", {"ECHO", "a\\\\b"}},
      {"ECHO 'say \"hi\"'", {"ECHO", "say \"hi\""}},
      {"ECHO a\"b c\"", {"ECHO", "ab c"}},
      {"ECHO \"\"", {"ECHO", ""}},
      {"ECHO \"\" ''", {"ECHO", "", ""}},
      {"ECHO \"a\"\v", {"ECHO", "a"}},
      {"ECHO a\vb", {"ECHO", "a\vb"}},
      {"\vPING", {"PING"}},
      {"ECHO a\rb", {"ECHO", "a", "b"}},
      {"ECHO x\r", {"ECHO", "x"}},
  };
  for (const Case& c : cases) {
    INFO("line: " << c.line);
    check_every_split(c.line + "\r\n", {{c.args}, "", 0});
    check_every_split(c.line + "\n", {{c.args}, "", 0});
  }
}

TEST_CASE("parser: inline arguments live in the parser's own storage") {
  std::string wire = "SET \"a\\x41\" plain\r\n";
  RequestParser parser;
  REQUIRE(parser.parse(wire) == ParseStatus::kRequest);
  CHECK(parser.in_inline() == false);
  CHECK(parser.args() == std::vector<std::string_view>{"SET", "aA", "plain"});
  wire.assign(wire.size(), '#');
  CHECK(parser.args()[2] == "plain");
}

TEST_CASE("parser: in_inline reports a partial inline request") {
  RequestParser parser;
  CHECK(parser.parse("PIN") == ParseStatus::kNeedMore);
  CHECK(parser.in_inline());
  parser.reset();
  CHECK(parser.parse("*1\r\n$4\r\nPI") == ParseStatus::kNeedMore);
  CHECK_FALSE(parser.in_inline());
}

const std::string kUnbalanced = "ERR Protocol error: unbalanced quotes in request";

TEST_CASE("parser: unbalanced inline quotes are a protocol error") {
  const std::string lines[] = {
      "ECHO \"ab", "ECHO 'ab", "ECHO \"a\"b", "ECHO 'ab'c", "ECHO \"abc\\", "ECHO \"\"\"",
  };
  for (const std::string& line : lines) {
    INFO("line: " << line);
    std::string wire = line + "\r\n";
    check_every_split(wire, {{}, kUnbalanced, wire.size()});
  }
}

TEST_CASE("parser: requests before a protocol error are still returned") {
  std::string wire = multibulk({"PING"}) + "ECHO \"x\r\n" + multibulk({"PING"});
  check_every_split(wire, {{{"PING"}}, kUnbalanced, wire.size() - 14});
}

TEST_CASE("parser: malformed multibulk gives redis's exact error") {
  struct Case {
    std::string wire;
    std::string error;
  };
  const std::string invalid_count = "ERR Protocol error: invalid multibulk length";
  const std::string invalid_bulk = "ERR Protocol error: invalid bulk length";
  const Case cases[] = {
      {"*x\r\n", invalid_count},
      {"*-0\r\n", invalid_count},
      {"*01\r\n", invalid_count},
      {"*+1\r\n", invalid_count},
      {"* 1\r\n", invalid_count},
      {"*1 \r\n", invalid_count},
      {"*\r\n", invalid_count},
      {"*2147483648\r\n", invalid_count},
      {"*99999999999999999999\r\n", invalid_count},
      {"*1\r\nX\r\n", "ERR Protocol error: expected '$', got 'X'"},
      {"*1\r\n\r\n", "ERR Protocol error: expected '$', got ' '"},
      {"*1\r\n\nX\r\n", "ERR Protocol error: expected '$', got ' '"},
      {"*2\r\n$1\r\na\r\n:1\r\n", "ERR Protocol error: expected '$', got ':'"},
      {"*1\r\n$-1\r\n", invalid_bulk},
      {"*1\r\n$01\r\n", invalid_bulk},
      {"*1\r\n$ 4\r\n", invalid_bulk},
      {"*1\r\n$\r\n", invalid_bulk},
      {"*1\r\n$3foo\r\n", invalid_bulk},
      {"*1\r\n$536870913\r\n", invalid_bulk},
      {"*1\r\n$99999999999999999999\r\n", invalid_bulk},
  };
  for (const Case& c : cases) {
    INFO("wire: " << c.wire);
    check_every_split(c.wire, {{}, c.error, c.wire.size()});
  }
}

TEST_CASE("parser: header line size limits") {
  const size_t limit = ParserLimits{}.max_inline_len;
  std::string count_digits(limit - 1, '1');
  CHECK(feed_whole("*" + count_digits) == Outcome{{}, "", limit});
  CHECK(feed_whole("*" + count_digits + "1").error ==
        "ERR Protocol error: too big mbulk count string");

  std::string bulk_prefix = "*1\r\n$";
  CHECK(feed_whole(bulk_prefix + count_digits).error.empty());
  CHECK(feed_whole(bulk_prefix + count_digits + "1").error ==
        "ERR Protocol error: too big bulk count string");
  // The line must end before the '$' is even looked at.
  CHECK(feed_whole("*1\r\nX" + count_digits + "1").error ==
        "ERR Protocol error: too big bulk count string");
}

TEST_CASE("parser: inline line size limit") {
  const size_t limit = ParserLimits{}.max_inline_len;
  std::string line(limit, 'A');
  CHECK(feed_whole(line) == Outcome{{}, "", limit});
  CHECK(feed_whole(line + "A").error == "ERR Protocol error: too big inline request");
  // Redis only checks the size while no newline has arrived.
  CHECK(feed_whole("ECHO " + line + "\r\n").requests == std::vector<Request>{{"ECHO", line}});

  std::vector<size_t> cuts;
  for (size_t at = 1000; at < limit + 10; at += 1000) cuts.push_back(at);
  CHECK(feed(line + line, cuts).error == "ERR Protocol error: too big inline request");
}

TEST_CASE("parser: configured limits") {
  Options options;
  options.limits.max_bulk_len = 10;
  options.limits.max_multibulk_len = 3;
  options.limits.max_inline_len = 16;

  check_every_split(multibulk({"a", "b", "c"}), {{{"a", "b", "c"}}, "", 0}, options);
  std::string four = multibulk({"a", "b", "c", "d"});
  check_every_split(four, {{}, "ERR Protocol error: invalid multibulk length", four.size()},
                    options);

  check_every_split(multibulk({"0123456789"}), {{{"0123456789"}}, "", 0}, options);
  std::string eleven = multibulk({"0123456789A"});
  check_every_split(eleven, {{}, "ERR Protocol error: invalid bulk length", eleven.size()},
                    options);

  CHECK(feed_whole(std::string(16, 'x'), options) == Outcome{{}, "", 16});
  CHECK(feed_whole(std::string(17, 'x'), options).error ==
        "ERR Protocol error: too big inline request");
  CHECK(feed_whole("*" + std::string(15, '1'), options).error.empty());
  CHECK(feed_whole("*" + std::string(17, '1'), options).error ==
        "ERR Protocol error: too big mbulk count string");
  CHECK(feed_whole("*1\r\n$" + std::string(16, '1'), options).error ==
        "ERR Protocol error: too big bulk count string");
}

TEST_CASE("parser: unauthenticated clients get small limits") {
  Options unauthenticated;
  unauthenticated.unauthenticated = true;

  Request ten_args(10, "x");
  check_every_split(multibulk(ten_args), {{ten_args}, "", 0}, unauthenticated);
  std::string eleven_args = multibulk(Request(11, "x"));
  check_every_split(
      eleven_args, {{}, "ERR Protocol error: unauthenticated multibulk length", eleven_args.size()},
      unauthenticated);
  // A bad number is reported as such, before the authentication check.
  CHECK(feed_whole("*11x\r\n", unauthenticated).error ==
        "ERR Protocol error: invalid multibulk length");
  CHECK(feed_whole("*1\r\n$-1\r\n", unauthenticated).error ==
        "ERR Protocol error: invalid bulk length");

  std::string value(16384, 'v');
  CHECK(feed_whole(multibulk({value}), unauthenticated).requests == std::vector<Request>{{value}});
  CHECK(feed_whole("*1\r\n$16385\r\n", unauthenticated).error ==
        "ERR Protocol error: unauthenticated bulk length");

  CHECK(feed_whole("*1\r\n$16385\r\n").error.empty());
  CHECK(feed_whole(multibulk(Request(11, "x"))).requests.size() == 1);
}

TEST_CASE("parser: the two bytes after a bulk are skipped unchecked, as redis does") {
  std::string wire = "*1\r\n$4\r\nPINGXY*1\r\n$4\r\nPING\r\n";
  check_every_split(wire, {{{"PING"}, {"PING"}}, "", 0});
  // Likewise the byte after a header's CR.
  check_every_split("*1\rX$4\r\nPING\r\n", {{{"PING"}}, "", 0});
}

TEST_CASE("parser: a NUL byte in a header or inline line stalls it until the size limit") {
  // Redis looks for line ends with strchr(), which stops at NUL.
  CHECK(feed_whole("*1\r\n$3\0\r\nfoo\r\n"s) == Outcome{{}, "", 14});
  CHECK(feed_whole("PI\0NG\r\n"s) == Outcome{{}, "", 7});
  CHECK(feed_whole("*1\r\n\0\r\n"s) == Outcome{{}, "", 7});
  const size_t limit = ParserLimits{}.max_inline_len;
  CHECK(feed_whole("PI\0NG\r\n"s + std::string(limit, 'x')).error ==
        "ERR Protocol error: too big inline request");
  CHECK(feed_whole("*1\r\n$3\0\r\n"s + std::string(limit, 'x')).error ==
        "ERR Protocol error: too big bulk count string");
  // Bulk bodies are binary safe.
  check_every_split(multibulk({"a\0b"s}), {{{"a\0b"s}}, "", 0});
}

TEST_CASE("parser: multibulk count is capped at 1024*1024 arguments") {
  RequestParser parser;
  CHECK(parser.parse("*1048576\r\n$1\r\na\r\n") == ParseStatus::kNeedMore);
  CHECK(parser.bytes_wanted() > 0);
  parser.reset();
  CHECK(parser.parse("*1048577\r\n") == ParseStatus::kError);
  CHECK(parser.error() == "ERR Protocol error: invalid multibulk length");
}

TEST_CASE("parser: large bulk in chunks asks for its full size once") {
  const size_t value_size = 10 * 1024 * 1024;
  std::string value(value_size, 'v');
  for (size_t i = 0; i < value_size; i += 4093) value[i] = static_cast<char>(i);
  std::string head = "*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$" + std::to_string(value_size) + "\r\n";
  std::string wire = head + value + "\r\n";

  RequestParser parser;
  ByteBuffer buffer;
  size_t fed = 0;
  const char* reserved_data = nullptr;
  size_t need_more_calls = 0;
  for (;;) {
    size_t chunk = std::min<size_t>(64 * 1024, wire.size() - fed);
    buffer.append(wire.substr(fed, chunk));
    fed += chunk;
    ParseStatus status = parser.parse(buffer.view());
    if (status == ParseStatus::kRequest) break;
    REQUIRE(status == ParseStatus::kNeedMore);
    REQUIRE(fed < wire.size());
    ++need_more_calls;
    CHECK(parser.bytes_wanted() == wire.size());
    if (reserved_data == nullptr) {
      buffer.reserve_more(parser.bytes_wanted() - buffer.size());
      reserved_data = buffer.data();
    }
    // Room was made once, so the bytes already parsed never move again.
    CHECK(buffer.data() == reserved_data);
  }
  CHECK(need_more_calls == wire.size() / (64 * 1024));
  CHECK(parser.consumed() == wire.size());
  REQUIRE(parser.args().size() == 3);
  CHECK(parser.args()[0] == "SET");
  CHECK(parser.args()[1] == "big");
  CHECK(parser.args()[2] == value);
}

TEST_CASE("parser: bytes_wanted inside headers and between requests") {
  RequestParser parser;
  CHECK(parser.parse("") == ParseStatus::kNeedMore);
  CHECK(parser.bytes_wanted() == 1);
  CHECK(parser.parse("*2\r") == ParseStatus::kNeedMore);
  CHECK(parser.bytes_wanted() == 4);
  CHECK(parser.parse("*2\r\n$5\r\nhel") == ParseStatus::kNeedMore);
  CHECK(parser.bytes_wanted() == 15);
}

TEST_CASE("parser: arguments parsed before a pause survive the buffer moving") {
  std::string wire = multibulk({"MSET", "k1", "v1", "k2", "v2"});
  size_t cut = wire.find("k2");
  std::string first_part = wire.substr(0, cut);
  RequestParser parser;
  REQUIRE(parser.parse(first_part) == ParseStatus::kNeedMore);
  first_part.assign(first_part.size(), '#');

  std::string moved = wire;
  REQUIRE(parser.parse(moved) == ParseStatus::kRequest);
  CHECK(parser.args() == std::vector<std::string_view>{"MSET", "k1", "v1", "k2", "v2"});
  for (std::string_view arg : parser.args()) {
    CHECK(arg.data() >= moved.data());
    CHECK(arg.data() < moved.data() + moved.size());
  }
}

TEST_CASE("parser: reset after an error starts clean") {
  RequestParser parser;
  REQUIRE(parser.parse("*1\r\n$x\r\n") == ParseStatus::kError);
  CHECK(parser.error() == "ERR Protocol error: invalid bulk length");
  parser.reset();
  CHECK(parser.error().empty());
  REQUIRE(parser.parse("ECHO a\r\n") == ParseStatus::kRequest);
  CHECK(parser.args() == std::vector<std::string_view>{"ECHO", "a"});
  parser.reset();
  REQUIRE(parser.parse("*1\r\n$4\r\nPI") == ParseStatus::kNeedMore);
  parser.reset();
  REQUIRE(parser.parse("*1\r\n$1\r\nx\r\n") == ParseStatus::kRequest);
  CHECK(parser.args() == std::vector<std::string_view>{"x"});
}

}  // namespace
}  // namespace fkvs::resp

namespace fkvs::resp {
namespace {

TEST_CASE("parser: empty requests can be dropped before a real one arrives") {
  RequestParser parser;
  std::string input = "\r\n\r\n*0\r\n*-1\r\n";
  CHECK(parser.parse(input) == ParseStatus::kNeedMore);
  CHECK(parser.take_skipped() == input.size());
  CHECK(parser.take_skipped() == 0);
  input = "*1\r\n$4\r\nPING\r\n";
  REQUIRE(parser.parse(input) == ParseStatus::kRequest);
  CHECK(parser.consumed() == input.size());
  CHECK(parser.args().size() == 1);
  // Before a partial request, the empty ones go and the partial one stays.
  CHECK(parser.parse("\r\n*-1\r\n*2\r\n$4\r\nECHO\r\n$5\r\nhel") == ParseStatus::kNeedMore);
  CHECK(parser.take_skipped() == 7);
  CHECK(parser.bytes_wanted() == 25);
  REQUIRE(parser.parse("*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n") == ParseStatus::kRequest);
  CHECK(parser.args() == std::vector<std::string_view>{"ECHO", "hello"});
  CHECK(parser.take_skipped() == 0);
}

TEST_CASE("parser: dropping empty requests at every split point keeps the stream intact") {
  const std::string stream = "\r\n*0\r\n*-1\r\n\n*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n*-1\r\nPING\r\n";
  for (size_t split = 0; split <= stream.size(); ++split) {
    RequestParser parser;
    std::string buffer;
    std::vector<std::vector<std::string>> seen;
    for (std::string_view piece :
         {std::string_view(stream).substr(0, split), std::string_view(stream).substr(split)}) {
      buffer += piece;
      for (;;) {
        ParseStatus status = parser.parse(buffer);
        REQUIRE(status != ParseStatus::kError);
        if (status == ParseStatus::kNeedMore) {
          buffer.erase(0, parser.take_skipped());
          break;
        }
        seen.emplace_back(parser.args().begin(), parser.args().end());
        buffer.erase(0, parser.consumed());
      }
    }
    INFO("split at " << split);
    CHECK(seen == std::vector<std::vector<std::string>>{{"ECHO", "abc"}, {"PING"}});
    CHECK(buffer.empty());
  }
}

}  // namespace
}  // namespace fkvs::resp
