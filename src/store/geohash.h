#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

// The geohash a geo set keeps as each member's sorted-set score, as Redis 7.0
// computes it: longitude and latitude, each cut in 2^26 steps, interleaved
// into a 52-bit integer (longitude in the odd bits, latitude in the even
// ones). Latitudes stop at +-85.05112878, the limits of Web Mercator.
//
// Every result here must be the very double Redis computes, since GEOPOS and
// the distances print them: the arithmetic keeps Redis's order of operations.
namespace fkvs::geo {

inline constexpr double kLongitudeMin = -180;
inline constexpr double kLongitudeMax = 180;
inline constexpr double kLatitudeMin = -85.05112878;
inline constexpr double kLatitudeMax = 85.05112878;
// The steps of a stored score: 26 bits of each coordinate.
inline constexpr uint8_t kMaxStep = 26;

struct Point {
  double longitude = 0;
  double latitude = 0;
};

struct Range {
  double min = 0;
  double max = 0;
};

// The ranges a geo set's scores are made in.
inline constexpr Range kLongitudeRange{kLongitudeMin, kLongitudeMax};
inline constexpr Range kLatitudeRange{kLatitudeMin, kLatitudeMax};

// A cell of the grid: the first 2 * step bits of a geohash.
struct Cell {
  uint64_t bits = 0;
  uint8_t step = 0;

  // Redis's marker for a neighbour left out of a search.
  bool is_zero() const { return bits == 0 && step == 0; }
  bool operator==(const Cell&) const = default;
  // The scores [first, end) of the points inside the cell.
  uint64_t first_score() const { return bits << (52 - step * 2); }
  uint64_t end_score() const { return (bits + 1) << (52 - step * 2); }
};

// The longitudes and latitudes a cell covers.
struct Area {
  Range longitude;
  Range latitude;
};

// Whether a point may be indexed: longitude within +-180, latitude within
// +-85.05112878 (GEOADD's and FROMLONLAT's check).
inline bool is_valid(const Point& point) {
  return point.longitude >= kLongitudeMin && point.longitude <= kLongitudeMax &&
         point.latitude >= kLatitudeMin && point.latitude <= kLatitudeMax;
}

// The cell of step steps holding point within the given ranges; nullopt for a
// point outside them or outside the indexable limits.
std::optional<Cell> encode(const Range& longitude_range, const Range& latitude_range,
                           const Point& point, uint8_t step);

// The cell holding point in a geo set's grid (point must be valid).
inline Cell encode(const Point& point, uint8_t step) {
  return *encode(kLongitudeRange, kLatitudeRange, point, step);
}

// The score GEOADD stores for point (which must be valid).
inline uint64_t score_of(const Point& point) { return encode(point, kMaxStep).first_score(); }

// What a cell covers within the given ranges.
Area decode(const Range& longitude_range, const Range& latitude_range, const Cell& cell);

inline Area decode(const Cell& cell) { return decode(kLongitudeRange, kLatitudeRange, cell); }

// A score as Redis turns it into a cell's bits: the C cast of a double to
// uint64_t as x86-64 performs it, so that any score, even one no GEOADD
// wrote (negative, huge), decodes as in Redis.
uint64_t bits_of_score(double score);

// The point a score stands for: the centre of its cell, held within the
// indexable limits. GEOPOS replies it, distances are measured from it.
Point point_of(double score);

// The eight cells around a cell, wrapping around the grid's edges.
struct Neighbors {
  Cell north, south, east, west, north_east, north_west, south_east, south_west;
};
Neighbors neighbors_of(const Cell& cell);

// GEOHASH's string for a score: the point re-encoded with the standard
// latitude range (-90, 90), in geohash's base 32, eleven characters (the
// last always '0', as Redis pads its 52 bits).
inline constexpr size_t kGeohashLength = 11;
std::array<char, kGeohashLength> standard_geohash(double score);

}  // namespace fkvs::geo
