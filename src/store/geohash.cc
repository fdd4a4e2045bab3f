#include "store/geohash.h"

namespace fkvs::geo {
namespace {

// Spreads the 32 bits of value into the even bits of a 64-bit word.
uint64_t spread_bits(uint32_t value) {
  uint64_t word = value;
  word = (word | (word << 16)) & 0x0000FFFF0000FFFFULL;
  word = (word | (word << 8)) & 0x00FF00FF00FF00FFULL;
  word = (word | (word << 4)) & 0x0F0F0F0F0F0F0F0FULL;
  word = (word | (word << 2)) & 0x3333333333333333ULL;
  word = (word | (word << 1)) & 0x5555555555555555ULL;
  return word;
}

// The inverse: the even bits of word gathered into 32 bits.
uint32_t gather_bits(uint64_t word) {
  word &= 0x5555555555555555ULL;
  word = (word | (word >> 1)) & 0x3333333333333333ULL;
  word = (word | (word >> 2)) & 0x0F0F0F0F0F0F0F0FULL;
  word = (word | (word >> 4)) & 0x00FF00FF00FF00FFULL;
  word = (word | (word >> 8)) & 0x0000FFFF0000FFFFULL;
  word = (word | (word >> 16)) & 0x00000000FFFFFFFFULL;
  return static_cast<uint32_t>(word);
}

constexpr uint64_t kLongitudeBits = 0xAAAAAAAAAAAAAAAAULL;  // the odd bits
constexpr uint64_t kLatitudeBits = 0x5555555555555555ULL;   // the even bits

// Moves a cell by one along the coordinate whose bits are `mine` (the
// others' are `theirs`), wrapping around: the other coordinate's bits are
// filled with ones so that the carry or the borrow runs through them.
Cell step_cell(Cell cell, int direction, uint64_t mine, uint64_t theirs) {
  if (direction == 0) return cell;
  const unsigned unused = 64 - cell.step * 2;
  uint64_t moving = cell.bits & mine;
  const uint64_t staying = cell.bits & theirs;
  const uint64_t filler = theirs >> unused;
  if (direction > 0) {
    moving += filler + 1;
  } else {
    moving = (moving | filler) - (filler + 1);
  }
  moving &= mine >> unused;
  cell.bits = moving | staying;
  return cell;
}

Cell step_longitude(Cell cell, int direction) {
  return step_cell(cell, direction, kLongitudeBits, kLatitudeBits);
}
Cell step_latitude(Cell cell, int direction) {
  return step_cell(cell, direction, kLatitudeBits, kLongitudeBits);
}

Cell moved_cell(const Cell& cell, int east, int north) {
  return step_latitude(step_longitude(cell, east), north);
}

}  // namespace

std::optional<Cell> encode(const Range& longitude_range, const Range& latitude_range,
                           const Point& point, uint8_t step) {
  if (!is_valid(point)) return std::nullopt;
  if (point.latitude < latitude_range.min || point.latitude > latitude_range.max ||
      point.longitude < longitude_range.min || point.longitude > longitude_range.max) {
    return std::nullopt;
  }
  double latitude_offset =
      (point.latitude - latitude_range.min) / (latitude_range.max - latitude_range.min);
  double longitude_offset =
      (point.longitude - longitude_range.min) / (longitude_range.max - longitude_range.min);
  latitude_offset *= static_cast<double>(1ULL << step);
  longitude_offset *= static_cast<double>(1ULL << step);
  // A coordinate at its range's max lands one past the last cell, as in Redis.
  const auto latitude_index = static_cast<uint32_t>(latitude_offset);
  const auto longitude_index = static_cast<uint32_t>(longitude_offset);
  return Cell{spread_bits(latitude_index) | (spread_bits(longitude_index) << 1), step};
}

Area decode(const Range& longitude_range, const Range& latitude_range, const Cell& cell) {
  const uint32_t latitude_index = gather_bits(cell.bits);
  const uint32_t longitude_index = gather_bits(cell.bits >> 1);
  const double cells = static_cast<double>(1ULL << cell.step);
  const double latitude_scale = latitude_range.max - latitude_range.min;
  const double longitude_scale = longitude_range.max - longitude_range.min;
  // The index after the last one wraps to 0 in 32 bits, as in Redis.
  const uint32_t next_latitude = latitude_index + 1;
  const uint32_t next_longitude = longitude_index + 1;
  Area area;
  area.latitude.min = latitude_range.min + (latitude_index * 1.0 / cells) * latitude_scale;
  area.latitude.max = latitude_range.min + (next_latitude * 1.0 / cells) * latitude_scale;
  area.longitude.min = longitude_range.min + (longitude_index * 1.0 / cells) * longitude_scale;
  area.longitude.max = longitude_range.min + (next_longitude * 1.0 / cells) * longitude_scale;
  return area;
}

uint64_t bits_of_score(double score) {
  // x86-64's cvttsd2si gives 0x8000000000000000 for what it cannot convert;
  // values from 2^63 on go through it less 2^63, with the top bit flipped.
  constexpr double kTwoTo63 = 9223372036854775808.0;
  constexpr uint64_t kIndefinite = 0x8000000000000000ULL;
  if (!(score >= kTwoTo63)) {
    if (!(score > -kTwoTo63)) return kIndefinite;
    return static_cast<uint64_t>(static_cast<int64_t>(score));
  }
  const double lowered = score - kTwoTo63;
  const uint64_t low =
      lowered < kTwoTo63 ? static_cast<uint64_t>(static_cast<int64_t>(lowered)) : kIndefinite;
  return low ^ kIndefinite;
}

Point point_of(double score) {
  const Area area = decode(Cell{bits_of_score(score), kMaxStep});
  Point point;
  point.longitude = (area.longitude.min + area.longitude.max) / 2;
  if (point.longitude > kLongitudeMax) point.longitude = kLongitudeMax;
  if (point.longitude < kLongitudeMin) point.longitude = kLongitudeMin;
  point.latitude = (area.latitude.min + area.latitude.max) / 2;
  if (point.latitude > kLatitudeMax) point.latitude = kLatitudeMax;
  if (point.latitude < kLatitudeMin) point.latitude = kLatitudeMin;
  return point;
}

Neighbors neighbors_of(const Cell& cell) {
  Neighbors around;
  around.north = moved_cell(cell, 0, 1);
  around.south = moved_cell(cell, 0, -1);
  around.east = moved_cell(cell, 1, 0);
  around.west = moved_cell(cell, -1, 0);
  around.north_east = moved_cell(cell, 1, 1);
  around.north_west = moved_cell(cell, -1, 1);
  around.south_east = moved_cell(cell, 1, -1);
  around.south_west = moved_cell(cell, -1, -1);
  return around;
}

std::array<char, kGeohashLength> standard_geohash(double score) {
  static constexpr std::string_view kAlphabet = "0123456789bcdefghjkmnpqrstuvwxyz";
  // The decoded point always lies within the standard ranges.
  const Cell cell = *encode(Range{-180, 180}, Range{-90, 90}, point_of(score), kMaxStep);
  std::array<char, kGeohashLength> text;
  for (size_t i = 0; i + 1 < kGeohashLength; ++i) {
    text[i] = kAlphabet[(cell.bits >> (52 - (i + 1) * 5)) & 0x1F];
  }
  text[kGeohashLength - 1] = '0';
  return text;
}

}  // namespace fkvs::geo
