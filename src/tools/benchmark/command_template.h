#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fkvs::benchmark {

// The placeholder redis-benchmark replaces with a random key number under -r;
// it has exactly the width of the number, so substitution is in place.
inline constexpr std::string_view kRandomPlaceholder = "__rand_int__";

// One command's wire bytes, encoded once, and where its placeholders sit.
struct CommandTemplate {
  std::string bytes;
  std::vector<size_t> placeholders;  // offsets of kRandomPlaceholder in bytes

  // A multibulk request of args.
  static CommandTemplate from_args(std::span<const std::string> args);
  // An inline request: line followed by CRLF (PING_INLINE).
  static CommandTemplate from_inline(std::string_view line);

  // count copies back to back: a pipeline batch, written with one write.
  CommandTemplate repeated(size_t count) const;
};

// A small, fast generator (splitmix64): one per client, so threads share nothing.
class KeyRandom {
 public:
  explicit KeyRandom(uint64_t seed) : state_(seed) {}
  uint64_t next();
  // Uniform in [0, bound).
  uint64_t below(uint64_t bound);

 private:
  uint64_t state_;
};

// Writes a fresh 12-digit, zero-padded number in [0, keyspace) over each
// placeholder offset in buffer that lies before limit.
void substitute_random(std::span<char> buffer, std::span<const size_t> placeholders, size_t limit,
                       uint64_t keyspace, KeyRandom& random);

}  // namespace fkvs::benchmark
