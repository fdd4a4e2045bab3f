#include "store/geo_shape.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace fkvs::geo {
namespace {

Point palermo() { return point_of(3479099956230698.0); }
Point catania() { return point_of(3479447370796909.0); }

TEST_CASE("geo_shape: distances as GEODIST computes them") {
  // redis-server: GEODIST Sicily Palermo Catania -> 166274.1516 (m), 166.2742 km.
  const double meters = distance(palermo(), catania());
  CHECK(std::round(meters * 10000) == 1662741516);
  CHECK(distance(palermo(), palermo()) == 0);
  CHECK(distance(palermo(), catania()) == distance(catania(), palermo()));
  // Opposite corners of the index: 18919844.5891 m.
  CHECK(std::round(distance(point_of(13510798882111488.0), point_of(0)) * 10000) == 189198445891);
  // Half the equator.
  CHECK(distance(Point{0, 0}, Point{180, 0}) == doctest::Approx(M_PI * kEarthRadiusMeters));
}

TEST_CASE("geo_shape: a radius includes its boundary") {
  Shape shape;
  shape.center = palermo();
  shape.radius = distance(palermo(), catania());
  CHECK(distance_within(shape, catania()));
  shape.radius = std::nextafter(shape.radius, 0.0);
  CHECK_FALSE(distance_within(shape, catania()));
  shape.radius = 200;
  shape.conversion = 1000;
  CHECK(*distance_within(shape, catania()) == distance(palermo(), catania()));
}

TEST_CASE("geo_shape: a box measures along the parallel and the meridian") {
  Shape shape;
  shape.kind = Shape::Kind::kBox;
  shape.center = Point{0, 0};
  shape.conversion = 1000;
  shape.width = 200;
  shape.height = 100;
  CHECK(distance_within(shape, Point{0.8, 0}));        // 89 km east
  CHECK_FALSE(distance_within(shape, Point{0.9, 0}));  // 100.1 km east
  CHECK(distance_within(shape, Point{0, 0.4}));        // 44.5 km north
  CHECK_FALSE(distance_within(shape, Point{0, 0.5}));  // 55.6 km north
  // The corner lies farther than either half side but inside.
  const auto corner = distance_within(shape, Point{0.8, 0.4});
  REQUIRE(corner);
  CHECK(*corner > 89000);
}

TEST_CASE("geo_shape: the step grows as the radius shrinks") {
  CHECK(estimate_step(0, 0) == kMaxStep);
  CHECK(estimate_step(1, 0) == kMaxStep - 2);
  CHECK(estimate_step(0.1, 0) == kMaxStep);
  CHECK(estimate_step(kMercatorMax, 0) == 1);
  CHECK(estimate_step(100'000, 0) == 7);
  CHECK(estimate_step(100'000, 70) == 6);
  CHECK(estimate_step(100'000, -81) == 5);
  uint8_t previous = 1;
  for (double range = 1e7; range > 0.01; range /= 2) {
    const uint8_t step = estimate_step(range, 10);
    CHECK(step >= previous);
    previous = step;
  }
}

TEST_CASE(
    "geo_shape: the search cells hold the centre, and leave out only cells beyond the bounds") {
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> longitude(-180, 180);
  std::uniform_real_distribution<double> latitude(kLatitudeMin, kLatitudeMax);
  std::uniform_real_distribution<double> exponent(-1, 7);
  for (int i = 0; i < 2000; ++i) {
    Shape shape;
    shape.center = Point{longitude(random), latitude(random)};
    shape.radius = std::pow(10.0, exponent(random));
    CAPTURE(shape.center.longitude);
    CAPTURE(shape.center.latitude);
    CAPTURE(shape.radius);
    const Bounds bounds = bounds_of(shape);
    const auto cells = search_cells(shape);
    REQUIRE_FALSE(cells[0].is_zero());
    CHECK(encode(shape.center, cells[0].step) == cells[0]);
    const Neighbors around = neighbors_of(cells[0]);
    const Cell expected[] = {around.north,      around.south,      around.east,
                             around.west,       around.north_east, around.north_west,
                             around.south_east, around.south_west};
    for (size_t n = 0; n < 8; ++n) {
      if (!cells[n + 1].is_zero()) {
        CHECK(cells[n + 1] == expected[n]);
        continue;
      }
      const Area area = decode(expected[n]);
      CHECK((area.latitude.max <= bounds.min_latitude || area.latitude.min >= bounds.max_latitude ||
             area.longitude.max <= bounds.min_longitude ||
             area.longitude.min >= bounds.max_longitude));
    }
  }
}

TEST_CASE("geo_shape: bounds widen in longitude towards the pole") {
  Shape shape;
  shape.radius = 100;
  shape.conversion = 1000;
  shape.center = Point{10, 60};
  const Bounds north = bounds_of(shape);
  shape.center = Point{10, 0};
  const Bounds equator = bounds_of(shape);
  CHECK(north.max_longitude - north.min_longitude > equator.max_longitude - equator.min_longitude);
  CHECK(north.max_latitude - north.min_latitude ==
        doctest::Approx(equator.max_latitude - equator.min_latitude));
}

}  // namespace
}  // namespace fkvs::geo

namespace fkvs::geo {
namespace {

TEST_CASE("geo_shape: the matcher keeps and measures exactly what distance_within does") {
  const unsigned seed = 11;
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> longitude(-180, 180);
  std::uniform_real_distribution<double> latitude(kLatitudeMin, kLatitudeMax);
  std::uniform_real_distribution<double> exponent(-1, 7.3);
  std::uniform_real_distribution<double> near(-2, 2);
  for (int i = 0; i < 3000; ++i) {
    Shape shape;
    shape.kind = i % 4 == 0 ? Shape::Kind::kBox : Shape::Kind::kRadius;
    shape.center =
        point_of(static_cast<double>(score_of(Point{longitude(random), latitude(random)})));
    shape.radius = std::pow(10.0, exponent(random));
    shape.width = shape.radius;
    shape.height = shape.radius / 2;
    const ShapeMatcher matcher(shape);
    for (int j = 0; j < 200; ++j) {
      // Points near the centre and the boundary, and anywhere.
      Point point{longitude(random), latitude(random)};
      if (j % 2 == 0) {
        const double scale = shape.radius / 111'000 * (1 + near(random) / 4);
        point.longitude = std::clamp(shape.center.longitude + near(random) * scale, -180.0, 180.0);
        point.latitude =
            std::clamp(shape.center.latitude + near(random) * scale, kLatitudeMin, kLatitudeMax);
      }
      point = point_of(static_cast<double>(score_of(point)));
      const std::optional<double> exact = distance_within(shape, point);
      const std::optional<double> fast = matcher.distance_within(point);
      REQUIRE(exact.has_value() == fast.has_value());
      if (exact) CHECK(*exact == *fast);
    }
  }
}

}  // namespace
}  // namespace fkvs::geo
