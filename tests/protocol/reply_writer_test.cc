#include "reply_writer.h"

#include <doctest/doctest.h>

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <string>

namespace fkvs::resp {
namespace {

using namespace std::string_literals;

std::string written(const std::function<void(ReplyWriter&)>& write) {
  ByteBuffer out;
  ReplyWriter writer(out);
  write(writer);
  return std::string(out.view());
}

std::string bulk_reply(std::string_view value) {
  return "$" + std::to_string(value.size()) + "\r\n" + std::string(value) + "\r\n";
}

TEST_CASE("reply: simple strings, ok and errors") {
  CHECK(written([](ReplyWriter& w) { w.simple("PONG"); }) == "+PONG\r\n");
  CHECK(written([](ReplyWriter& w) { w.simple(""); }) == "+\r\n");
  CHECK(written([](ReplyWriter& w) { w.ok(); }) == "+OK\r\n");
  CHECK(written([](ReplyWriter& w) { w.error("ERR syntax error"); }) == "-ERR syntax error\r\n");
}

TEST_CASE("reply: error text keeps to one line") {
  CHECK(written([](ReplyWriter& w) { w.error("ERR bad\r\nthing\n"); }) == "-ERR bad  thing \r\n");
  CHECK(written([](ReplyWriter& w) { w.error("ERR a\rb"); }) == "-ERR a b\r\n");
}

TEST_CASE("reply: integers at every digit count and both extremes") {
  std::vector<int64_t> values = {0,
                                 1,
                                 -1,
                                 9,
                                 10,
                                 99,
                                 100,
                                 -100,
                                 std::numeric_limits<int64_t>::max(),
                                 std::numeric_limits<int64_t>::min()};
  for (int64_t power = 1; power <= std::numeric_limits<int64_t>::max() / 10; power *= 10) {
    for (int64_t value : {power - 1, power, power + 1, 10 * power - 1}) {
      values.push_back(value);
      values.push_back(-value);
    }
  }
  for (int64_t value : values) {
    INFO("value " << value);
    CHECK(written([&](ReplyWriter& w) { w.integer(value); }) ==
          std::string(":").append(std::to_string(value)).append("\r\n"));
    CHECK(written([&](ReplyWriter& w) { w.bulk_integer(value); }) ==
          bulk_reply(std::to_string(value)));
  }
}

TEST_CASE("reply: bulk strings are binary safe") {
  CHECK(written([](ReplyWriter& w) { w.bulk("hello"); }) == "$5\r\nhello\r\n");
  CHECK(written([](ReplyWriter& w) { w.bulk(""); }) == "$0\r\n\r\n");
  CHECK(written([](ReplyWriter& w) { w.bulk("a\r\n\0b"s); }) == "$5\r\na\r\n\0b\r\n"s);
  std::string big(3 * 1024 * 1024 + 7, 'x');
  CHECK(written([&](ReplyWriter& w) { w.bulk(big); }) == bulk_reply(big));
}

TEST_CASE("reply: nulls, arrays and raw bytes") {
  CHECK(written([](ReplyWriter& w) { w.null_bulk(); }) == "$-1\r\n");
  CHECK(written([](ReplyWriter& w) { w.null_array(); }) == "*-1\r\n");
  CHECK(written([](ReplyWriter& w) { w.empty_array(); }) == "*0\r\n");
  CHECK(written([](ReplyWriter& w) {
          w.array(2);
          w.bulk("a");
          w.integer(3);
        }) == "*2\r\n$1\r\na\r\n:3\r\n");
  CHECK(written([](ReplyWriter& w) { w.array(1234567); }) == "*1234567\r\n");
  CHECK(written([](ReplyWriter& w) { w.raw("+QUEUED\r\n"); }) == "+QUEUED\r\n");
}

TEST_CASE("reply: replies append after what the buffer already holds") {
  ByteBuffer out;
  ReplyWriter writer(out);
  writer.ok();
  writer.integer(7);
  writer.bulk("v");
  CHECK(out.view() == "+OK\r\n:7\r\n$1\r\nv\r\n");
  CHECK(&writer.buffer() == &out);
}

TEST_CASE("reply: array whose length is known only at the end") {
  CHECK(written([](ReplyWriter& w) {
          size_t token = w.begin_array();
          w.end_array(token, 0);
        }) == "*0\r\n");

  CHECK(written([](ReplyWriter& w) {
          w.ok();
          size_t outer = w.begin_array();
          w.bulk("k1");
          size_t inner = w.begin_array();
          for (int i = 0; i < 12; ++i) w.integer(i);
          w.end_array(inner, 12);
          w.end_array(outer, 2);
          w.integer(-1);
        }) ==
        "+OK\r\n*2\r\n$2\r\nk1\r\n*12\r\n:0\r\n:1\r\n:2\r\n:3\r\n:4\r\n:5\r\n:6\r\n:7\r\n"
        ":8\r\n:9\r\n:10\r\n:11\r\n:-1\r\n");
}

TEST_CASE("reply: deferred array header when the buffer has a consumed prefix and must grow") {
  ByteBuffer out;
  ReplyWriter writer(out);
  out.append(std::string(4000, '-'));
  out.consume(3990);
  size_t token = writer.begin_array();
  std::string expected_elements;
  for (int i = 0; i < 300; ++i) {
    writer.bulk("element" + std::to_string(i));
    expected_elements += bulk_reply("element" + std::to_string(i));
  }
  writer.end_array(token, 300);
  CHECK(out.view() == std::string(10, '-') + "*300\r\n" + expected_elements);
}

TEST_CASE("reply: doubles as redis 7.0 sends them for ZSCORE") {
  struct Case {
    double value;
    std::string text;
  };
  // Replies of a real redis-server 7.0.15.
  const Case cases[] = {
      {0.1, "0.10000000000000001"},
      {1e300, "1.0000000000000001e+300"},
      {3.0, "3"},
      {1.5e-7, "1.4999999999999999e-07"},
      {123456789012345678.0, "1.2345678901234568e+17"},
      {-0.0, "-0"},
      {0.0, "0"},
      {2.5, "2.5"},
      {1e21, "1e+21"},
      {1e16, "10000000000000000"},
      {1e15, "1000000000000000"},
      {5e-324, "4.9406564584124654e-324"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {0.3, "0.29999999999999999"},
      {0.1 + 0.2, "0.30000000000000004"},
      {std::numeric_limits<double>::infinity(), "inf"},
      {-std::numeric_limits<double>::infinity(), "-inf"},
  };
  for (const Case& c : cases) {
    INFO("expected " << c.text);
    CHECK(written([&](ReplyWriter& w) { w.bulk_double(c.value); }) == bulk_reply(c.text));
  }
}

TEST_CASE("reply: doubles match printf %.17g for random bit patterns") {
  constexpr uint64_t kSeed = 7001;
  MESSAGE("seed " << kSeed);
  std::mt19937_64 random(kSeed);
  for (int i = 0; i < 20000; ++i) {
    uint64_t bits = random();
    double value;
    std::memcpy(&value, &bits, sizeof(value));
    if (!std::isfinite(value)) continue;
    char expected[64];
    std::snprintf(expected, sizeof(expected), "%.17g", value);
    INFO("bits " << bits);
    CHECK(written([&](ReplyWriter& w) { w.bulk_double(value); }) == bulk_reply(expected));
  }
}

}  // namespace
}  // namespace fkvs::resp
