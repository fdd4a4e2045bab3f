#include "util/longest_common_subsequence.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using fkvs::LcsDetail;
using fkvs::LcsMatch;
using fkvs::longest_common_subsequence;

constexpr uint64_t kNoLimit = UINT64_MAX;

fkvs::LcsResult lcs_of(std::string_view a, std::string_view b,
                       LcsDetail detail = LcsDetail::kSequenceAndMatches) {
  auto result = longest_common_subsequence(a, b, detail, kNoLimit);
  REQUIRE(result);
  return *result;
}

// The LCS length by the textbook recursion over suffixes, memoised.
size_t reference_length(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> memo(a.size() + 1, std::vector<size_t>(b.size() + 1, 0));
  for (size_t i = a.size(); i-- > 0;) {
    for (size_t j = b.size(); j-- > 0;) {
      memo[i][j] = a[i] == b[j] ? memo[i + 1][j + 1] + 1 : std::max(memo[i + 1][j], memo[i][j + 1]);
    }
  }
  return memo[0][0];
}

bool is_subsequence(std::string_view needle, std::string_view text) {
  size_t at = 0;
  for (char c : text) {
    if (at < needle.size() && needle[at] == c) ++at;
  }
  return at == needle.size();
}

TEST_CASE("lcs: the example Redis documents") {
  const fkvs::LcsResult result = lcs_of("ohmytext", "mynewtext");
  CHECK(result.sequence == "mytext");
  CHECK(result.length == 6);
  CHECK(result.matches == std::vector<LcsMatch>{{4, 7, 5, 8}, {2, 3, 0, 1}});
  CHECK(result.matches[0].length() == 4);
}

TEST_CASE("lcs: empty and disjoint strings") {
  CHECK(lcs_of("", "").length == 0);
  CHECK(lcs_of("abc", "").sequence.empty());
  CHECK(lcs_of("abc", "xyz").matches.empty());
  const fkvs::LcsResult same = lcs_of("abc", "abc");
  CHECK(same.sequence == "abc");
  CHECK(same.matches == std::vector<LcsMatch>{{0, 2, 0, 2}});
}

TEST_CASE("lcs: the length alone leaves the sequence and matches out") {
  const fkvs::LcsResult result = lcs_of("ohmytext", "mynewtext", LcsDetail::kLengthOnly);
  CHECK(result.length == 6);
  CHECK(result.sequence.empty());
  const fkvs::LcsResult sequence = lcs_of("ohmytext", "mynewtext", LcsDetail::kSequence);
  CHECK(sequence.sequence == "mytext");
  CHECK(sequence.matches.empty());
}

TEST_CASE("lcs: ties go back in the second string first") {
  // "ab" and "ba": "a" and "b" are both longest; from the ends, where neither step keeps a
  // longer subsequence, the trace skips the second string's last byte (as redis-server).
  CHECK(lcs_of("ab", "ba").sequence == "b");
  CHECK(lcs_of("ba", "ab").sequence == "a");
}

TEST_CASE("lcs: a table over the limit is refused") {
  CHECK_FALSE(longest_common_subsequence("abc", "abc", LcsDetail::kSequence, 15));
  CHECK(longest_common_subsequence("abc", "abc", LcsDetail::kSequence, 16 * 4));
}

TEST_CASE("lcs: random strings against the reference length") {
  const unsigned seed = std::random_device{}();
  std::printf("lcs random seed %u\n", seed);
  std::mt19937 random(seed);
  for (int round = 0; round < 300; ++round) {
    auto make = [&] {
      std::string text(random() % 40, ' ');
      const int alphabet = 1 + static_cast<int>(random() % 4);
      for (char& c : text) c = static_cast<char>('a' + random() % alphabet);
      return text;
    };
    const std::string a = make();
    const std::string b = make();
    CAPTURE(a);
    CAPTURE(b);
    const fkvs::LcsResult result = lcs_of(a, b);
    CHECK(result.length == reference_length(a, b));
    CHECK(result.sequence.size() == result.length);
    CHECK(is_subsequence(result.sequence, a));
    CHECK(is_subsequence(result.sequence, b));
    // The matches, read from the last back to the first, spell the sequence, each run the
    // same bytes in both strings.
    std::string spelled;
    for (auto match = result.matches.rbegin(); match != result.matches.rend(); ++match) {
      REQUIRE(match->b_end - match->b_start == match->a_end - match->a_start);
      CHECK(a.substr(match->a_start, match->length()) == b.substr(match->b_start, match->length()));
      spelled += a.substr(match->a_start, match->length());
    }
    CHECK(spelled == result.sequence);
  }
}

}  // namespace
