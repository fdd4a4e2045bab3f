#include "store/geo_cover.h"

#include <algorithm>
#include <array>
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
  window.min_latitude =
      static_cast<uint32_t>(std::clamp<int64_t>(min_latitude, 0, kIndexCount - 1));
  window.max_latitude =
      static_cast<uint32_t>(std::clamp<int64_t>(max_latitude, 0, kIndexCount - 1));
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
  const double farthest_latitude = std::fabs(shape.center.latitude) + latitude_gap;
  const double half_angle = (half_width * kLooseFactor + kLooseMeters) / (2 * kEarthRadiusMeters);
  double longitude_gap = -1;
  if (farthest_latitude < 89 && half_angle < M_PI / 4) {
    const double sine = std::sin(half_angle) / std::cos(farthest_latitude * kCoverRadiansPerDegree);
    if (sine < 0.5) longitude_gap = cover_degrees(2 * std::asin(sine) * kLooseFactor + 1e-9);
  }
  return window_around(shape.center, latitude_gap, longitude_gap);
}

// Sub-cells of a cell cut at most this many steps finer, for the table below.
constexpr int kMaxCutSteps = 4;

// For each position of a sub-cell in score order within its cell: its row
// (latitude) in the low nibble, its column (longitude) in the high one.
constexpr std::array<uint8_t, 1 << (2 * kMaxCutSteps)> kSubCellPlaces = [] {
  std::array<uint8_t, 1 << (2 * kMaxCutSteps)> places{};
  for (uint32_t z = 0; z < places.size(); ++z) {
    uint32_t row = 0;
    uint32_t column = 0;
    for (int bit = 0; bit < kMaxCutSteps; ++bit) {
      row |= ((z >> (2 * bit)) & 1) << bit;
      column |= ((z >> (2 * bit + 1)) & 1) << bit;
    }
    places[z] = static_cast<uint8_t>(row | (column << 4));
  }
  return places;
}();

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
  const int steps = std::min({int{extra_steps}, kMaxStep - int{cell.step}, kMaxCutSteps});
  const unsigned cell_shift = kMaxStep - cell.step;
  const unsigned shift = cell_shift - steps;          // index bits within a sub-cell
  const uint32_t width = (uint32_t{1} << shift) - 1;  // indexes past a sub-cell's first
  const uint32_t first_latitude = gather_bits(cell.bits) << cell_shift;
  const uint32_t first_longitude = gather_bits(cell.bits >> 1) << cell_shift;
  // Which rows and columns of sub-cells reach the window.
  uint32_t rows = 0;
  uint32_t columns = 0;
  for (uint32_t i = 0; i < (uint32_t{1} << steps); ++i) {
    const uint32_t latitude = first_latitude + (i << shift);
    if (latitude + width >= window.min_latitude && latitude <= window.max_latitude) {
      rows |= uint32_t{1} << i;
    }
    const uint32_t longitude = first_longitude + (i << shift);
    const uint32_t into_window = (longitude - window.first_longitude) & (kIndexCount - 1);
    const uint32_t window_into_cell = (window.first_longitude - longitude) & (kIndexCount - 1);
    if (into_window <= window.longitude_span || window_into_cell <= width) {
      columns |= uint32_t{1} << i;
    }
  }
  if (rows == 0 || columns == 0) return;
  const uint64_t first = cell.first_score();
  const unsigned score_shift = 2 * shift;
  for (uint32_t z = 0; z < (uint32_t{1} << (2 * steps)); ++z) {
    const uint8_t place = kSubCellPlaces[z];
    if (((rows >> (place & 0xF)) & 1) == 0 || ((columns >> (place >> 4)) & 1) == 0) continue;
    const ScoreSpan span{first + (uint64_t{z} << score_shift),
                         first + (uint64_t{z + 1} << score_shift)};
    if (!spans.empty() && spans.back().end == span.first) {
      spans.back().end = span.end;
    } else {
      spans.push_back(span);
    }
  }
}

}  // namespace fkvs::geo
