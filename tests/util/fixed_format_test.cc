#include "util/fixed_format.h"

#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>

namespace fkvs {
namespace {

std::string fixed(double value, int decimals) {
  char out[kFixedFormatTextMax];
  const std::optional<std::string_view> text = format_fixed_exact(value, decimals, out);
  return text ? std::string(*text) : std::string("(none)");
}

std::string printf_fixed(double value, int decimals) {
  char out[512];
  std::snprintf(out, sizeof out, "%.*f", decimals, value);
  return out;
}

TEST_CASE("fixed_format: as printf prints distances and coordinates") {
  CHECK(fixed(166274.15156960033, 4) == "166274.1516");
  CHECK(fixed(13.361389338970184, 17) == "13.36138933897018433");
  CHECK(fixed(0, 4) == "0.0000");
  CHECK(fixed(-0.0, 4) == "-0.0000");
  CHECK(fixed(-0.00001, 4) == "-0.0000");
  CHECK(fixed(7, 0) == "7");
  CHECK(fixed(0.5, 0) == "0");  // a tie goes to the even neighbour
  CHECK(fixed(1.5, 0) == "2");
  CHECK(fixed(0.125, 2) == "0.12");
  CHECK(fixed(0.375, 2) == "0.38");
  CHECK(fixed(std::ldexp(1.0, 52) - 1, 1) == "4503599627370495.0");
  CHECK(fixed(std::numeric_limits<double>::denorm_min(), 17) == "0.00000000000000000");
}

TEST_CASE("fixed_format: leaves what it does not cover to the caller") {
  CHECK(fixed(std::ldexp(1.0, 52), 4) == "(none)");
  CHECK(fixed(-1e300, 4) == "(none)");
  CHECK(fixed(std::numeric_limits<double>::infinity(), 4) == "(none)");
  CHECK(fixed(std::numeric_limits<double>::quiet_NaN(), 4) == "(none)");
  CHECK(fixed(1, 18) == "(none)");
  CHECK(fixed(1, -1) == "(none)");
}

TEST_CASE("fixed_format: matches printf, randomized") {
  const uint64_t seed = 20260603;
  std::printf("fixed_format randomized seed %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 random(seed);
  for (int i = 0; i < 300000; ++i) {
    double value = 0;
    switch (i % 4) {
      case 0:  // any bits below 2^52
        value = std::bit_cast<double>(random() & ~(uint64_t{0x7FF} << 52)) *
                std::ldexp(1.0, static_cast<int>(random() % 1100));
        break;
      case 1:  // coordinates
        value = std::uniform_real_distribution<double>(-180, 180)(random);
        break;
      case 2:  // distances, in any unit
        value = std::uniform_real_distribution<double>(0, 7e7)(random);
        break;
      default:  // ties and near ties: k / 2^n
        value =
            std::ldexp(static_cast<double>(random() % 100000), -static_cast<int>(random() % 30)) *
            (random() % 2 == 0 ? 1 : -1);
        break;
    }
    if (!(std::fabs(value) < std::ldexp(1.0, 52))) continue;
    const int decimals = static_cast<int>(random() % (kFixedFormatMaxDecimals + 1));
    INFO("value ", printf_fixed(value, 30), " decimals ", decimals);
    REQUIRE(fixed(value, decimals) == printf_fixed(value, decimals));
  }
}

}  // namespace
}  // namespace fkvs
