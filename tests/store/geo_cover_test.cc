#include "store/geo_cover.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

namespace fkvs::geo {
namespace {

bool spans_hold(const std::vector<ScoreSpan>& spans, uint64_t score) {
  for (const ScoreSpan& span : spans) {
    if (score >= span.first && score < span.end) return true;
  }
  return false;
}

// The spans are ascending, apart (adjacent ones merged) and inside the cell.
void check_span_order(const Cell& cell, const std::vector<ScoreSpan>& spans) {
  for (size_t i = 0; i < spans.size(); ++i) {
    CHECK(spans[i].first < spans[i].end);
    CHECK(spans[i].first >= cell.first_score());
    CHECK(spans[i].end <= cell.end_score());
    if (i > 0) CHECK(spans[i - 1].end < spans[i].first);
  }
}

TEST_CASE("geo_cover: a window that holds everything covers whole cells") {
  const IndexWindow everything;
  CHECK(everything.holds(0, 0));
  CHECK(everything.holds(kIndexCount - 1, kIndexCount - 1));
  const Cell cell = encode(Point{13.36, 38.11}, 10);
  std::vector<ScoreSpan> spans;
  append_cell_spans(cell, everything, 3, spans);
  CHECK(spans == std::vector<ScoreSpan>{{cell.first_score(), cell.end_score()}});
}

TEST_CASE("geo_cover: a small circle reads a small part of its cells") {
  Shape shape;
  shape.center = Point{10, 45};
  shape.radius = 10;
  shape.conversion = 1000;
  const IndexWindow window = index_window(shape);
  CHECK(window.holds_bits(score_of(shape.center)));
  CHECK(window.holds_bits(score_of(Point{10, 45.089})));
  CHECK_FALSE(window.holds_bits(score_of(Point{10, 45.1})));
  CHECK(window.holds_bits(score_of(Point{10.126, 45})));
  CHECK_FALSE(window.holds_bits(score_of(Point{10.14, 45})));
  uint64_t read = 0;
  uint64_t whole = 0;
  for (const Cell& cell : search_cells(shape)) {
    if (cell.is_zero()) continue;
    std::vector<ScoreSpan> spans;
    append_cell_spans(cell, window, 3, spans);
    check_span_order(cell, spans);
    for (const ScoreSpan& span : spans) read += span.end - span.first;
    whole += cell.end_score() - cell.first_score();
  }
  // The circle covers about 31 % of the two cells Redis reads.
  CHECK(read * 10 < whole * 6);
}

TEST_CASE("geo_cover: windows wrap around 180 degrees of longitude") {
  Shape shape;
  shape.kind = Shape::Kind::kBox;
  shape.center = Point{179.99, 0};
  shape.width = 20;
  shape.height = 20;
  shape.conversion = 1000;
  const IndexWindow window = index_window(shape);
  CHECK(window.holds_bits(score_of(Point{-179.99, 0})));
  CHECK(window.holds_bits(score_of(Point{179.95, 0.05})));
  CHECK_FALSE(window.holds_bits(score_of(Point{0, 0})));
  CHECK_FALSE(window.holds_bits(score_of(Point{-179.8, 0})));
}

// Every point the exact test keeps lies in the window and in its cell's spans,
// for circles and boxes of many sizes anywhere (near the poles and across 180
// degrees too), with points drawn near each shape's edge.
TEST_CASE("geo_cover: no point a shape keeps is left out, randomized") {
  const uint64_t seed = 20260602;
  std::printf("geo_cover randomized seed %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  size_t kept = 0;
  for (int round = 0; round < 3000; ++round) {
    Shape shape;
    shape.kind = round % 2 == 0 ? Shape::Kind::kRadius : Shape::Kind::kBox;
    shape.center.longitude = round % 7 == 0 ? 180 - unit(random) * 0.5 : unit(random) * 360 - 180;
    shape.center.latitude = round % 5 == 0
                                ? (kLatitudeMax - unit(random)) * (round % 10 == 0 ? -1 : 1)
                                : unit(random) * 170 - 85;
    const double meters = std::pow(10, unit(random) * 7);  // 1 m to 10000 km
    shape.radius = meters;
    shape.width = meters * (0.2 + unit(random) * 2);
    shape.height = meters * (0.2 + unit(random) * 2);
    const IndexWindow window = index_window(shape);
    const std::array<Cell, 9> cells = search_cells(shape);
    std::vector<std::vector<ScoreSpan>> spans(cells.size());
    for (size_t i = 0; i < cells.size(); ++i) {
      if (cells[i].is_zero()) continue;
      append_cell_spans(cells[i], window, static_cast<uint8_t>(round % 5), spans[i]);
      check_span_order(cells[i], spans[i]);
    }
    const Bounds bounds = bounds_of(shape);
    for (int n = 0; n < 200; ++n) {
      Point point;
      point.longitude = bounds.min_longitude +
                        (bounds.max_longitude - bounds.min_longitude) * (unit(random) * 1.2 - 0.1);
      point.latitude = bounds.min_latitude +
                       (bounds.max_latitude - bounds.min_latitude) * (unit(random) * 1.2 - 0.1);
      if (point.longitude > 180) point.longitude -= 360;
      if (point.longitude < -180) point.longitude += 360;
      if (!is_valid(point)) continue;
      const uint64_t score = score_of(point);
      if (!distance_within(shape, point_of(static_cast<double>(score)))) continue;
      ++kept;
      INFO("round ", round, " point ", point.longitude, ",", point.latitude);
      CHECK(window.holds_bits(score));
      for (size_t i = 0; i < cells.size(); ++i) {
        if (cells[i].is_zero()) continue;
        if (score >= cells[i].first_score() && score < cells[i].end_score()) {
          CHECK(spans_hold(spans[i], score));
        }
      }
    }
  }
  CHECK(kept > 100000);
}

}  // namespace
}  // namespace fkvs::geo
