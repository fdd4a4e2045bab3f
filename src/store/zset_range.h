#pragma once

#include <optional>
#include <string_view>

namespace fkvs {

// A score interval as ZRANGEBYSCORE, ZCOUNT and ZREMRANGEBYSCORE take it:
// each bound a float, "(" in front making it exclusive.
struct ScoreRange {
  double min = 0;
  double max = 0;
  bool min_exclusive = false;
  bool max_exclusive = false;

  // The score lies below the range (before it in ascending order).
  bool below(double score) const { return min_exclusive ? score <= min : score < min; }
  // The score is not past the range's max.
  bool within_max(double score) const { return max_exclusive ? score < max : score <= max; }
  bool contains(double score) const { return !below(score) && within_max(score); }
};

// Redis reads each bound with strtod after an optional "(": leading spaces,
// hex, "inf" and an empty string (0) pass, and the bound ends at a NUL byte;
// NaN and trailing bytes do not. nullopt means "ERR min or max is not a float".
std::optional<ScoreRange> parse_score_range(std::string_view min, std::string_view max);

// One end of a member interval (ZRANGEBYLEX): "-" and "+" are the ends of
// all strings, "[x" includes x, "(x" excludes it.
struct LexBound {
  enum class Kind { kMinusInfinity, kPlusInfinity, kInclusive, kExclusive };
  Kind kind = Kind::kInclusive;
  std::string_view text;  // points into the argument
};

struct LexRange {
  LexBound min;
  LexBound max;

  bool below(std::string_view member) const;
  bool within_max(std::string_view member) const;
  bool contains(std::string_view member) const { return !below(member) && within_max(member); }
};

// nullopt means "ERR min or max not valid string range item".
std::optional<LexRange> parse_lex_range(std::string_view min, std::string_view max);

}  // namespace fkvs
