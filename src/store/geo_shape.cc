#include "store/geo_shape.h"

#include <cmath>

namespace fkvs::geo {
namespace {

constexpr double kRadiansPerDegree = M_PI / 180.0;

double to_radians(double degrees) { return degrees * kRadiansPerDegree; }
double to_degrees(double radians) { return radians / kRadiansPerDegree; }

// The distance from the centre to the box's corner, or the radius, in meters.
double reach_meters(const Shape& shape) {
  if (shape.kind == Shape::Kind::kRadius) return shape.radius * shape.conversion;
  const double half_width = shape.width / 2;
  const double half_height = shape.height / 2;
  return std::sqrt(half_width * half_width + half_height * half_height) * shape.conversion;
}

// The distance along a meridian: the haversine formula reduced, as Redis
// reduces it, which may differ from the full formula in the last bit.
double meridian_distance(double from_latitude, double to_latitude) {
  return kEarthRadiusMeters * std::fabs(to_radians(to_latitude) - to_radians(from_latitude));
}

}  // namespace

double distance(const Point& from, const Point& to) {
  const double from_longitude = to_radians(from.longitude);
  const double to_longitude = to_radians(to.longitude);
  const double v = std::sin((to_longitude - from_longitude) / 2);
  if (v == 0.0) return meridian_distance(from.latitude, to.latitude);
  const double from_latitude = to_radians(from.latitude);
  const double to_latitude = to_radians(to.latitude);
  const double u = std::sin((to_latitude - from_latitude) / 2);
  const double a = u * u + std::cos(from_latitude) * std::cos(to_latitude) * v * v;
  return 2.0 * kEarthRadiusMeters * std::asin(std::sqrt(a));
}

std::optional<double> distance_within(const Shape& shape, const Point& point) {
  if (shape.kind == Shape::Kind::kRadius) {
    const double meters = distance(shape.center, point);
    if (meters > shape.radius * shape.conversion) return std::nullopt;
    return meters;
  }
  // The cheaper latitude test first.
  if (meridian_distance(point.latitude, shape.center.latitude) >
      shape.height * shape.conversion / 2) {
    return std::nullopt;
  }
  if (distance(point, Point{shape.center.longitude, point.latitude}) >
      shape.width * shape.conversion / 2) {
    return std::nullopt;
  }
  return distance(shape.center, point);
}

ShapeMatcher::ShapeMatcher(const Shape& shape)
    : shape_(shape),
      center_longitude_radians_(to_radians(shape.center.longitude)),
      center_latitude_radians_(to_radians(shape.center.latitude)),
      center_latitude_cosine_(std::cos(center_latitude_radians_)),
      radius_meters_(shape.radius * shape.conversion) {
  // Only circles well short of the antipodes, where asin is well conditioned:
  // the computed distance is then within 1e-12 of the true one, and a point
  // farther than the radius plus a relative 1e-7 and a meter in latitude
  // alone, or in longitude alone, is surely out.
  if (shape.kind != Shape::Kind::kRadius || !(radius_meters_ < 5'000'000)) return;
  const double angle = (radius_meters_ * (1 + 1e-7) + 1) / kEarthRadiusMeters;
  max_latitude_gap_ = angle;
  // A circle of angular radius angle around latitude phi spans at most
  // asin(sin(angle) / cos(phi)) of longitude either way, unless it holds a pole.
  const double pole_gap = M_PI / 2 - std::fabs(center_latitude_radians_);
  if (angle < pole_gap - 1e-6) {
    max_longitude_gap_ = std::asin(std::sin(angle) / center_latitude_cosine_) * (1 + 1e-7) + 1e-9;
  }
}

double ShapeMatcher::distance_from_center(const Point& point) const {
  // distance(shape.center, point), with the centre's part computed once.
  const double to_longitude = to_radians(point.longitude);
  const double v = std::sin((to_longitude - center_longitude_radians_) / 2);
  if (v == 0.0) return meridian_distance(shape_.center.latitude, point.latitude);
  const double to_latitude = to_radians(point.latitude);
  const double u = std::sin((to_latitude - center_latitude_radians_) / 2);
  const double a = u * u + center_latitude_cosine_ * std::cos(to_latitude) * v * v;
  return 2.0 * kEarthRadiusMeters * std::asin(std::sqrt(a));
}

std::optional<double> ShapeMatcher::distance_within(const Point& point) const {
  if (shape_.kind != Shape::Kind::kRadius) return geo::distance_within(shape_, point);
  if (max_latitude_gap_ >= 0 &&
      std::fabs(to_radians(point.latitude) - center_latitude_radians_) > max_latitude_gap_) {
    return std::nullopt;
  }
  if (max_longitude_gap_ >= 0) {
    double gap = std::fabs(to_radians(point.longitude) - center_longitude_radians_);
    if (gap > M_PI) gap = 2 * M_PI - gap;
    if (gap > max_longitude_gap_) return std::nullopt;
  }
  const double meters = distance_from_center(point);
  if (meters > radius_meters_) return std::nullopt;
  return meters;
}

uint8_t estimate_step(double range_meters, double latitude) {
  if (range_meters == 0) return kMaxStep;
  int step = 1;
  while (range_meters < kMercatorMax) {
    range_meters *= 2;
    ++step;
  }
  step -= 2;  // a little smaller than the range, to cover it in most cases
  // A degree of longitude shrinks towards the poles.
  if (latitude > 66 || latitude < -66) {
    --step;
    if (latitude > 80 || latitude < -80) --step;
  }
  if (step < 1) step = 1;
  if (step > kMaxStep) step = kMaxStep;
  return static_cast<uint8_t>(step);
}

Bounds bounds_of(const Shape& shape) {
  const bool circle = shape.kind == Shape::Kind::kRadius;
  const double height = shape.conversion * (circle ? shape.radius : shape.height / 2);
  const double width = shape.conversion * (circle ? shape.radius : shape.width / 2);
  const double latitude = shape.center.latitude;
  const double longitude = shape.center.longitude;
  const double latitude_delta = to_degrees(height / kEarthRadiusMeters);
  const double longitude_delta_top =
      to_degrees(width / kEarthRadiusMeters / std::cos(to_radians(latitude + latitude_delta)));
  const double longitude_delta_bottom =
      to_degrees(width / kEarthRadiusMeters / std::cos(to_radians(latitude - latitude_delta)));
  // The edge nearer the pole spans the most longitude: the top one in the
  // northern hemisphere, the bottom one in the southern.
  const double longitude_delta = latitude < 0 ? longitude_delta_bottom : longitude_delta_top;
  return Bounds{longitude - longitude_delta, latitude - latitude_delta, longitude + longitude_delta,
                latitude + latitude_delta};
}

std::array<Cell, 9> search_cells(const Shape& shape) {
  const Bounds bounds = bounds_of(shape);
  uint8_t step = estimate_step(reach_meters(shape), shape.center.latitude);
  Cell center = encode(shape.center, step);
  Neighbors around = neighbors_of(center);
  // Near a cell's edge the estimated cells may not reach the shape's bounds:
  // one step coarser then.
  const bool too_small = decode(around.north).latitude.max < bounds.max_latitude ||
                         decode(around.south).latitude.min > bounds.min_latitude ||
                         decode(around.east).longitude.max < bounds.max_longitude ||
                         decode(around.west).longitude.min > bounds.min_longitude;
  if (step > 1 && too_small) {
    --step;
    center = encode(shape.center, step);
    around = neighbors_of(center);
  }
  // Leave out the neighbours beyond the bounds (not at the coarsest step,
  // where the neighbours wrap around the whole earth).
  if (step >= 2) {
    const Area area = decode(center);
    if (area.latitude.min < bounds.min_latitude) {
      around.south = around.south_west = around.south_east = Cell{};
    }
    if (area.latitude.max > bounds.max_latitude) {
      around.north = around.north_east = around.north_west = Cell{};
    }
    if (area.longitude.min < bounds.min_longitude) {
      around.west = around.south_west = around.north_west = Cell{};
    }
    if (area.longitude.max > bounds.max_longitude) {
      around.east = around.south_east = around.north_east = Cell{};
    }
  }
  return {center,           around.north,      around.south,      around.east,
          around.west,      around.north_east, around.north_west, around.south_east,
          around.south_west};
}

}  // namespace fkvs::geo
