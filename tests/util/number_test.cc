#include "util/number.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <string>

namespace fkvs {
namespace {

using namespace std::string_view_literals;

std::string long_double_text(long double value) {
  char out[kLongDoubleTextMax];
  return std::string(format_long_double(value, out));
}

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

TEST_CASE("format_long_double: as INCRBYFLOAT replies") {
  struct Case {
    long double value;
    std::string text;
  };
  // Replies of a real redis-server 7.0.15 to INCRBYFLOAT.
  const Case cases[] = {
      {10.5L + 0.1L, "10.6"},
      {5.0e3L, "5000"},
      {0.1L + 0.2L, "0.3"},
      {0.0L, "0"},
      {-0.0L, "0"},
      {-1.5e-20L, "0"},
      {1.5e-20L, "0"},
      {-4.5L, "-4.5"},
      {100.0L, "100"},
      {1.1e-17L, "0.00000000000000001"},
      {1.0L + 0.3333333333333333333L, "1.33333333333333333"},
      {1e300L,
       "1000000000000000000008997324079559193870523944273290747938260082321265646596180935755849"
       "1520837504971903503725086142748359035925561846729839130962605207486462873271356418436532"
       "9408425510760601678972665293237003055138294762099454029477278188962060617926761162709741"
       "0650567187386105690089424915104006144"},
      {std::numeric_limits<long double>::infinity(), "inf"},
      {-std::numeric_limits<long double>::infinity(), "-inf"},
  };
  for (const Case& c : cases) {
    INFO("expected " << c.text);
    CHECK(long_double_text(c.value) == c.text);
  }
}

TEST_CASE("format_long_double: matches printf %.17Lf with zeros trimmed") {
  constexpr uint32_t kSeed = 7002;
  MESSAGE("seed " << kSeed);
  std::mt19937 random(kSeed);
  std::uniform_real_distribution<double> mantissa(-10.0, 10.0);
  std::uniform_int_distribution<int> exponent(-25, 40);
  for (int i = 0; i < 5000; ++i) {
    long double value = mantissa(random) * std::pow(10.0L, exponent(random));
    char printed[512];
    std::snprintf(printed, sizeof(printed), "%.17Lf", value);
    std::string expected = printed;
    expected.erase(expected.find_last_not_of('0') + 1);
    if (expected.back() == '.') expected.pop_back();
    if (expected == "-0") expected = "0";
    INFO("printed " << printed);
    CHECK(long_double_text(value) == expected);
  }
}

TEST_CASE("format_long_double: the largest long double fits") {
  std::string text = long_double_text(std::numeric_limits<long double>::max());
  CHECK(text.size() == 4933);
  CHECK(text.substr(0, 5) == "11897");
}

}  // namespace
}  // namespace fkvs

namespace fkvs {
namespace {

std::string formatted(double value) {
  char out[kDoubleTextMax];
  return std::string(format_double(value, out));
}

TEST_CASE("format_double: \"%.17g\" as Redis 7.0 replies with scores") {
  CHECK(formatted(1.1) == "1.1000000000000001");
  CHECK(formatted(3) == "3");
  CHECK(formatted(1e17) == "1e+17");
  CHECK(formatted(HUGE_VAL) == "inf");
  CHECK(formatted(-HUGE_VAL) == "-inf");
  CHECK(formatted(-0.0) == "-0");
  CHECK(formatted(0) == "0");
  CHECK(formatted(1e-5) == "1.0000000000000001e-05");
  CHECK(formatted(5e-324) == "4.9406564584124654e-324");
  CHECK(formatted(-1.7976931348623157e308) == "-1.7976931348623157e+308");
  CHECK(formatted(0.30000000000000004) == "0.30000000000000004");
  CHECK(formatted(4503599627370496.0) == "4503599627370496");
  CHECK(formatted(123456789012345678.0) == "1.2345678901234568e+17");
}

}  // namespace
}  // namespace fkvs
