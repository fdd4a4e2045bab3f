#include "request_peek.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "request_parser.h"
#include "test_bytes.h"

namespace fkvs::resp {
namespace {

TEST_CASE("request_peek: finds the end and the second argument of a plain request") {
  const std::string stream = multibulk({"SET", "user:1", "hello"}) + multibulk({"PING"});
  auto first = peek_request(stream, 0);
  REQUIRE(first);
  CHECK(first->key == "user:1");
  CHECK(first->end == multibulk({"SET", "user:1", "hello"}).size());
  auto second = peek_request(stream, first->end);
  REQUIRE(second);
  CHECK(second->key.empty());
  CHECK(second->end == stream.size());
  CHECK_FALSE(peek_request(stream, stream.size()));
}

TEST_CASE("request_peek: agrees with the parser on every request of a random pipeline") {
  std::mt19937 random(7);
  std::string stream;
  for (int i = 0; i < 300; ++i) {
    std::vector<std::string> args;
    const int count = 1 + static_cast<int>(random() % 5);
    for (int a = 0; a < count; ++a) {
      // Lengths from 1 byte to past 16 KB; argument bytes include CR and LF.
      const size_t length = 1 + random() % (a == 2 ? 20000 : 40);
      std::string arg(length, '\0');
      for (char& c : arg) c = "ab\r\n:$*0"[random() % 8];
      args.push_back(arg);
    }
    stream += multibulk(args);
  }
  RequestParser parser;
  size_t offset = 0;
  int requests = 0;
  while (offset < stream.size()) {
    std::string_view rest = std::string_view(stream).substr(offset);
    REQUIRE(parser.parse(rest) == ParseStatus::kRequest);
    auto peeked = peek_request(stream, offset);
    REQUIRE(peeked);
    CHECK(peeked->end == offset + parser.consumed());
    CHECK(peeked->key == (parser.args().size() > 1 ? parser.args()[1] : std::string_view()));
    offset += parser.consumed();
    ++requests;
  }
  CHECK(requests == 300);
}

TEST_CASE("request_peek: an incomplete request is never reported, wherever it is cut") {
  const std::string request = multibulk({"GET", "some-key"});
  for (size_t cut = 0; cut < request.size(); ++cut) {
    CAPTURE(cut);
    CHECK_FALSE(peek_request(request.substr(0, cut), 0));
  }
  CHECK(peek_request(request, 0));
}

TEST_CASE("request_peek: leaves unusual forms to the parser") {
  CHECK_FALSE(peek_request("GET key\r\n", 0));                    // inline
  CHECK_FALSE(peek_request("*0\r\n", 0));                         // empty request
  CHECK_FALSE(peek_request("*-1\r\n", 0));                        // negative count
  CHECK_FALSE(peek_request("*2\r\n$3\r\nGET\r\n$0\r\n\r\n", 0));  // empty argument
  CHECK_FALSE(peek_request("*1\r\n$03\r\nGET\r\n", 0));           // leading zero
  CHECK_FALSE(peek_request("*1\r\n$3x\r\nGET\r\n", 0));           // junk after the length
  CHECK_FALSE(peek_request("*1\r\n+3\r\nGET\r\n", 0));            // not a bulk
  // A length far past the bytes there must not form a pointer beyond them.
  CHECK_FALSE(peek_request("*1\r\n$999999999999999999\r\nGET\r\n", 0));
}

}  // namespace
}  // namespace fkvs::resp
