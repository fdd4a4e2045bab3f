#include "store/geohash.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>

namespace fkvs::geo {
namespace {

std::string geohash_text(double score) {
  const auto text = standard_geohash(score);
  return std::string(text.data(), text.size());
}

// Scores, points and strings redis-server 7.0 gives for GEOADD, GEOPOS and GEOHASH.
TEST_CASE("geohash: scores as GEOADD stores them") {
  CHECK(score_of(Point{13.361389, 38.115556}) == 3479099956230698ULL);
  CHECK(score_of(Point{15.087269, 37.502669}) == 3479447370796909ULL);
  CHECK(score_of(Point{0, 0}) == 3377699720527872ULL);
  CHECK(score_of(Point{179.9999, 0.5}) == 4128321133537522ULL);
  CHECK(score_of(Point{-180, -85.05112878}) == 0);
  // The maxima land one past the last cell, in bits 52 and 53.
  CHECK(score_of(Point{180, 85.05112878}) == 13510798882111488ULL);
}

TEST_CASE("geohash: a score decodes to its cell's centre, within the limits") {
  const Point palermo = point_of(3479099956230698.0);
  CHECK(palermo.longitude == 13.361389338970184326);
  CHECK(palermo.latitude == 38.115556395496298591);
  const Point corner = point_of(13510798882111488.0);
  CHECK(corner.longitude == 180);
  CHECK(corner.latitude == kLatitudeMax);
  const Point south_west = point_of(0);
  CHECK(south_west.longitude == -179.99999731779098511);
  CHECK(south_west.latitude == -85.05112751263942528);
}

TEST_CASE("geohash: standard strings as GEOHASH prints them") {
  CHECK(geohash_text(3479099956230698.0) == "sqc8b49rny0");
  CHECK(geohash_text(3479447370796909.0) == "sqdtr74hyu0");
  CHECK(geohash_text(13510798882111488.0) == "bp05b5048p0");
  CHECK(geohash_text(0) == "00bh0hbj200");
  CHECK(geohash_text(3377699720527872.0) == "s0000000000");
  CHECK(geohash_text(4128321133537522.0) == "xbpfzgpbtw0");
}

TEST_CASE("geohash: encode and decode agree at every step") {
  std::mt19937_64 random(20240501);
  std::uniform_real_distribution<double> longitude(kLongitudeMin, kLongitudeMax);
  std::uniform_real_distribution<double> latitude(kLatitudeMin, kLatitudeMax);
  for (int i = 0; i < 2000; ++i) {
    const Point point{longitude(random), latitude(random)};
    for (uint8_t step = 1; step <= kMaxStep; ++step) {
      const Cell cell = encode(point, step);
      const Area area = decode(cell);
      CAPTURE(point.longitude);
      CAPTURE(point.latitude);
      CAPTURE(static_cast<int>(step));
      CHECK(area.longitude.min <= point.longitude);
      CHECK(point.longitude <= area.longitude.max);
      CHECK(area.latitude.min <= point.latitude);
      CHECK(point.latitude <= area.latitude.max);
      // A coarser cell is a prefix of the finer one.
      if (step > 1) CHECK(encode(point, step - 1).bits == cell.bits >> 2);
    }
  }
}

TEST_CASE("geohash: points outside the limits do not encode") {
  CHECK_FALSE(encode(kLongitudeRange, kLatitudeRange, Point{180.0001, 0}, kMaxStep));
  CHECK_FALSE(encode(kLongitudeRange, kLatitudeRange, Point{0, 85.06}, kMaxStep));
  CHECK_FALSE(encode(kLongitudeRange, kLatitudeRange, Point{0, -85.06}, kMaxStep));
  CHECK_FALSE(is_valid(Point{-180.5, 0}));
  CHECK(is_valid(Point{-180, -85.05112878}));
}

TEST_CASE("geohash: neighbours are the adjacent cells, wrapping around") {
  const Cell cell = encode(Point{13.361389, 38.115556}, 10);
  const Area area = decode(cell);
  const Neighbors around = neighbors_of(cell);
  CHECK(decode(around.north).latitude.min == area.latitude.max);
  CHECK(decode(around.south).latitude.max == area.latitude.min);
  CHECK(decode(around.east).longitude.min == area.longitude.max);
  CHECK(decode(around.west).longitude.max == area.longitude.min);
  CHECK(decode(around.north_east).longitude.min == area.longitude.max);
  CHECK(decode(around.north_east).latitude.min == area.latitude.max);
  CHECK(decode(around.south_west).longitude.max == area.longitude.min);
  CHECK(decode(around.south_west).latitude.max == area.latitude.min);
  CHECK(decode(around.north_west).longitude.max == area.longitude.min);
  CHECK(decode(around.south_east).latitude.max == area.latitude.min);

  // East of the antimeridian's last cell is the first one.
  const Cell eastmost = encode(Point{179.99, 0}, 4);
  CHECK(decode(neighbors_of(eastmost).east).longitude.min == kLongitudeMin);
  const Cell westmost = encode(Point{-179.99, 0}, 4);
  CHECK(decode(neighbors_of(westmost).west).longitude.max == kLongitudeMax);
  // North of the top row is the bottom row.
  const Cell top = encode(Point{0, 85}, 4);
  CHECK(decode(neighbors_of(top).north).latitude.min == kLatitudeMin);
}

TEST_CASE("geohash: a cell's score range holds exactly its points") {
  const Cell cell = encode(Point{13.361389, 38.115556}, 9);
  CHECK(cell.first_score() <= 3479099956230698ULL);
  CHECK(3479099956230698ULL < cell.end_score());
  CHECK(cell.end_score() - cell.first_score() == 1ULL << (52 - 18));
}

TEST_CASE("geohash: scores no GEOADD wrote convert as a C cast on x86-64") {
  CHECK(bits_of_score(-1.0) == UINT64_MAX);
  CHECK(bits_of_score(9223372036854775808.0) == 0x8000000000000000ULL);
  CHECK(bits_of_score(1e30) == 0);
  CHECK(bits_of_score(-1e30) == 0x8000000000000000ULL);
  CHECK(bits_of_score(3.9) == 3);
}

}  // namespace
}  // namespace fkvs::geo
