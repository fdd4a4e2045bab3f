#include "store/zset_range.h"

#include <cmath>
#include <cstdlib>
#include <string>

namespace fkvs {

namespace {

std::optional<double> parse_score_bound(std::string_view text, bool& exclusive) {
  exclusive = false;
  if (!text.empty() && text[0] == '(') {
    exclusive = true;
    text.remove_prefix(1);
  }
  // Redis hands the argument to strtod as a C string, which ends at a NUL.
  const std::string bound(text.substr(0, text.find('\0')));
  char* end = nullptr;
  const double value = std::strtod(bound.c_str(), &end);
  if (*end != '\0' || std::isnan(value)) return std::nullopt;
  return value;
}

std::optional<LexBound> parse_lex_bound(std::string_view text) {
  if (text.empty()) return std::nullopt;
  // Redis checks only the byte after '+' or '-' (a C string's end).
  const bool alone = text.size() == 1 || text[1] == '\0';
  switch (text[0]) {
    case '-':
      if (!alone) return std::nullopt;
      return LexBound{LexBound::Kind::kMinusInfinity, {}};
    case '+':
      if (!alone) return std::nullopt;
      return LexBound{LexBound::Kind::kPlusInfinity, {}};
    case '[':
      return LexBound{LexBound::Kind::kInclusive, text.substr(1)};
    case '(':
      return LexBound{LexBound::Kind::kExclusive, text.substr(1)};
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<ScoreRange> parse_score_range(std::string_view min, std::string_view max) {
  ScoreRange range;
  auto low = parse_score_bound(min, range.min_exclusive);
  auto high = parse_score_bound(max, range.max_exclusive);
  if (!low || !high) return std::nullopt;
  range.min = *low;
  range.max = *high;
  return range;
}

bool LexRange::below(std::string_view member) const {
  switch (min.kind) {
    case LexBound::Kind::kMinusInfinity:
      return false;
    case LexBound::Kind::kPlusInfinity:
      return true;
    case LexBound::Kind::kInclusive:
      return member < min.text;
    case LexBound::Kind::kExclusive:
      return member <= min.text;
  }
  return false;
}

bool LexRange::within_max(std::string_view member) const {
  switch (max.kind) {
    case LexBound::Kind::kMinusInfinity:
      return false;
    case LexBound::Kind::kPlusInfinity:
      return true;
    case LexBound::Kind::kInclusive:
      return member <= max.text;
    case LexBound::Kind::kExclusive:
      return member < max.text;
  }
  return false;
}

std::optional<LexRange> parse_lex_range(std::string_view min, std::string_view max) {
  auto low = parse_lex_bound(min);
  auto high = parse_lex_bound(max);
  if (!low || !high) return std::nullopt;
  return LexRange{*low, *high};
}

}  // namespace fkvs
