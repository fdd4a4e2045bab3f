#include "util/longest_common_subsequence.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <new>

namespace fkvs {

bool lcs_strings_too_long(std::string_view a, std::string_view b) {
  constexpr size_t kLimit = std::numeric_limits<uint32_t>::max() - 1;
  return a.size() >= kLimit || b.size() >= kLimit;
}

std::optional<LcsResult> longest_common_subsequence(std::string_view a, std::string_view b,
                                                    LcsDetail detail, uint64_t max_table_bytes) {
  if (lcs_strings_too_long(a, b)) return std::nullopt;
  const uint64_t rows = a.size() + 1;
  const uint64_t columns = b.size() + 1;
  const uint64_t cells = rows * columns;  // below 2^64: both are below 2^32
  if (cells > max_table_bytes / sizeof(uint32_t)) return std::nullopt;
  std::unique_ptr<uint32_t[]> table(new (std::nothrow) uint32_t[cells]);
  if (!table) return std::nullopt;
  auto at = [&](uint64_t i, uint64_t j) -> uint32_t& { return table[i * columns + j]; };

  // at(i, j): the length of the LCS of a's first i bytes and b's first j bytes.
  for (uint64_t j = 0; j < columns; ++j) at(0, j) = 0;
  for (uint64_t i = 1; i < rows; ++i) {
    uint32_t* row = &at(i, 0);
    const uint32_t* above = &at(i - 1, 0);
    row[0] = 0;
    const char byte = a[i - 1];
    for (uint64_t j = 1; j < columns; ++j) {
      row[j] = byte == b[j - 1] ? above[j - 1] + 1 : std::max(above[j], row[j - 1]);
    }
  }

  LcsResult result;
  result.length = at(rows - 1, columns - 1);
  if (detail == LcsDetail::kLengthOnly) return result;
  const bool want_matches = detail == LcsDetail::kSequenceAndMatches;
  result.sequence.resize(result.length);
  uint32_t filled = result.length;
  std::optional<LcsMatch> run;  // the run being traced, growing toward the starts
  uint64_t i = rows - 1;
  uint64_t j = columns - 1;
  while (i > 0 && j > 0) {
    if (a[i - 1] == b[j - 1]) {
      result.sequence[--filled] = a[i - 1];
      const auto ai = static_cast<uint32_t>(i - 1);
      const auto bj = static_cast<uint32_t>(j - 1);
      // Matches right after one another are always adjacent in both strings: a step that
      // skips a byte ends the run first.
      if (run) {
        run->a_start = ai;
        run->b_start = bj;
      } else {
        run = LcsMatch{ai, ai, bj, bj};
      }
      --i;
      --j;
    } else {
      if (at(i - 1, j) > at(i, j - 1)) {
        --i;
      } else {
        --j;
      }
      if (run && want_matches) result.matches.push_back(*run);
      run.reset();
    }
  }
  if (run && want_matches) result.matches.push_back(*run);
  return result;
}

}  // namespace fkvs
