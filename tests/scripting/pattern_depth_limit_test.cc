#include "scripting/pattern_depth_limit.h"

#include <doctest/doctest.h>

#include <string>

namespace fkvs::scripting {
namespace {

TEST_CASE("pattern depth: one level per quantified item and capture bracket") {
  CHECK(pattern_depth_bound("") == 1);
  CHECK(pattern_depth_bound("abc") == 1);
  CHECK(pattern_depth_bound("a?b*c+d-") == 5);
  CHECK(pattern_depth_bound("^[a-z]*$") == 2);
  CHECK(pattern_depth_bound("%d+%.%d*") == 3);
  CHECK(pattern_depth_bound("(%w+)=(%w+)") == 7);
  // Escapes and sets are one class, whatever they hold.
  CHECK(pattern_depth_bound("%%?%-") == 2);
  CHECK(pattern_depth_bound("[]]?[^%]-]*") == 3);
  // %b and %f take no quantifier: what follows is an item of its own.
  CHECK(pattern_depth_bound("%bxy?") == 1);
  CHECK(pattern_depth_bound("%f[%w]+") == 1);
}

TEST_CASE("pattern depth: malformed patterns end the scan without reading past them") {
  CHECK(pattern_depth_bound("%") == 1);
  CHECK(pattern_depth_bound("[a") == 1);
  CHECK(pattern_depth_bound("[%") == 1);
  CHECK(pattern_depth_bound("%b") == 1);
  CHECK(pattern_depth_bound("%f") == 1);
}

TEST_CASE("pattern depth: captures count up to Lua's capture limit") {
  CHECK(pattern_depth_bound(std::string(100, '(')) == 33);
  std::string captures;
  for (int i = 0; i < 100; ++i) captures += "(a)";
  CHECK(pattern_depth_bound(captures) == 65);
  // The 33rd capture fails before the quantifiers after it are reached.
  std::string optional_captures;
  for (size_t i = 0; i < kMaxPatternDepth; ++i) optional_captures += "(a?)";
  CHECK(pattern_depth_bound(optional_captures) == 97);
  CHECK(pattern_depth_bound(std::string(100, ')')) == 2);
}

TEST_CASE("pattern depth: a long run of quantifiers is past the limit") {
  std::string pattern;
  for (size_t i = 0; i < kMaxPatternDepth; ++i) pattern += "a?";
  CHECK(pattern_depth_bound(pattern) == kMaxPatternDepth + 1);
}

}  // namespace
}  // namespace fkvs::scripting
