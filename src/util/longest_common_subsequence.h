#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fkvs {

// One run of the subsequence that is contiguous in both strings: byte offsets, inclusive.
struct LcsMatch {
  uint32_t a_start;
  uint32_t a_end;
  uint32_t b_start;
  uint32_t b_end;
  uint32_t length() const { return a_end - a_start + 1; }
  bool operator==(const LcsMatch&) const = default;
};

struct LcsResult {
  uint32_t length = 0;
  std::string sequence;  // filled when asked for
  // Filled when asked for, from the ends of the strings back to their starts.
  std::vector<LcsMatch> matches;
};

// What longest_common_subsequence works out beyond the length.
enum class LcsDetail : uint8_t { kLengthOnly, kSequence, kSequenceAndMatches };

// The longest common subsequence of a and b by the classic dynamic programming table, traced
// back as Redis's LCS does, so that among equally long subsequences it picks the same one:
// from the ends, a match is taken whenever the bytes are equal, otherwise the step goes
// back in a when that keeps a strictly longer subsequence, else back in b.
// nullopt when a string is too long for the table's 32-bit lengths or the table
// ((|a|+1) * (|b|+1) 32-bit cells) cannot be allocated, or would be over max_table_bytes.
std::optional<LcsResult> longest_common_subsequence(std::string_view a, std::string_view b,
                                                    LcsDetail detail, uint64_t max_table_bytes);

// Whether a string is too long for the table's 32-bit lengths (one reason for nullopt).
bool lcs_strings_too_long(std::string_view a, std::string_view b);

}  // namespace fkvs
