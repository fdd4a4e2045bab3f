#pragma once

#include <cstdint>
#include <vector>

#include "store/geo_shape.h"
#include "store/geohash.h"

// Which parts of a search's cells can hold the points its shape keeps, so
// that a search reads less than the nine whole cells Redis reads and still
// finds the same points: the grid indexes a kept point can have (a loose
// bound in latitude and longitude), and the score spans of a cell's finer
// sub-cells that reach them.
namespace fkvs::geo {

// Indexes per coordinate at kMaxStep, the halves of a stored score.
inline constexpr uint32_t kIndexCount = uint32_t{1} << kMaxStep;

// Latitude indexes [min_latitude, max_latitude] and longitude indexes from
// first_longitude to first_longitude + longitude_span, wrapping from the last
// index to 0 (across 180 degrees). Every point a shape keeps has its indexes
// within the shape's window; the default window holds everything.
struct IndexWindow {
  uint32_t min_latitude = 0;
  uint32_t max_latitude = kIndexCount - 1;
  uint32_t first_longitude = 0;
  uint32_t longitude_span = kIndexCount - 1;

  bool holds(uint32_t latitude, uint32_t longitude) const {
    return latitude - min_latitude <= max_latitude - min_latitude &&
           ((longitude - first_longitude) & (kIndexCount - 1)) <= longitude_span;
  }
  // Whether the point of a score's bits may lie in the window. Beyond 52
  // bits lie the points at 180 degrees of longitude or at the top latitude
  // (an index one past the last), and scores no GEOADD wrote: all let through.
  bool holds_bits(uint64_t bits) const {
    return bits >> (2 * kMaxStep) != 0 || holds(gather_bits(bits), gather_bits(bits >> 1));
  }
};

IndexWindow index_window(const Shape& shape);

// Scores [first, end).
struct ScoreSpan {
  uint64_t first = 0;
  uint64_t end = 0;
  bool operator==(const ScoreSpan&) const = default;
};

// Appends to spans, in ascending order, the scores of cell whose points may
// lie in window: the cell cut into sub-cells extra_steps steps finer (at
// most 4, never finer than kMaxStep), those outside the window left out,
// adjacent ones merged.
void append_cell_spans(const Cell& cell, const IndexWindow& window, uint8_t extra_steps,
                       std::vector<ScoreSpan>& spans);

}  // namespace fkvs::geo
