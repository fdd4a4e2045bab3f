#include "tools/benchmark/reply_scanner.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using fkvs::benchmark::ReplyScanner;

namespace {

struct Tally {
  size_t replies = 0;
  size_t errors = 0;
  std::string first_error;
  bool malformed = false;
  size_t left_over = 0;  // bytes never consumed
};

// Feeds stream to a scanner in the given chunks the way a client does: each
// read appends to a buffer, the scanner's consumed bytes are dropped.
Tally feed(const std::string& stream, const std::vector<size_t>& cuts,
           size_t max_replies = SIZE_MAX) {
  ReplyScanner scanner;
  Tally tally;
  std::string buffer;
  size_t from = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(stream.size());
  for (size_t end : ends) {
    buffer.append(stream, from, end - from);
    from = end;
    ReplyScanner::Result result = scanner.scan(buffer, max_replies - tally.replies);
    if (result.errors > 0 && tally.errors == 0) tally.first_error = std::string(result.first_error);
    tally.replies += result.replies;
    tally.errors += result.errors;
    tally.malformed |= result.malformed;
    buffer.erase(0, result.consumed);
  }
  tally.left_over = buffer.size();
  return tally;
}

const std::string kMixed =
    "+OK\r\n"
    "-ERR unknown command 'LPUSH'\r\n"
    ":42\r\n"
    "$5\r\nhello\r\n"
    "$-1\r\n"
    "*-1\r\n"
    "*0\r\n"
    "$4\r\na\r\nb\r\n"  // a bulk may hold CRLF
    "*3\r\n:1\r\n*2\r\n$1\r\nx\r\n$-1\r\n-ERR nested, not a failure\r\n"
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    "*2\r\n*1\r\n*1\r\n+deep\r\n$0\r\n\r\n";
constexpr size_t kMixedReplies = 11;

}  // namespace

TEST_CASE("benchmark scanner: counts replies and errors in one buffer") {
  Tally tally = feed(kMixed, {});
  CHECK(tally.replies == kMixedReplies);
  CHECK(tally.errors == 2);
  CHECK(tally.first_error == "ERR unknown command 'LPUSH'");
  CHECK_FALSE(tally.malformed);
  CHECK(tally.left_over == 0);
}

TEST_CASE("benchmark scanner: the same at every split point") {
  for (size_t cut = 0; cut <= kMixed.size(); ++cut) {
    CAPTURE(cut);
    Tally tally = feed(kMixed, {cut});
    CHECK(tally.replies == kMixedReplies);
    CHECK(tally.errors == 2);
    CHECK(tally.first_error == "ERR unknown command 'LPUSH'");
    CHECK_FALSE(tally.malformed);
    CHECK(tally.left_over == 0);
  }
}

TEST_CASE("benchmark scanner: the same fed one byte at a time") {
  std::vector<size_t> cuts;
  for (size_t i = 1; i < kMixed.size(); ++i) cuts.push_back(i);
  Tally tally = feed(kMixed, cuts);
  CHECK(tally.replies == kMixedReplies);
  CHECK(tally.errors == 2);
  CHECK(tally.left_over == 0);
}

TEST_CASE("benchmark scanner: an incomplete reply is not counted") {
  for (const char* partial : {"+OK", "+OK\r", ":1\r\n$5\r\nhel", "*2\r\n:1\r\n", "$3\r\nabc\r"}) {
    CAPTURE(partial);
    Tally tally = feed(partial, {});
    CHECK(tally.replies == (std::string(partial).starts_with(":1") ? 1 : 0));
    CHECK_FALSE(tally.malformed);
  }
}

TEST_CASE("benchmark scanner: stops after max_replies") {
  ReplyScanner scanner;
  std::string stream = "+a\r\n-ERR b\r\n+c\r\n";
  ReplyScanner::Result first = scanner.scan(stream, 1);
  CHECK(first.replies == 1);
  CHECK(first.consumed == 4);
  CHECK(first.errors == 0);
  ReplyScanner::Result rest = scanner.scan(std::string_view(stream).substr(first.consumed));
  CHECK(rest.replies == 2);
  CHECK(rest.errors == 1);
  CHECK(rest.first_error == "ERR b");
}

TEST_CASE("benchmark scanner: a large bulk is skipped without being buffered") {
  ReplyScanner scanner;
  std::string header = "$100000\r\n";
  ReplyScanner::Result result = scanner.scan(header);
  CHECK(result.consumed == header.size());
  CHECK(result.replies == 0);
  std::string chunk(60000, 'v');
  result = scanner.scan(chunk);
  CHECK(result.consumed == chunk.size());
  CHECK(result.replies == 0);
  std::string tail = std::string(40000, 'v') + "\r\n+OK\r\n";
  result = scanner.scan(tail);
  CHECK(result.replies == 2);
  CHECK(result.consumed == tail.size());
}

TEST_CASE("benchmark scanner: garbage is reported as malformed") {
  for (const char* bad : {"?what\r\n", "$abc\r\n", "*-2\r\n", "+no cr\n", "\r\n", "$-5\r\n"}) {
    CAPTURE(bad);
    CHECK(feed(bad, {}).malformed);
  }
}
