#include "util/number.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

namespace fkvs {
namespace {

using namespace std::string_view_literals;

TEST_CASE("parse_int64: accepts canonical integers at the int64 limits") {
  CHECK(parse_int64("0") == 0);
  CHECK(parse_int64("7") == 7);
  CHECK(parse_int64("-7") == -7);
  CHECK(parse_int64("1234567890") == 1234567890);
  CHECK(parse_int64("9223372036854775807") == std::numeric_limits<int64_t>::max());
  CHECK(parse_int64("-9223372036854775808") == std::numeric_limits<int64_t>::min());
}

TEST_CASE("parse_int64: rejects what strict string2ll rejects") {
  for (const std::string_view text : {""sv,
                                      "-"sv,
                                      "+1"sv,
                                      "-0"sv,
                                      "00"sv,
                                      "007"sv,
                                      "-01"sv,
                                      " 1"sv,
                                      "1 "sv,
                                      "1a"sv,
                                      "a1"sv,
                                      "1.0"sv,
                                      "1e3"sv,
                                      "0x10"sv,
                                      "--1"sv,
                                      "9223372036854775808"sv,
                                      "-9223372036854775809"sv,
                                      "18446744073709551616"sv,
                                      "99999999999999999999"sv,
                                      "-99999999999999999999"sv,
                                      "123456789012345678901"sv,
                                      "1\0"sv,
                                      "\0"sv}) {
    CAPTURE(std::string(text));
    CHECK_FALSE(parse_int64(text).has_value());
  }
}

TEST_CASE("parse_int64: reads only the view, not bytes past it") {
  const std::string text = "12345";
  CHECK(parse_int64(std::string_view(text).substr(0, 2)) == 12);
}

TEST_CASE("format_int64: round-trips through parse_int64") {
  char buffer[kInt64TextMax];
  for (const int64_t value :
       {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{9}, int64_t{10}, int64_t{-10},
        int64_t{1234567890123}, std::numeric_limits<int64_t>::max(),
        std::numeric_limits<int64_t>::min()}) {
    const size_t length = format_int64(value, buffer);
    const std::string_view text(buffer, length);
    CHECK(text == std::to_string(value));
    CHECK(parse_int64(text) == value);
  }
  CHECK(format_int64(std::numeric_limits<int64_t>::min(), buffer) == kInt64TextMax);
}

TEST_CASE("parse_uint64: follows strtoul as Redis applies it to SCAN cursors") {
  CHECK(parse_uint64("0") == 0u);
  CHECK(parse_uint64("") == 0u);
  CHECK(parse_uint64("007") == 7u);
  CHECK(parse_uint64("+5") == 5u);
  CHECK(parse_uint64("-0") == 0u);
  CHECK(parse_uint64("-1") == std::numeric_limits<uint64_t>::max());
  CHECK(parse_uint64("-18446744073709551615") == 1u);
  CHECK(parse_uint64("18446744073709551615") == std::numeric_limits<uint64_t>::max());
  CHECK(parse_uint64("5\0junk"sv) == 5u);
  for (const std::string_view text : {"18446744073709551616"sv, " 5"sv, "5 "sv, "abc"sv, "0x10"sv,
                                      "+"sv, "-"sv, "+-1"sv, "1.5"sv, "\t1"sv}) {
    CAPTURE(std::string(text));
    CHECK_FALSE(parse_uint64(text).has_value());
  }
}

TEST_CASE("parse_double: accepts what strtod consumes whole") {
  CHECK(parse_double("1") == 1.0);
  CHECK(parse_double("-1.5") == -1.5);
  CHECK(parse_double("+2.5") == 2.5);
  CHECK(parse_double("1e3") == 1000.0);
  CHECK(parse_double(".5") == 0.5);
  CHECK(parse_double("5.") == 5.0);
  CHECK(parse_double("0x10") == 16.0);
  CHECK(parse_double("inf") == std::numeric_limits<double>::infinity());
  CHECK(parse_double("+inf") == std::numeric_limits<double>::infinity());
  CHECK(parse_double("-inf") == -std::numeric_limits<double>::infinity());
  CHECK(parse_double("Infinity") == std::numeric_limits<double>::infinity());
  // A denormal comes back with ERANGE but is kept, as in Redis.
  CHECK(parse_double("4.9e-324") > 0.0);
  const std::string long_zeros = "0." + std::string(300, '0') + "1";
  CHECK(parse_double(long_zeros) == doctest::Approx(1e-301));
}

TEST_CASE("parse_double: rejects space, junk, NaN and out-of-range values") {
  for (const std::string_view text :
       {""sv, " "sv, "  "sv, " 1"sv, "1 "sv, "\t1"sv, "1x"sv, "1e"sv, "e1"sv, "nan"sv, "NaN"sv,
        "-nan"sv, "1e400"sv, "-1e400"sv, "1e-400"sv, "1\0"sv, "--1"sv, "0x"sv, "abc"sv}) {
    CAPTURE(std::string(text));
    CHECK_FALSE(parse_double(text).has_value());
  }
}

TEST_CASE("parse_double: reads only the view, not bytes past it") {
  const std::string text = "1.5e10";
  CHECK(parse_double(std::string_view(text).substr(0, 3)) == 1.5);
}

TEST_CASE("parse_long_double: INCRBYFLOAT's rules") {
  CHECK(parse_long_double("1.5") == 1.5L);
  CHECK(parse_long_double("1e-400").has_value());  // in range for long double
  CHECK(parse_long_double("inf") == std::numeric_limits<long double>::infinity());
  CHECK(parse_long_double("infinity") == std::numeric_limits<long double>::infinity());
  for (const std::string_view text :
       {""sv, " 1"sv, "1 "sv, "nan"sv, "1e5000"sv, "-1e5000"sv, "1e-5000"sv, "x"sv}) {
    CAPTURE(std::string(text));
    CHECK_FALSE(parse_long_double(text).has_value());
  }
}

TEST_CASE("parse_long_double: Redis rejects 5120 bytes or more") {
  const std::string longest = std::string(5118, '0') + "1";
  REQUIRE(longest.size() == 5119);
  CHECK(parse_long_double(longest) == 1.0L);
  CHECK_FALSE(parse_long_double("0" + longest).has_value());
}

}  // namespace
}  // namespace fkvs
