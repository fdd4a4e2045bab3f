#include "util/glob.h"

#include <cstddef>
#include <utility>

namespace fkvs {
namespace {

// Redis stops recursing after this many '*' groups and reports "no match", so a pattern whose
// 1001st group has more pattern after it never matches anything.
constexpr int kMaxStarGroups = 1000;

// Redis compares bytes as (signed) char, which decides what a range such as [a-\xff] covers.
int byte_value(char c) { return static_cast<signed char>(c); }

// Case folding is plain ASCII, as in the C locale Redis runs its matching in.
int fold(int c, bool nocase) { return nocase && c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; }

// The outcome of trying one pattern element against one byte of text.
struct Step {
  bool star;         // the element is a run of '*' (and `matches` means nothing)
  bool matches;      // the element accepts the byte
  std::size_t next;  // where the following element starts
};

// `pos` is just past the '['. The class runs to the first unescaped ']' or, unterminated,
// to the end of the pattern. A '-' makes a range only with a byte on each side, and the
// byte after it may be the ']', which then does not close the class: Redis reads it so.
Step class_step(std::string_view pattern, std::size_t pos, int c, bool nocase) {
  const bool negated = pos < pattern.size() && pattern[pos] == '^';
  if (negated) ++pos;
  bool found = false;
  for (;;) {
    const std::size_t left = pattern.size() - pos;
    if (left >= 2 && pattern[pos] == '\\') {
      // Redis compares an escaped byte exactly, even when matching without case.
      found |= byte_value(pattern[pos + 1]) == c;
      pos += 2;
    } else if (left == 0) {
      break;
    } else if (pattern[pos] == ']') {
      ++pos;
      break;
    } else if (left >= 3 && pattern[pos + 1] == '-') {
      int low = byte_value(pattern[pos]);
      int high = byte_value(pattern[pos + 2]);
      if (low > high) std::swap(low, high);
      // Folding after ordering can leave an empty range ([Z-a]); Redis does the same.
      found |= fold(low, nocase) <= fold(c, nocase) && fold(c, nocase) <= fold(high, nocase);
      pos += 3;
    } else {
      found |= fold(byte_value(pattern[pos]), nocase) == fold(c, nocase);
      ++pos;
    }
  }
  return {false, found != negated, pos};
}

Step step_at(std::string_view pattern, std::size_t pos, char byte, bool nocase) {
  const int c = byte_value(byte);
  switch (pattern[pos]) {
    case '*':
      while (pos < pattern.size() && pattern[pos] == '*') ++pos;
      return {true, false, pos};
    case '?':
      return {false, true, pos + 1};
    case '[':
      return class_step(pattern, pos + 1, c, nocase);
    case '\\':
      // A trailing backslash is an ordinary byte.
      if (pos + 1 < pattern.size()) {
        return {false, fold(byte_value(pattern[pos + 1]), nocase) == fold(c, nocase), pos + 2};
      }
      break;
  }
  return {false, fold(byte_value(pattern[pos]), nocase) == fold(c, nocase), pos + 1};
}

}  // namespace

// Every element but '*' consumes exactly one byte, so on a mismatch it is enough to retry
// from the most recent '*' with one more byte given to it: earlier stars cannot do better.
// That keeps the worst case at O(pattern * text).
bool glob_match(std::string_view pattern, std::string_view text, bool nocase) {
  // Redis never looks at the pattern when the text is empty: even "*" fails on "".
  if (text.empty()) return pattern.empty();

  constexpr std::size_t kNoStar = std::string_view::npos;
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t after_star = kNoStar;  // pattern position just past the latest '*' run
  std::size_t star_start = 0;        // text position where that '*' run began to match
  int star_groups = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      const Step step = step_at(pattern, p, text[t], nocase);
      if (step.star) {
        if (step.next == pattern.size()) return true;
        if (++star_groups > kMaxStarGroups) return false;
        after_star = step.next;
        star_start = t;
        p = step.next;
        continue;
      }
      if (step.matches) {
        p = step.next;
        ++t;
        continue;
      }
    }
    if (after_star == kNoStar) return false;
    p = after_star;
    t = ++star_start;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace fkvs
