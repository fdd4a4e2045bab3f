#include "util/glob.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <random>
#include <string>
#include <string_view>

using namespace std::string_view_literals;

namespace {

struct Case {
  std::string_view pattern;
  std::string_view text;
  bool matches;
};

void check_cases(std::initializer_list<Case> cases, bool nocase) {
  for (const Case& c : cases) {
    CAPTURE(c.pattern);
    CAPTURE(c.text);
    CHECK(fkvs::glob_match(c.pattern, c.text, nocase) == c.matches);
  }
}

// The textbook recursive definition, exponential but obviously right, for patterns made of
// literals, '?' and '*' only.
bool reference_match(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  if (pattern[0] == '*') {
    for (std::size_t skip = 0; skip <= text.size(); ++skip) {
      if (reference_match(pattern.substr(1), text.substr(skip))) return true;
    }
    return false;
  }
  if (text.empty()) return false;
  if (pattern[0] != '?' && pattern[0] != text[0]) return false;
  return reference_match(pattern.substr(1), text.substr(1));
}

}  // namespace

// Every expectation below was checked against redis-server 7.0.15 with KEYS.
TEST_CASE("glob: wildcards, classes and escapes") {
  check_cases(
      {
          {"h?llo", "hello", true},
          {"h?llo", "hllo", false},
          {"h*llo", "hllo", true},
          {"h*llo", "heeeello", true},
          {"h[ae]llo", "hallo", true},
          {"h[^e]llo", "hello", false},
          {"h[a-b]llo", "hbllo", true},
          {"*a*", "bab", true},
          {"a*", "a", true},
          {"a**", "a", true},
          {"a?", "a", false},
          {"*", "\0"sv, true},
          {"\\*", "*", true},
          {"\\*", "a", false},
          {"[\\]]", "]", true},
          {"[-a]", "-", true},
          {"[^-a]", "b", true},
      },
      false);
}

TEST_CASE("glob: an empty text matches only the empty pattern") {
  check_cases({{"", "", true}, {"**", "", false}, {"*", "", false}, {"", "a", false}}, false);
}

// An unterminated class runs to the end of the pattern (empty, it matches nothing; negated,
// anything). "[]" is an empty class. Ranges work in either order, a range may end in ']' (which
// then closes nothing), and "[a-c-e]" is a-c, '-' and 'e'. A lone trailing backslash is a byte.
TEST_CASE("glob: class edge cases read as Redis reads them") {
  check_cases(
      {
          {"[abc", "a", true},    {"[abc", "ab", false},   {"[", "[", false},
          {"[", "a", false},      {"[^", "x", true},       {"[^", "xy", false},
          {"[]a]", "]a]", false}, {"[]a]", "a]", false},   {"[]", "]", false},
          {"x[]", "x", false},    {"[^]", "x", true},      {"[z-a]", "m", true},
          {"[a-]", "_", true},    {"[a-]", "-", false},    {"[a-]x", "_", true},
          {"[a-]x", "_x", false}, {"[a-c-e]", "d", false}, {"[a-c-e]", "-", true},
          {"[\\", "\\", true},    {"[a\\", "\\", true},    {"[a\\]", "]", true},
          {"[a\\]", "\\", false}, {"a\\", "a\\", true},
      },
      false);
}

TEST_CASE("glob: ranges compare bytes as signed char") {
  // [a-\xff] is the range from -1 to 'a': it holds \xff, '\0'..'a', but not \x80.
  check_cases(
      {
          {"[a-\xff]", "\xff", true},
          {"[a-\xff]", "\x80", false},
          {"[a-\xff]", "b", false},
          {"[a-\xff]", "A", true},
      },
      false);
}

// Checked against redis-server 7.0.15 with CONFIG GET, which matches without case.
TEST_CASE("glob: nocase folds ASCII, except escaped bytes inside a class") {
  check_cases(
      {
          {"APPEND?NLY", "appendonly", true},
          {"P*RT", "port", true},
          {"\\Po?t", "port", true},
          {"[\\A]ppendonl?", "appendonly", false},
          {"[\\a]PPENDONL?", "appendonly", true},
          {"[A-z]ppendonl?", "appendonly", true},
          {"[a-Z]ppendonl?", "appendonly", false},  // folded after ordering: empty
          {"[^a-Z]ppendonl?", "appendonly", true},
      },
      true);
  CHECK(fkvs::glob_match("hello", "HELLO", true));
  CHECK_FALSE(fkvs::glob_match("HELLO", "hello"));
}

TEST_CASE("glob: more than 1000 star groups never match, as Redis's recursion limit") {
  const std::string text(1200, 'a');
  std::string groups;
  for (int i = 0; i < 1000; ++i) groups += "a*";
  CHECK(fkvs::glob_match(groups + "a", text));
  CHECK(fkvs::glob_match(groups + "a*", text));  // the 1001st group is trailing
  CHECK_FALSE(fkvs::glob_match(groups + "a*a", text));
  CHECK_FALSE(fkvs::glob_match(groups + "a*a*", text));
}

TEST_CASE("glob: many stars against a long text finish quickly") {
  const std::string text(100000, 'a');
  CHECK_FALSE(fkvs::glob_match("a*a*a*a*a*a*a*a*a*a*a*a*b", text));
  CHECK(fkvs::glob_match("a*a*a*a*a*a*a*a*a*a*a*a*a", text));
  CHECK_FALSE(fkvs::glob_match("*?*?*?*?*?*?*?*?*?*?*b*", text));
}

TEST_CASE("glob: agrees with the recursive definition on random '*' '?' patterns") {
  const unsigned seed = 20240611;
  std::printf("glob random seed %u\n", seed);
  std::mt19937 rng(seed);
  auto random_string = [&](std::string_view alphabet, int max_length) {
    std::string s(std::uniform_int_distribution<int>(0, max_length)(rng), ' ');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    return s;
  };
  for (int i = 0; i < 20000; ++i) {
    const std::string pattern = random_string("ab?**", 8);
    const std::string text = random_string("ab", 10);
    if (text.empty()) continue;  // Redis's empty-text rule is covered above
    CAPTURE(pattern);
    CAPTURE(text);
    CHECK(fkvs::glob_match(pattern, text) == reference_match(pattern, text));
  }
}
