#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fkvs {

// A stream entry ID, "ms-seq": two unsigned 64-bit numbers ordered by ms,
// then seq, as Redis's streamID.
struct StreamId {
  uint64_t ms = 0;
  uint64_t seq = 0;

  // "18446744073709551615-18446744073709551615"
  static constexpr size_t kTextMax = 41;

  static constexpr StreamId min() { return {0, 0}; }
  static constexpr StreamId max() { return {UINT64_MAX, UINT64_MAX}; }

  friend constexpr auto operator<=>(const StreamId&, const StreamId&) = default;

  bool is_zero() const { return ms == 0 && seq == 0; }

  // The ID just after this one (seq + 1, carrying into ms); nullopt for
  // max(), where Redis's streamIncrID fails (an exclusive "(" start at the
  // last ID, "the stream has exhausted the last possible ID").
  std::optional<StreamId> next() const;
  // The ID just before; nullopt for 0-0 (streamDecrID's failure).
  std::optional<StreamId> prev() const;

  // Writes "ms-seq" into out (kTextMax bytes) and returns its length.
  size_t format(char* out) const;
  std::string to_string() const;

  // An ID argument as Redis's streamGenericParseIDOrReply reads it: "ms" or
  // "ms-seq", each part a decimal uint64 as string2ull takes it; "ms" alone
  // gets seq missing_seq and seq_given false. Unless strict, "-" is 0-0 and
  // "+" is max(). nullopt for anything else ("Invalid stream ID specified as
  // stream command argument"). "*" and "ms-*" are the caller's to handle.
  struct Parsed;
  static std::optional<Parsed> parse(std::string_view text, uint64_t missing_seq, bool strict);
};

struct StreamId::Parsed {
  StreamId id;
  bool seq_given = true;
};

}  // namespace fkvs
