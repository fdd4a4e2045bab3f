#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "store/geohash.h"

// Distances on the earth and the areas GEOSEARCH looks in, as Redis 7.0
// measures them: the haversine formula on a sphere of Redis's radius, and
// the nine-cell cover of a search (a cell sized to the search and its eight
// neighbours), whose scores bound the sorted-set ranges a search reads.
namespace fkvs::geo {

inline constexpr double kEarthRadiusMeters = 6372797.560856;
// Half the earth's circumference at the equator on Web Mercator.
inline constexpr double kMercatorMax = 20037726.37;

// The great-circle distance in meters between two points.
double distance(const Point& from, const Point& to);

// A search: a circle of radius, or a box of width by height, around center.
// Sizes are in the unit a client gave; conversion turns them into meters.
struct Shape {
  enum class Kind { kRadius, kBox };
  Kind kind = Kind::kRadius;
  Point center;
  double radius = 0;
  double width = 0;
  double height = 0;
  double conversion = 1;
};

// The distance in meters from the shape's centre to point, when point is
// inside the shape. A box is measured along the parallel and the meridian of
// the point, not along straight lines: its sides are arcs.
std::optional<double> distance_within(const Shape& shape, const Point& point);

// distance_within for many points and one shape, with the same results, only
// faster: the centre's trigonometry is computed once, and a circle first
// rejects the points whose latitude or longitude alone puts them beyond the
// radius (bounds loosened by far more than the rounding errors, so that no
// point the exact test keeps is rejected).
class ShapeMatcher {
 public:
  explicit ShapeMatcher(const Shape& shape);
  std::optional<double> distance_within(const Point& point) const;

 private:
  double distance_from_center(const Point& point) const;

  Shape shape_;
  double center_longitude_radians_;
  double center_latitude_radians_;
  double center_latitude_cosine_;
  double radius_meters_;
  // Beyond these (radians) a point is out of the circle; negative: no bound.
  double max_latitude_gap_ = -1;
  double max_longitude_gap_ = -1;
};

// The grid's step for a search reaching range_meters from a point at latitude:
// cells about as large as the search, larger towards the poles.
uint8_t estimate_step(double range_meters, double latitude);

// The smallest and largest longitudes and latitudes a shape reaches.
struct Bounds {
  double min_longitude, min_latitude, max_longitude, max_latitude;
};
Bounds bounds_of(const Shape& shape);

// The cells a search reads, in the order it reads them: the centre's cell,
// then north, south, east, west, north-east, north-west, south-east and
// south-west. A neighbour wholly outside the shape's bounds is a zero cell.
std::array<Cell, 9> search_cells(const Shape& shape);

}  // namespace fkvs::geo
