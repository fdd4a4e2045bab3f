#include "store/geo_cover.h"

#include <algorithm>
#include <cmath>

namespace fkvs::geo {
namespace {

constexpr double kCoverRadiansPerDegree = M_PI / 180.0;
// How much looser than the exact test the window is: far beyond rounding
// errors (the distances are good to about 1e-12), so no kept point falls out.
constexpr double kLooseFactor = 1 + 1e-7;
constexpr double kLooseMeters = 1;
constexpr int64_t kLooseIndexes = 2;

double cover_degrees(double radians) { return radians / kCoverRadiansPerDegree; }

// Indexes whose cell centres lie within [min, max] degrees of a coordinate
// spanning range, widened by a few indexes; unclamped.
int64_t first_index(double min, const Range& range) {
  const double step = (range.max - range.min) / kIndexCount;
  return static_cast<int64_t>(std::floor((min - range.min) / step - 0.5)) - kLooseIndexes;
}
int64_t last_index(double max, const Range& range) {
  const double step = (range.max - range.min) / kIndexCount;
  return static_cast<int64_t>(std::ceil((max - range.min) / step - 0.5)) + kLooseIndexes;
}

// The window of the points within latitude_gap and longitude_gap degrees of
// center (a negative longitude_gap: any longitude).
IndexWindow window_around(const Point& center, double latitude_gap, double longitude_gap) {
  IndexWindow window;
  if (!std::isfinite(latitude_gap) || !std::isfinite(longitude_gap)) return window;
  const int64_t min_latitude = first_index(center.latitude - latitude_gap, kLatitudeRange);
  const int64_t max_latitude = last_index(center.latitude + latitude_gap, kLatitudeRange);
  window.min_latitude = static_cast<uint32_t>(std::clamp<int64_t>(min_latitude, 0, kIndexCount - 1));
  window.max_latitude = static_cast<uint32_t>(std::clamp<int64_t>(max_latitude, 0, kIndexCount - 1));
  if (longitude_gap < 0 || longitude_gap >= 180) return window;
  const int64_t first = first_index(center.longitude - longitude_gap, kLongitudeRange);
  const int64_t last = last_index(center.longitude + longitude_gap, kLongitudeRange);
  if (last - first >= kIndexCount - 1) return window;
  window.first_longitude = static_cast<uint32_t>(first & (kIndexCount - 1));
  window.longitude_span = static_cast<uint32_t>(last - first);
  return window;
}

IndexWindow radius_window(const Shape& shape) {
  const double meters = shape.radius * shape.conversion;
  // Circles short of a quarter of the earth only, where the bounds are simple.
  if (!(meters < 5'000'000)) return IndexWindow{};
  const double angle = (meters * kLooseFactor + kLooseMeters) / kEarthRadiusMeters;
  const double latitude = shape.center.latitude * kCoverRadiansPerDegree;
  // A circle of angular radius angle around latitude phi spans at most
  // asin(sin(angle) / cos(phi)) of longitude either way, unless it holds a pole.
  double longitude_gap = -1;
  if (angle < M_PI / 2 - std::fabs(latitude) - 1e-6) {
    longitude_gap = std::asin(std::sin(angle) / std::cos(latitude)) * kLooseFactor + 1e-9;
  }
  return window_around(shape.center, cover_degrees(angle),
                       longitude_gap < 0 ? -1 : cover_degrees(longitude_gap));
}

IndexWindow box_window(const Shape& shape) {
  // A box keeps a point whose latitude is within half its height of the
  // centre's (along the meridian) and whose distance along its own parallel
  // to the centre's meridian is within half its width.
  const double half_height = shape.height * shape.conversion / 2;
  const double half_width = shape.width * shape.conversion / 2;
  const double latitude_angle = (half_height * kLooseFactor + kLooseMeters) / kEarthRadiusMeters;
  const double latitude_gap = cover_degrees(latitude_angle);
  // Along a parallel at latitude phi, 2R asin(cos(phi) sin(dlon / 2)) is the
  // distance, so dlon is largest at the latitude nearest a pole.
  const double farthest_latitude =
      std::fabs(shape.center.latitude) + latitude_gap;
  const double half_angle = (half_width * kLooseFactor + kLooseMeters) / (2 * kEarthRadiusMeters);
  double longitude_gap = -1;
  if (farthest_latitude < 89 && half_angle < M_PI / 4) {
    const double sine =
        std::sin(half_angle) / std::cos(farthest_latitude * kCoverRadiansPerDegree);
    if (sine < 0.5) longitude_gap = cover_degrees(2 * std::asin(sine) * kLooseFactor + 1e-9);
  }
  return window_around(shape.center, latitude_gap, longitude_gap);
}

// A sub-cell: its latitude and longitude index prefixes at its step.
struct SubCell {
  uint32_t latitude;
  uint32_t longitude;
  uint8_t step;
};

void add_spans(const SubCell& cell, uint8_t last_step, const IndexWindow& window,
               std::vector<ScoreSpan>& spans) {
  const unsigned shift = kMaxStep - cell.step;
  const uint32_t width = (uint32_t{1} << shift) - 1;  // indexes past the first
  const uint32_t latitude = cell.latitude << shift;
  const uint32_t longitude = cell.longitude << shift;
  if (latitude + width < window.min_latitude || latitude > window.max_latitude) return;
  const uint32_t into_window = (longitude - window.first_longitude) & (kIndexCount - 1);
  const uint32_t window_into_cell = (window.first_longitude - longitude) & (kIndexCount - 1);
  if (into_window > window.longitude_span && window_into_cell > width) return;
  const bool inside = latitude >= window.min_latitude && latitude + width <= window.max_latitude &&
                      into_window + width <= window.longitude_span;
  if (cell.step < last_step && !inside) {
    // The children in score order: the longitude bit is the higher one.
    for (uint32_t child = 0; child < 4; ++child) {
      add_spans(SubCell{(cell.latitude << 1) | (child & 1), (cell.longitude << 1) | (child >> 1),
                        static_cast<uint8_t>(cell.step + 1)},
                last_step, window, spans);
    }
    return;
  }
  const uint64_t bits = spread_bits(cell.latitude) | (spread_bits(cell.longitude) << 1);
  const ScoreSpan span{bits << (2 * shift), (bits + 1) << (2 * shift)};
  if (!spans.empty() && spans.back().end == span.first) {
    spans.back().end = span.end;
  } else {
    spans.push_back(span);
  }
}

}  // namespace

IndexWindow index_window(const Shape& shape) {
  return shape.kind == Shape::Kind::kRadius ? radius_window(shape) : box_window(shape);
}

void append_cell_spans(const Cell& cell, const IndexWindow& window, uint8_t extra_steps,
                       std::vector<ScoreSpan>& spans) {
  // Spans past 2^52 would also end past 2^53, where not every integer is a
  // double: such cells (holding the points at 180 degrees or at the top
  // latitude) are read whole.
  if (cell.end_score() > (uint64_t{1} << (2 * kMaxStep))) {
    spans.push_back(ScoreSpan{cell.first_score(), cell.end_score()});
    return;
  }
  const uint8_t last_step = static_cast<uint8_t>(std::min<int>(cell.step + extra_steps, kMaxStep));
  add_spans(SubCell{gather_bits(cell.bits), gather_bits(cell.bits >> 1), cell.step}, last_step, window,
            spans);
}

}  // namespace fkvs::geo
